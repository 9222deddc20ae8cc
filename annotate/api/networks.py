"""GET /api/projects/<id>/network/: a project's discourse network as JSON or as a file
for network tools (GraphML, GEXF, a CSV matrix or an edge list)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus.api.fields import ID_SCHEMA, IdParameter, caller_projects
from corpus.api.filters import EMPTY
from corpus.models import Project

from .. import networks
from .sources import SOURCE_PARAMETER, request_source

#: The longest source name a filter takes (the column's length).
SOURCE_LENGTH = 200


def _choice_field(
    choices: tuple[str, ...], default: str, help_text: str
) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        default=default,
        help_text=help_text,
        error_messages={
            "invalid_choice": f"'{{input}}' is not allowed; choose one of {', '.join(choices)}."
        },
    )


class NetworkParametersSerializer(serializers.Serializer):
    kind = _choice_field(networks.KINDS, "affiliation", "Which network to compute.")
    qualifier = _choice_field(
        networks.QUALIFIERS,
        "ignore",
        "How stances aggregate in an affiliation network (one-mode networks take 'ignore').",
    )
    normalization = _choice_field(
        networks.NORMALIZATIONS,
        "none",
        "One-mode: none, average, jaccard, cosine. Affiliation: none, activity, prominence.",
    )
    duplicates = _choice_field(
        networks.DUPLICATES, "all", "Count every statement, or one per document."
    )
    start = serializers.DateField(
        required=False, help_text="Only documents published on or after this day."
    )
    end = serializers.DateField(
        required=False, help_text="Only documents published on or before this day."
    )
    exclude_actor = serializers.ListField(child=IdParameter(), required=False, default=list)
    exclude_claim = serializers.ListField(child=IdParameter(), required=False, default=list)
    exclude_source = serializers.ListField(
        child=serializers.CharField(max_length=SOURCE_LENGTH), required=False, default=list
    )
    # Declared fields leave the class (DRF's metaclass), so this does not hide Field.source.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False,
        max_length=150,
        help_text="Whose annotations: final, all, or an annotator's username.",
    )
    format = _choice_field(networks.FORMATS, "json", "The response's format.")

    def to_internal_value(self, data: Any) -> Any:
        # A query string's empty value would read as "left out" (and take the default).
        empty = {
            name: [EMPTY]
            for name, field in self.fields.items()
            if not isinstance(field, serializers.ListField) and data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = networks.option_errors(**networks.checked_options(attrs))
        if errors:
            raise serializers.ValidationError({key: [message] for key, message in errors.items()})
        return attrs

    def options(self, project: Project, user: Any) -> networks.NetworkOptions:
        origin = request_source(project, self.validated_data.get("source"), user)
        return networks.NetworkOptions.from_cleaned(self.validated_data, origin=origin, viewer=user)


class JsonOnly(DefaultContentNegotiation):
    """`format` names the file to produce, not a renderer: answers that are not files
    (the JSON network, errors) are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


NetworkJson = inline_serializer(
    "Network",
    {
        "kind": serializers.CharField(),
        "one_mode": serializers.BooleanField(),
        "statements": serializers.IntegerField(help_text="Statements counted."),
        "nodes": inline_serializer(
            "NetworkNode",
            {
                "id": serializers.CharField(help_text="'actor-<pk>' or 'claim-<pk>'."),
                "label": serializers.CharField(),
                "mode": serializers.ChoiceField(choices=["actor", "claim"]),
                "pk": serializers.IntegerField(),
                "kind": serializers.CharField(help_text="The actor's kind, or 'claim'."),
                "colour": serializers.CharField(),
                "statements": serializers.IntegerField(),
            },
            many=True,
        ),
        "edges": inline_serializer(
            "NetworkEdge",
            {
                "source": serializers.CharField(),
                "target": serializers.CharField(),
                "weight": serializers.FloatField(),
                "stances": serializers.DictField(
                    child=serializers.IntegerField(),
                    required=False,
                    help_text="Affiliation only: statements behind the tie per stance "
                    "(support, oppose, neutral).",
                ),
            },
            many=True,
        ),
    },
)

ERROR = inline_serializer("NetworkError", {"detail": serializers.CharField()})


def _repeatable(name: str, items: dict[str, Any], description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": items},
        OpenApiParameter.QUERY,
        description=description,
        explode=True,
        required=False,
    )


OPTIONS = [
    OpenApiParameter("kind", str, enum=list(networks.KINDS), description="Network kind."),
    OpenApiParameter(
        "qualifier", str, enum=list(networks.QUALIFIERS), description="Affiliation only."
    ),
    OpenApiParameter(
        "normalization",
        str,
        enum=list(networks.NORMALIZATIONS),
        description="One-mode: none, average, jaccard, cosine; affiliation: none, "
        "activity, prominence.",
    ),
    OpenApiParameter("duplicates", str, enum=list(networks.DUPLICATES)),
    OpenApiParameter("start", OpenApiTypes.DATE, description="Published on or after."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Published on or before."),
    _repeatable("exclude_actor", ID_SCHEMA, "Actor id to leave out; repeatable."),
    _repeatable("exclude_claim", ID_SCHEMA, "Claim id to leave out; repeatable."),
    _repeatable(
        "exclude_source",
        {"type": "string", "minLength": 1, "maxLength": SOURCE_LENGTH},
        "Source to leave out; repeatable.",
    ),
    SOURCE_PARAMETER,
]
ERRORS = {400: OpenApiTypes.OBJECT, 401: ERROR, 404: ERROR}
DESCRIPTION = (
    "Computed from the project's complete, live statements as the Discourse Network "
    "Analyzer defines them. JSON lists nodes and edges (one edge per unordered pair in "
    "one-mode networks); the other formats are files for network tools."
)
#: What each file format is, for its own operation in the schema.
FILES = {
    "graphml": ("GraphML (Gephi, visone, networkx, igraph)", OpenApiTypes.BINARY),
    "gexf": ("GEXF (Gephi)", OpenApiTypes.BINARY),
    "csv": ("A CSV matrix, rows by columns", OpenApiTypes.STR),
    "edges.csv": ("A CSV edge list", OpenApiTypes.STR),
}


def _media_type(file_format: str) -> str:
    return networks.CONTENT_TYPES[file_format].split(";")[0]


NETWORK_SCHEMA = extend_schema(
    operation_id="project_network",
    summary="A project's discourse network",
    description=DESCRIPTION
    + " `format` picks the answer here too; generated clients download the files from "
    "the network's file paths (`network/graphml/` and so on), one media type each.",
    parameters=[
        *OPTIONS,
        OpenApiParameter("format", str, enum=list(networks.FORMATS), description="Output."),
    ],
    responses={
        (200, "application/json"): NetworkJson,
        **{(200, _media_type(name)): kind for name, (_, kind) in FILES.items()},
        **ERRORS,
    },
)


def network_response(request: Request, pk: int, file_format: str | None) -> Response | HttpResponse:
    """The network of the caller's project ``pk`` with the request's options, as JSON or
    as the file ``file_format`` names (None: the ``format`` parameter does)."""
    project = get_object_or_404(caller_projects(request.user), pk=pk)
    data: QueryDict = request.query_params.copy()
    if file_format is not None:
        if "format" in data:
            raise serializers.ValidationError(
                {"format": ["This path answers one format; leave the parameter out."]}
            )
        data["format"] = file_format
    parameters = NetworkParametersSerializer(data=data)
    parameters.is_valid(raise_exception=True)
    options = parameters.options(project, request.user)
    network = networks.compute_network(project=project, options=options)
    chosen = parameters.validated_data["format"]
    response: Response | HttpResponse
    if chosen == "json":
        response = Response(networks.as_json(network))
        if file_format is None and "format" not in request.query_params:
            return response  # the API's answer; asked as a format, it is a file
    else:
        response = HttpResponse(
            networks.WRITERS[chosen](network), content_type=networks.CONTENT_TYPES[chosen]
        )
    name = networks.filename(project, network, chosen)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ProjectNetworkView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = JsonOnly

    @NETWORK_SCHEMA
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        return network_response(request, pk, None)


class NetworkFileView(APIView):
    """One file format of a project's network, at a path of its own."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = JsonOnly
    file_format = ""

    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        return network_response(request, pk, self.file_format)


def network_file_view(file_format: str) -> type[NetworkFileView]:
    """The view of one file format, with its own operation in the schema."""
    label, kind = FILES[file_format]
    slug = file_format.replace(".", "_")
    schema = extend_schema(
        operation_id=f"project_network_{slug}",
        summary=f"A project's discourse network as {label}",
        description=DESCRIPTION,
        parameters=OPTIONS,
        responses={(200, _media_type(file_format)): kind, **ERRORS},
    )

    # A method of its own: the schema is kept on the function.
    def get(self: NetworkFileView, request: Request, pk: int) -> Response | HttpResponse:
        return network_response(request, pk, file_format)

    name = f"Network{slug.title().replace('_', '')}View"
    return type(name, (NetworkFileView,), {"file_format": file_format, "get": schema(get)})

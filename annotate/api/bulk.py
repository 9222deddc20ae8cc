"""POST /api/annotations/bulk/: up to 10,000 annotations at once, all or nothing, every
bad item named by its index."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from corpus.access import acting_user, caller_role, require_annotator
from corpus.api.errors import ErrorSerializer
from corpus.api.fields import MAX_ID
from corpus.models import Document

from ..models import Actor, Claim, Stance
from ..services.annotations import (
    BulkValidationError,
    NewAnnotation,
    check_annotations,
    create_annotations,
)
from .serializers import STANCE_ERROR, AnnotationSerializer, annotation_json

#: The most annotations one bulk request may create.
BULK_LIMIT = 10_000


class BulkResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    annotations = AnnotationSerializer(many=True)


BULK_ERRORS = inline_serializer(
    "BulkErrors",
    {
        "detail": serializers.CharField(required=False),
        "errors": serializers.DictField(
            required=False,
            child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            help_text=(
                "For each bad item's index: its errors, field by field. A body that is not "
                "a list of at most 10,000 items is refused under `non_field_errors`."
            ),
        ),
    },
)


class BulkCreateMixin:
    """The annotations viewset's ``bulk`` action."""

    @extend_schema(
        summary=f"Create up to {BULK_LIMIT:,} annotations at once, all or nothing",
        description=(
            "The body is a list of annotations as for a single create. When any item is "
            "invalid nothing is saved, and `errors` names every bad item by its index."
        ),
        request={
            "application/json": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/AnnotationRequest"},
                "minItems": 1,
                "maxItems": BULK_LIMIT,
            }
        },
        responses={
            201: BulkResultSerializer,
            400: BULK_ERRORS,
            401: ErrorSerializer,
            403: ErrorSerializer,
            413: ErrorSerializer,
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        items = bulk_items(request)
        annotations = create_annotations(items=items, created_by=acting_user(request))
        return Response(
            {"count": len(annotations), "annotations": [annotation_json(a) for a in annotations]},
            status=status.HTTP_201_CREATED,
        )


def bulk_items(request: Request) -> list[NewAnnotation]:
    """Turn a bulk body into items for the service, naming every bad item by its index.

    Documents, actors and claims are each fetched once for the whole batch (in the
    caller's scope), so checking 10,000 items takes three queries, not 30,000.
    """
    data = request.data
    if not isinstance(data, list):
        raise serializers.ValidationError(
            {"non_field_errors": ["Send a JSON list of annotations."]}
        )
    if not data:
        raise serializers.ValidationError({"non_field_errors": ["The list is empty."]})
    if len(data) > BULK_LIMIT:
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    f"At most {BULK_LIMIT:,} annotations per request; this one has "
                    f"{len(data):,}. Split it up."
                ]
            }
        )

    def ids(name: str) -> set[int]:
        return {
            item[name]
            for item in data
            if isinstance(item, dict)
            and isinstance(item.get(name), int)
            and not isinstance(item.get(name), bool)
            and 0 <= item[name] <= MAX_ID
        }

    user = request.user
    documents = {
        d.pk: d
        for d in Document.objects.visible_to(user).with_role(user).filter(pk__in=ids("document"))
    }
    actors = {a.pk: a for a in Actor.objects.visible_to(user).filter(pk__in=ids("actor"))}
    claims = {c.pk: c for c in Claim.objects.visible_to(user).filter(pk__in=ids("claim"))}
    for document in documents.values():
        require_annotator(caller_role(document))

    allowed = {"document", "start", "end", "quote", "actor", "claim", "stance", "note"}
    errors: dict[int, dict[str, list[str]]] = {}
    items: list[NewAnnotation] = []
    positions: list[int] = []
    for index, item in enumerate(data):
        problems: dict[str, list[str]] = {}
        if not isinstance(item, dict):
            errors[index] = {"non_field_errors": ["Each item must be a JSON object."]}
            continue
        for name in sorted(set(item) - allowed):
            problems[name] = ["Unknown field; an item has " + ", ".join(sorted(allowed)) + "."]
        document = _lookup(item, "document", documents, problems, required=True)
        actor = _lookup(item, "actor", actors, problems)
        claim = _lookup(item, "claim", claims, problems)
        stance = item.get("stance")
        if stance is not None and stance not in Stance.values:
            problems["stance"] = [STANCE_ERROR.format(input=stance)]
        for name in ("start", "end"):
            if name not in item:
                problems[name] = ["This field is required."]
        for name in ("quote", "note"):
            if item.get(name) is not None and not isinstance(item[name], str):
                problems[name] = ["Must be a string."]
        if problems:
            errors[index] = problems
            continue
        items.append(
            NewAnnotation(
                document=document,  # type: ignore[arg-type]
                start=item["start"],
                end=item["end"],
                quote=item.get("quote"),
                actor=actor,
                claim=claim,
                stance=stance,
                note=item.get("note") or "",
            )
        )
        positions.append(index)
    if errors:
        # Check the well-formed items too, so one answer lists every problem.
        for position, item_errors in check_annotations(items=items).items():
            errors[positions[position]] = item_errors
        raise BulkValidationError(dict(sorted(errors.items())))
    return items


def _lookup(
    item: dict[str, Any],
    name: str,
    found: dict[int, Any],
    problems: dict[str, list[str]],
    required: bool = False,
) -> Any:
    value = item.get(name)
    if value is None:
        if required:
            problems[name] = ["This field is required."]
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        problems[name] = [f"Give the {name}'s id as a whole number."]
        return None
    if value not in found:
        problems[name] = [f"There is no {name} with id {value} in your projects."]
        return None
    return found[value]

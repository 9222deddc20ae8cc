"""Who stands where: the stance matrix, the network page and the statement table."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from annotate import networks, selectors
from annotate.models import Actor, Claim
from annotate.selectors import ALL, FINAL, Source, StatementFilter, annotation_source
from annotate.statements import COLUMNS, csv_lines, statement_rows, workbook_rows
from annotate.workbooks import workbook_response
from corpus.access import project_access
from corpus.characters import xml_safe
from corpus.http import HtmxHttpRequest, StreamingResponse
from corpus.ids import ModelMultipleIdField, is_id
from corpus.models import Document, Project

# A page shows at most this many of the most active actors and claims; filters or the
# statement table reach the rest.
MAX_ROWS = 100
MAX_COLUMNS = 40

#: The most statements listed for one cell, actor or claim of the matrix.
MAX_LISTED = 200

STATEMENT_FORMATS = ("csv", "excel", "xlsx")

SORTS = [("activity", "Most statements first"), ("name", "Name")]


def coder_names(project: Project) -> list[str]:
    """Usernames of the project's members: the ``source`` choices of one annotator's
    annotations, as ``annotate.selectors.annotation_source`` takes them."""
    return list(
        project.memberships.order_by("user__username").values_list("user__username", flat=True)
    )


def whose_choices(project: Project) -> list[tuple[str, str]]:
    """The ``source`` choices of whose annotations count (``annotate.selectors.Source``)."""
    return [
        (FINAL, "Final annotations of curated documents"),
        (ALL, "Every annotator's own annotations"),
        *((name, f"{name}'s annotations") for name in coder_names(project)),
    ]


class StatementFilterForm(forms.Form):
    """Filters shared by the stance matrix and the statement table.

    ``source`` is one choice of two kinds: whose annotations count (``final``, ``all`` or
    an annotator's username) or the news source of the documents."""

    source = forms.ChoiceField(label="Source", required=False)
    start = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    annotator = forms.ModelChoiceField(
        label="Annotator",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Any annotator",
    )
    category = forms.ModelChoiceField(
        label="Claim category",
        queryset=Claim.objects.none(),
        required=False,
        empty_label="Any category",
    )
    sort = forms.ChoiceField(label="Sort rows and columns by", choices=SORTS, required=False)

    def __init__(self, *args: Any, project: Project, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project, self.user = project, user
        sources = (
            Document.objects.filter(project=project)
            .exclude(source_name="")
            .order_by("source_name")
            .values_list("source_name", flat=True)
            .distinct()
        )
        self.whose = whose_choices(project)
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            ("", "Any source, the project's default annotations"),
            ("Whose annotations", self.whose),
            ("News source", [(s, s) for s in sources]),
        ]
        cast(forms.ModelChoiceField, self.fields["annotator"]).queryset = (
            get_user_model().objects.filter(memberships__project=project).order_by("username")
        )
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = (
            Claim.objects.filter(project=project, children__isnull=False)
            .distinct()
            .order_by("label")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date is before the start date.")
        chosen = data.get("source") or ""
        whose = chosen if chosen in {value for value, _ in self.whose} else ""
        self.origin: Source = annotation_source(self.project, whose, self.user)
        data["news_source"] = "" if whose else chosen
        return data

    def filters(self) -> StatementFilter:
        """The validated filters, for ``selectors.statements``."""
        data = self.cleaned_data
        annotator, category = data.get("annotator"), data.get("category")
        return StatementFilter(
            origin=self.origin,
            viewer=self.user,
            source=data.get("news_source") or "",
            start=data.get("start"),
            end=data.get("end"),
            annotator=annotator.pk if annotator else None,
            category=category.pk if category else None,
        )


@login_required
@vary_on_headers("HX-Request")
def matrix(request: HtmxHttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    form = StatementFilterForm(request.GET, project=project_obj, user=request.user)
    context: dict[str, Any] = {
        "project": project_obj,
        "access": access,
        "section": "matrix",
        "form": form,
    }
    if not form.is_valid():
        return render(request, "annotate/matrix.html", context, status=400)
    context["origin"] = form.origin
    statements = selectors.statements(project_obj, form.filters())
    filters = request.GET.copy()
    for key in ("actor", "claim"):
        filters.pop(key, None)
    context["filters"] = filters.urlencode()
    actor_id, claim_id = request.GET.get("actor"), request.GET.get("claim")
    if actor_id or claim_id:
        # A cell (actor and claim), a row (actor) or a column (claim).
        actor = claim = None
        if actor_id:
            actor = get_object_or_404(
                Actor.objects.filter(project=project_obj), pk=actor_id if is_id(actor_id) else 0
            )
        if claim_id:
            claim = get_object_or_404(
                Claim.objects.filter(project=project_obj), pk=claim_id if is_id(claim_id) else 0
            )
        listed = selectors.cell_statements(statements, actor, claim)
        context["selected"] = {
            "actor": actor,
            "claim": claim,
            "statements": listed[:MAX_LISTED],
            "count": listed.count(),
            "limit": MAX_LISTED,
        }
        if request.htmx:
            return render(request, "annotate/matrix.html#cell-statements", context)
    result = selectors.stance_matrix(
        statements,
        project_obj,
        sort=form.cleaned_data.get("sort") or "activity",
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )
    context.update(vars(result))
    return render(request, "annotate/matrix.html", context)


def plain_errors(form: forms.Form, extra: dict[str, list[str]] | None = None) -> HttpResponse:
    """A download's refusal: each field's errors on a line of plain text, with a 400."""
    errors: dict[str, list[str]] = {
        key: [str(message) for message in messages] for key, messages in form.errors.items()
    }
    errors.update(extra or {})
    lines = [f"{key}: {' '.join(messages)}" for key, messages in errors.items()]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain")


@login_required
def matrix_heatmap(request: HttpRequest, project: str) -> HttpResponse:
    """The stance matrix as an SVG heat map, with the matrix's filters: every cell shows
    its counts as text, so that it reads without colour."""
    project_obj = project_access(request, project).project
    form = StatementFilterForm(request.GET, project=project_obj, user=request.user)
    if not form.is_valid():
        return plain_errors(form)
    result = selectors.stance_matrix(
        selectors.statements(project_obj, form.filters()),
        project_obj,
        sort=form.cleaned_data.get("sort") or "activity",
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )
    response = render(
        request,
        "annotate/matrix_heatmap.svg",
        {"project_name": xml_safe(project_obj.name), **heatmap_layout(result)},
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{project_obj.slug}-matrix.svg"'
    return response


def heatmap_layout(result: selectors.StanceMatrix) -> dict[str, Any]:
    """Where each label and cell of the heat map goes, in SVG user units."""
    label_width, header, cell_width, cell_height = 230, 170, 96, 30
    # XML cannot carry some characters a name may hold: they are written as U+FFFD.
    columns = [
        (label_width + j * cell_width + cell_width / 2, column, xml_safe(column.name))
        for j, column in enumerate(result.columns)
    ]
    rows = [
        (
            header + i * cell_height,
            row,
            xml_safe(row.name),
            [(label_width + j * cell_width, cell) for j, (_, cell) in enumerate(cells)],
        )
        for i, (row, cells) in enumerate(result.table)
    ]
    width = label_width + (len(result.columns) + 1) * cell_width + 10
    return {
        "matrix": result,
        "columns": columns,
        "rows": rows,
        "total_x": label_width + len(result.columns) * cell_width,
        "width": width,
        "height": header + (len(rows) + 1) * cell_height + 50,
        "footer_y": header + len(rows) * cell_height,
        "cell_width": cell_width,
        "cell_height": cell_height,
    }


@login_required
def statements_export(request: HttpRequest, project: str) -> HttpResponseBase:
    """The statement table as CSV (`?format=csv`), Excel-ready CSV (`?format=excel`) or
    an Excel workbook (`?format=xlsx`), with the stance matrix's filters."""
    project_obj = project_access(request, project).project
    file_format = request.GET.get("format", "csv")
    form = StatementFilterForm(request.GET, project=project_obj, user=request.user)
    if file_format not in STATEMENT_FORMATS or not form.is_valid():
        extra = {}
        if file_format not in STATEMENT_FORMATS:
            extra["format"] = [f"'{file_format}' is not a format; choose csv, excel or xlsx."]
        return plain_errors(form, extra)
    rows = statement_rows(selectors.statements(project_obj, form.filters()))
    if file_format == "xlsx":
        return workbook_response(
            columns=COLUMNS,
            rows=workbook_rows(rows),
            filename=f"{project_obj.slug}-statements.xlsx",
            title="Statements",
        )
    excel = file_format == "excel"
    response = StreamingResponse(
        csv_lines(rows, excel=excel),
        content_type="text/csv; charset=utf-8",
    )
    name = f"{project_obj.slug}-statements{'-excel' if excel else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class NetworkForm(forms.Form):
    kind = forms.ChoiceField(label="Network", choices=list(networks.KIND_LABELS.items()))
    qualifier = forms.ChoiceField(
        label="Stances in an affiliation network",
        choices=list(networks.QUALIFIER_LABELS.items()),
        required=False,
    )
    normalization = forms.ChoiceField(
        label="Normalisation", choices=list(networks.NORMALIZATION_LABELS.items()), required=False
    )
    duplicates = forms.ChoiceField(
        label="Duplicates", choices=list(networks.DUPLICATE_LABELS.items()), required=False
    )
    start = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Tick boxes rather than multiple selects, which need Ctrl-click to pick several.
    exclude_actor = ModelMultipleIdField(
        label="Leave out actors",
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exclude_claim = ModelMultipleIdField(
        label="Leave out claims",
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exclude_source = forms.MultipleChoiceField(
        label="Leave out sources", required=False, widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label="Whose annotations", required=False)

    def __init__(self, *args: Any, project: Project, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project, self.user = project, user
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            ("", "The project's default"),
            *whose_choices(project),
        ]
        cast(forms.ModelChoiceField, self.fields["exclude_actor"]).queryset = Actor.objects.filter(
            project=project
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["exclude_claim"]).queryset = Claim.objects.filter(
            project=project
        ).order_by("label")
        sources = (
            Document.objects.filter(project=project)
            .exclude(source_name="")
            .order_by("source_name")
            .values_list("source_name", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["exclude_source"]).choices = [(s, s) for s in sources]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["qualifier"] = data.get("qualifier") or "ignore"
        if data.get("kind") in networks.ONE_MODE_KINDS:
            # The qualifier field only concerns affiliation networks; switching the
            # kind on the page must not leave a stale choice that refuses the network.
            data["qualifier"] = "ignore"
        data["normalization"] = data.get("normalization") or "none"
        data["duplicates"] = data.get("duplicates") or "all"
        if "kind" in data:
            for key, message in networks.option_errors(**networks.checked_options(data)).items():
                self.add_error(key, message)
        self.origin: Source = annotation_source(self.project, data.get("source"), self.user)
        return data

    def options(self) -> networks.NetworkOptions:
        return networks.NetworkOptions.from_cleaned(
            self.cleaned_data, origin=self.origin, viewer=self.user
        )


@login_required
def network(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    form = NetworkForm(
        request.GET or {"kind": "congruence"}, project=project_obj, user=request.user
    )
    context: dict[str, Any] = {
        "project": project_obj,
        "access": access,
        "section": "network",
        "form": form,
    }
    if not form.is_valid():
        return render(request, "annotate/network.html", context, status=400)
    options = form.options()
    context["origin"] = form.origin
    result = networks.compute_network(project=project_obj, options=options)
    base = reverse("api:project-network", kwargs={"pk": project_obj.pk})
    downloads = []
    for file_format, label in (
        ("graphml", "GraphML (Gephi, visone)"),
        ("gexf", "GEXF (Gephi)"),
        ("csv", "CSV matrix"),
        ("edges.csv", "CSV edge list"),
        ("json", "JSON"),
    ):
        query = urlencode({**options.as_query(), "format": file_format}, doseq=True)
        downloads.append((label, f"{base}?{query}"))
    downloads.append(
        (
            "DNA database (.dna, the whole project, for the Discourse Network Analyzer)",
            reverse("api:project-dna", kwargs={"pk": project_obj.pk}),
        )
    )
    windows_url = reverse("api:project-network-windows", kwargs={"pk": project_obj.pk})
    statements_url = reverse("annotate:network-statements", args=[project_obj.slug])
    # On the statements page ``source`` names a tie's end; whose annotations are
    # ``annotations`` there.
    chosen = options.as_query()
    if "source" in chosen:
        chosen["annotations"] = chosen.pop("source")
    statements_query = f"{statements_url}?{urlencode(chosen, doseq=True)}"
    context.update(
        network=result,
        network_json=networks.as_json(result),
        kind_label=networks.KIND_LABELS[options.kind],
        statements_query=statements_query,
        windows_query=f"{windows_url}?{urlencode(options.as_query(), doseq=True)}",
        edges=[
            (
                a,
                b,
                networks.plain_number(w),
                f"{statements_query}&{urlencode({'source': a.id, 'target': b.id})}",
            )
            for a, b, w in sorted(result.edges(), key=lambda e: -abs(e[2]))[:25]
        ],
        downloads=downloads,
    )
    return render(request, "annotate/network.html", context)

"""Who stands where: the stance matrix, the network page and the statement table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from annotate import networks
from annotate.models import Actor, Annotation, Claim
from annotate.statements import COLUMNS, csv_lines, statement_rows, workbook_rows
from annotate.workbooks import workbook_response
from corpus.access import project_access
from corpus.http import HtmxHttpRequest
from corpus.models import Document, Project

# A page shows at most this many of the most active actors and claims; filters or the
# statement table reach the rest.
MAX_ROWS = 100
MAX_COLUMNS = 40

STATEMENT_FORMATS = ("csv", "excel", "xlsx")

SORTS = [("activity", "Most statements first"), ("name", "Name")]


class StatementFilterForm(forms.Form):
    """Filters shared by the stance matrix and the statement table."""

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

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = (
            Document.objects.filter(project=project)
            .exclude(source_name="")
            .order_by("source_name")
            .values_list("source_name", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", "Any source")] + [
            (s, s) for s in sources
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
        return data

    def statements(self, project: Project) -> QuerySet[Annotation]:
        """The project's live, complete statements that pass the filters."""
        data = self.cleaned_data
        queryset = Annotation.objects.alive().statements().filter(document__project=project)
        if data.get("source"):
            queryset = queryset.filter(document__source_name=data["source"])
        zone = timezone.get_default_timezone()
        if data.get("start"):
            start = timezone.make_aware(datetime.combine(data["start"], time.min), zone)
            queryset = queryset.filter(document__published_at__gte=start)
        if data.get("end"):
            end = timezone.make_aware(datetime.combine(data["end"], time.max), zone)
            queryset = queryset.filter(document__published_at__lte=end)
        if data.get("annotator"):
            queryset = queryset.filter(created_by=data["annotator"])
        if category := data.get("category"):
            queryset = queryset.filter(Q(claim__parent=category) | Q(claim=category))
        return queryset


@dataclass
class Cell:
    support: int = 0
    oppose: int = 0
    neutral: int = 0

    @property
    def total(self) -> int:
        return self.support + self.oppose + self.neutral

    @property
    def tone(self) -> str:
        """A colour class from opposition (-2) to support (+2)."""
        if not self.total:
            return ""
        score = (self.support - self.oppose) / self.total
        if score <= -0.6:
            return "tone-oppose-2"
        if score < -0.2:
            return "tone-oppose-1"
        if score <= 0.2:
            return "tone-mixed"
        return "tone-support-1" if score < 0.6 else "tone-support-2"


@dataclass
class Line:
    """A row (actor) or column (claim) of the matrix with its totals."""

    entry: Actor | Claim
    totals: Cell = field(default_factory=Cell)

    @property
    def name(self) -> str:
        return str(self.entry)


def stance_matrix(statements: QuerySet[Annotation], project: Project, sort: str):
    """Rows (actors), columns (claims) and cells of the matrix: two queries for the
    codebook and one aggregate over the statements, however many there are."""
    counts = (
        statements.order_by().values_list("actor_id", "claim_id", "stance").annotate(n=Count("id"))
    )
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for actor_id, claim_id, stance, n in counts:
        setattr(cells[actor_id, claim_id], stance, n)
    actor_ids = {a for a, _ in cells}
    claim_ids = {c for _, c in cells}
    rows = {a.pk: Line(a) for a in Actor.objects.filter(project=project, pk__in=actor_ids)}
    columns = {c.pk: Line(c) for c in Claim.objects.filter(project=project, pk__in=claim_ids)}
    for (a, c), cell in cells.items():
        for sums in (rows[a].totals, columns[c].totals):
            sums.support += cell.support
            sums.oppose += cell.oppose
            sums.neutral += cell.neutral

    def order(line: Line) -> tuple:
        return (
            (-line.totals.total, line.name.casefold())
            if sort == "activity"
            else (line.name.casefold(), 0)
        )

    def most_active(lines: Iterable[Line], limit: int) -> list[Line]:
        ranked = sorted(lines, key=lambda line: (-line.totals.total, line.name.casefold()))
        return sorted(ranked[:limit], key=order)

    ordered_rows = most_active(rows.values(), MAX_ROWS)
    ordered_columns = most_active(columns.values(), MAX_COLUMNS)
    hidden = (len(rows) - len(ordered_rows), len(columns) - len(ordered_columns))
    grand = Cell()
    for line in rows.values():
        grand.support += line.totals.support
        grand.oppose += line.totals.oppose
        grand.neutral += line.totals.neutral
    table = [
        (
            row,
            [
                (column, cells.get((row.entry.pk, column.entry.pk), Cell()))
                for column in ordered_columns
            ],
        )
        for row in ordered_rows
    ]
    return table, ordered_columns, grand, hidden


@login_required
@vary_on_headers("HX-Request")
def matrix(request: HtmxHttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    form = StatementFilterForm(request.GET, project=project_obj)
    context: dict[str, Any] = {
        "project": project_obj,
        "access": access,
        "section": "matrix",
        "form": form,
    }
    if not form.is_valid():
        return render(request, "annotate/matrix.html", context, status=400)
    statements = form.statements(project_obj)
    filters = request.GET.copy()
    for key in ("actor", "claim"):
        filters.pop(key, None)
    context["filters"] = filters.urlencode()
    actor_id, claim_id = request.GET.get("actor"), request.GET.get("claim")
    if actor_id and claim_id:
        actor = get_object_or_404(
            Actor.objects.filter(project=project_obj), pk=actor_id if actor_id.isdigit() else 0
        )
        claim = get_object_or_404(
            Claim.objects.filter(project=project_obj), pk=claim_id if claim_id.isdigit() else 0
        )
        context["selected"] = {
            "actor": actor,
            "claim": claim,
            "statements": statements.filter(actor=actor, claim=claim)
            .select_related("document", "created_by")
            .order_by("document__published_at", "document_id", "start", "id"),
        }
        if request.htmx:
            return render(request, "annotate/matrix.html#cell-statements", context)
    table, columns, grand, hidden = stance_matrix(
        statements, project_obj, form.cleaned_data.get("sort") or "activity"
    )
    context.update(
        table=table, columns=columns, grand=grand, hidden_rows=hidden[0], hidden_columns=hidden[1]
    )
    return render(request, "annotate/matrix.html", context)


@login_required
def statements_export(request: HttpRequest, project: str) -> HttpResponseBase:
    """The statement table as CSV (`?format=csv`), Excel-ready CSV (`?format=excel`) or
    an Excel workbook (`?format=xlsx`), with the stance matrix's filters."""
    project_obj = project_access(request, project).project
    file_format = request.GET.get("format", "csv")
    form = StatementFilterForm(request.GET, project=project_obj)
    if file_format not in STATEMENT_FORMATS or not form.is_valid():
        errors: dict[str, list[str]] = {
            key: [str(message) for message in messages] for key, messages in form.errors.items()
        }
        if file_format not in STATEMENT_FORMATS:
            errors["format"] = [f"'{file_format}' is not a format; choose csv, excel or xlsx."]
        lines = [f"{key}: {' '.join(messages)}" for key, messages in errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain")
    rows = statement_rows(form.statements(project_obj))
    if file_format == "xlsx":
        return workbook_response(
            columns=COLUMNS,
            rows=workbook_rows(rows),
            filename=f"{project_obj.slug}-statements.xlsx",
            title="Statements",
        )
    excel = file_format == "excel"
    response = StreamingHttpResponse(
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
    exclude_actor = forms.ModelMultipleChoiceField(
        label="Leave out actors", queryset=Actor.objects.none(), required=False
    )
    exclude_claim = forms.ModelMultipleChoiceField(
        label="Leave out claims", queryset=Claim.objects.none(), required=False
    )
    exclude_source = forms.MultipleChoiceField(label="Leave out sources", required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["exclude_actor"]).queryset = Actor.objects.filter(
            project=project
        )
        cast(forms.ModelChoiceField, self.fields["exclude_claim"]).queryset = Claim.objects.filter(
            project=project
        )
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
        return data

    def options(self) -> networks.NetworkOptions:
        return networks.NetworkOptions.from_cleaned(self.cleaned_data)


@login_required
def network(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    form = NetworkForm(request.GET or {"kind": "congruence"}, project=project_obj)
    context: dict[str, Any] = {
        "project": project_obj,
        "access": access,
        "section": "network",
        "form": form,
    }
    if not form.is_valid():
        return render(request, "annotate/network.html", context, status=400)
    options = form.options()
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
    context.update(
        network=result,
        drawing=networks.drawing(result),
        edges=[
            (a, b, networks.plain_number(w))
            for a, b, w in sorted(result.edges(), key=lambda e: -abs(e[2]))[:25]
        ],
        downloads=downloads,
    )
    return render(request, "annotate/network.html", context)

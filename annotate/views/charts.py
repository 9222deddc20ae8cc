"""Change over time: stance per claim and actor activity per period, as SVG drawn on the
server, with the stance matrix's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotate import charts, selectors
from corpus.access import project_access

from .analysis import StatementFilterForm


class ChartsForm(StatementFilterForm):
    sort = None  # type: ignore[assignment]  # charts keep the order of time
    period = forms.ChoiceField(label="Period", choices=list(charts.PERIODS.items()), required=False)


@login_required
def charts_page(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    form = ChartsForm(request.GET, project=access.project, user=request.user)
    context: dict[str, Any] = {
        "project": access.project,
        "access": access,
        "section": "charts",
        "form": form,
    }
    if not form.is_valid():
        return render(request, "annotate/charts.html", context, status=400)
    context["origin"] = form.origin
    period = form.cleaned_data.get("period") or "month"
    try:
        context["timeline"] = charts.timeline(
            selectors.statements(access.project, form.filters()),
            access.project,
            period=period,
        )
    except charts.TooManyPeriods as error:
        form.add_error("period", str(error))
        return render(request, "annotate/charts.html", context, status=400)
    context["period_name"] = charts.PERIODS[period].lower()
    return render(request, "annotate/charts.html", context)

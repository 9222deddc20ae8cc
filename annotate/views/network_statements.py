"""The statements behind a node or a tie of the network page's drawing.

`?node=actor-12`, or `?source=actor-12&target=claim-3`, with the network page's options.
htmx requests get the list alone, to show beside the drawing; other requests get a page
of their own, so the links of the network page's tables work without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from annotate.models import Actor, Claim
from annotate.network_statements import (
    LIMIT,
    SelectionError,
    node_statements,
    tie_statements,
)
from annotate.views.analysis import NetworkForm
from corpus.access import project_access
from corpus.http import HtmxHttpRequest

TEMPLATE = "annotate/network_statements.html"


@login_required
@vary_on_headers("HX-Request")
def network_statements(request: HtmxHttpRequest, project: str) -> HttpResponse:
    project_obj = project_access(request, project).project
    # ``source`` names a tie's end here; whose annotations count is ``annotations``.
    options = request.GET.copy()
    options.pop("source", None)
    if "annotations" in request.GET:
        options["source"] = request.GET["annotations"]
    form = NetworkForm(options, project=project_obj, user=request.user)
    query = request.GET.copy()
    for key in ("node", "source", "target"):
        query.pop(key, None)
    context: dict[str, Any] = {
        "project": project_obj,
        "section": "network",
        "limit": LIMIT,
        "back": f"{reverse('annotate:network', args=[project_obj.slug])}?{query.urlencode()}",
    }
    template = f"{TEMPLATE}#network-statements" if request.htmx else TEMPLATE
    node, source, target = (request.GET.get(key, "") for key in ("node", "source", "target"))
    errors = [f"{field}: {' '.join(map(str, messages))}" for field, messages in form.errors.items()]
    if not node and not (source and target):
        errors.append("Choose a node (node=actor-<id>) or a tie (source= and target=).")
    if errors:
        context["error"] = " ".join(errors)
        return render(request, template, context, status=400)
    try:
        if node:
            behind = node_statements(project=project_obj, options=form.options(), node=node)
        else:
            behind = tie_statements(
                project=project_obj, options=form.options(), source=source, target=target
            )
    except SelectionError as error:
        context["error"] = str(error)
        return render(request, template, context, status=400)
    except (Actor.DoesNotExist, Claim.DoesNotExist) as error:
        raise Http404("No such actor or claim in this project.") from error
    context["behind"] = behind
    return render(request, template, context)

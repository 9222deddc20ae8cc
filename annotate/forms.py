"""Forms of the reader and the codebook pages. They only bind and clean input; the
services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from corpus.forms import add_service_errors
from corpus.models import Project

from . import selectors
from .models import Actor, ActorKind, Claim, Stance

__all__ = ["add_service_errors"]  # the pages' one way to show a service's errors

COLOUR_HELP = "Optional, as #rrggbb (for example #1a56a7)."


class ActorSearchForm(forms.Form):
    q = forms.CharField(label="Search actors", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ActorKind.choices]
    )


class ActorForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=ActorKind.choices, initial=ActorKind.OTHER)
    aliases = forms.CharField(
        label="Aliases",
        required=False,
        help_text="Other names, separated by commas (for example: Abe, PM Abe).",
    )
    affiliation = forms.ModelChoiceField(
        label="Affiliation", queryset=Actor.objects.none(), required=False, empty_label="None"
    )
    colour = forms.CharField(label="Colour", max_length=7, required=False, help_text=COLOUR_HELP)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, project: Project, actor: Actor | None = None, **kwargs: Any):
        if actor is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": actor.name,
                "kind": actor.kind,
                "aliases": ", ".join(actor.aliases),
                "affiliation": actor.affiliation_id,
                "colour": actor.colour,
                "notes": actor.notes,
            }
        super().__init__(*args, **kwargs)
        choices = Actor.objects.filter(project=project).only("id", "name", "project_id")
        if actor is not None:
            choices = choices.exclude(pk=actor.pk)
        cast(forms.ModelChoiceField, self.fields["affiliation"]).queryset = choices

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].strip()


class ClaimSearchForm(forms.Form):
    q = forms.CharField(label="Search claims", required=False, max_length=300)
    parent = forms.ChoiceField(label="Parent", required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parents = (
            Claim.objects.filter(project=project, children__isnull=False)
            .distinct()
            .order_by("label")
            .values_list("pk", "label")
        )
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", "Any parent"),
            ("none", "Top level only"),
            *[(str(pk), label) for pk, label in parents],
        ]


class ClaimForm(forms.Form):
    label = forms.CharField(label="Label", max_length=300)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.ModelChoiceField(
        label="Parent", queryset=Claim.objects.none(), required=False, empty_label="None"
    )
    colour = forms.CharField(label="Colour", max_length=7, required=False, help_text=COLOUR_HELP)

    def __init__(self, *args: Any, project: Project, claim: Claim | None = None, **kwargs: Any):
        if claim is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "label": claim.label,
                "description": claim.description,
                "parent": claim.parent_id,
                "colour": claim.colour,
            }
        super().__init__(*args, **kwargs)
        choices = Claim.objects.filter(project=project).only("id", "label", "project_id")
        if claim is not None:
            choices = choices.exclude(pk=claim.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = choices

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].strip()


class MergeForm(forms.Form):
    """Pick the entry to merge into, from the same project's codebook."""

    target = forms.ModelChoiceField(label="Merge into", queryset=Actor.objects.none())

    def __init__(self, *args: Any, source: Actor | Claim, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model = type(source)
        target = cast(forms.ModelChoiceField, self.fields["target"])
        target.empty_label = f"Choose a{'n' if model is Actor else ''} {model._meta.verbose_name}…"
        target.queryset = model.objects.filter(project=source.project_id).exclude(pk=source.pk)


class AnnotationForm(forms.Form):
    """The reader's form: a passage (offsets and quote) and its tags, named as typed; a
    name the codebook lacks is added only when its box is ticked."""

    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=0, required=False)
    quote = forms.CharField(required=False, strip=False)
    version = forms.IntegerField(required=False)
    actor = forms.CharField(label="Actor", required=False, max_length=200)
    new_actor = forms.BooleanField(required=False)
    claim = forms.CharField(label="Claim", required=False, max_length=300)
    new_claim = forms.BooleanField(required=False)
    stance = forms.ChoiceField(
        label="Stance", required=False, choices=[("", "none"), *Stance.choices]
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea, strip=False)

    def __init__(self, *args: Any, project: Project, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.project = project
        self.editing = editing
        self.new_actor_name = ""
        self.new_claim_name = ""

    def _entry(self, field: str, model: type[Actor] | type[Claim], create: bool) -> Any:
        name = " ".join(self.cleaned_data.get(field, "").split())
        if not name:
            return None
        found = selectors.find_codebook_entry(model, self.project, name)
        if found is not None:
            return found
        if create:
            if field == "actor":
                self.new_actor_name = name
            else:
                self.new_claim_name = name
            return None
        raise ValidationError(
            f"“{name}” is not in the codebook. Pick one of the suggestions, "
            "or tick the box below to add it."
        )

    def clean_actor(self) -> Actor | None:
        return self._entry("actor", Actor, bool(self.data.get("new_actor")))

    def clean_claim(self) -> Claim | None:
        return self._entry("claim", Claim, bool(self.data.get("new_claim")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.editing:
            for name in ("start", "end"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Select a passage of the text first.")
        elif cleaned.get("version") is None and "version" not in self.errors:
            self.add_error("version", "The form lacks the annotation's version; reopen it.")
        return cleaned

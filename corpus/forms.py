"""Forms of the corpus pages; the services in corpus.services decide."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from .models import Role


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's field-by-field errors on the form's fields (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class AddMemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.ANNOTATOR)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class ProjectForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProjectSettingsForm(ProjectForm):
    independent_coding = forms.BooleanField(
        label="Independent coding",
        required=False,
        help_text="Annotators see only their own annotations, in the reader, the lists, the "
        "API, the exports and the analyses, so that they cannot copy each other; owners, "
        "curators and viewers see everyone's. The stance matrix, networks and exports then "
        "count the final annotations of curated documents. Turning it off shows everything "
        "again; nothing is lost either way.",
    )


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.ANNOTATOR)
    email = forms.EmailField(
        label="E-mail (optional)",
        required=False,
        help_text="The link is sent there too when this server sends e-mail.",
    )


class AssignForm(forms.Form):
    documents = forms.TypedMultipleChoiceField(label="Documents", coerce=int)
    annotators = forms.MultipleChoiceField(label="Annotators", widget=forms.CheckboxSelectMultiple)
    per_document = forms.IntegerField(
        label="Annotators per document",
        min_value=1,
        initial=1,
        help_text="Each document goes to this many of the chosen annotators, those with the "
        "fewest open documents first.",
    )

    def __init__(
        self,
        *args: Any,
        documents: list[tuple[int, str]],
        annotators: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["documents"]).choices = documents
        cast(forms.ChoiceField, self.fields["annotators"]).choices = [
            (name, name) for name in annotators
        ]

"""Forms of the corpus pages; the services in corpus.services decide."""

from django import forms

from .models import Role


class ProjectForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the project studies, in a sentence or two.",
    )


class AddMemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.ANNOTATOR)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)

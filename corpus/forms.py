"""Forms of the corpus pages; the services in corpus.services decide."""

from django import forms

from .models import Role


class AddMemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.ANNOTATOR)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)

"""Forms of the import page and of the document details page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; Django's documented pattern for multiple uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported by the import, with the other files' results.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    # Declared fields leave the class, so this does not shadow the form's own ``files``.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Files",
        required=False,
        help_text="Text (.txt, .md), web pages (.html, .htm), tables (.csv, .json, .jsonl) "
        "or Discourse Network Analyzer databases (.dna). Choose several at once.",
    )
    title = forms.CharField(label="Title", max_length=500, required=False)
    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Or paste one document's text here.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_text = bool((cleaned.get("text") or "").strip())
        if (cleaned.get("title") or "").strip() and not has_text:
            self.add_error("text", "Paste the text that goes with this title.")
        elif not cleaned.get("files") and not has_text:
            raise forms.ValidationError("Choose one or more files, or paste a text.", code="empty")
        return cleaned


class DocumentDetailsForm(forms.Form):
    """What describes a document; its text (and so every offset) stays as it is."""

    title = forms.CharField(label="Title", max_length=500)
    source_name = forms.CharField(label="Source", max_length=200, required=False)
    source_url = forms.URLField(label="URL", max_length=2000, required=False)
    author = forms.CharField(label="Author", max_length=300, required=False)
    published_at = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.CharField(
        label="Language", max_length=35, required=False, help_text="A code such as en or ja."
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

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


#: The encodings the import page offers; the API and the command take any text encoding.
ENCODING_CHOICES = [
    ("", "Detect automatically"),
    ("utf-8", "UTF-8"),
    ("cp1252", "Western European (Windows-1252)"),
    ("iso8859-1", "Western European (ISO-8859-1, Latin-1)"),
    ("iso8859-15", "Western European (ISO-8859-15)"),
    ("mac-roman", "Western European (Mac OS Roman)"),
    ("cp1250", "Central European (Windows-1250)"),
    ("iso8859-2", "Central European (ISO-8859-2)"),
    ("cp1251", "Cyrillic (Windows-1251)"),
    ("koi8-r", "Cyrillic (KOI8-R)"),
    ("cp1253", "Greek (Windows-1253)"),
    ("cp1254", "Turkish (Windows-1254)"),
    ("utf-16", "UTF-16"),
    ("shift_jis", "Japanese (Shift JIS)"),
    ("euc_jp", "Japanese (EUC-JP)"),
    ("gb18030", "Chinese, simplified (GB18030)"),
    ("big5", "Chinese, traditional (Big5)"),
    ("euc_kr", "Korean (EUC-KR)"),
]


class ImportForm(forms.Form):
    # Declared fields leave the class, so this does not shadow the form's own ``files``.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Files",
        required=False,
        help_text="Text (.txt, .md), web pages (.html, .htm), tables (.csv, .json, .jsonl) "
        "or Discourse Network Analyzer databases (.dna). Choose several at once.",
    )
    encoding = forms.ChoiceField(
        label="Encoding",
        choices=ENCODING_CHOICES,
        required=False,
        help_text="The files' character encoding, when detecting it gets it wrong.",
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

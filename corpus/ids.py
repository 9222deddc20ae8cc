"""Ids as requests name them: whole numbers from 1 that fit the database's 64-bit keys.

A larger number names nothing; it must be refused or answered "not found" before it
reaches the database, where SQLite cannot even hold it in an ``IN`` list. The API's
fields (``corpus.api.fields``) and the pages' forms both use these bounds.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

#: Ids are 64-bit; a larger number names nothing and must not reach the database.
MAX_ID = 2**63 - 1


_WHOLE_NUMBER = re.compile(r"[0-9]+")


def whole_number(text: str) -> int | None:
    """The number ``text`` spells in ASCII digits, at most MAX_ID (a larger one is past
    anything there is, not an error); None if it is no whole number."""
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    return MAX_ID if len(digits) > len(str(MAX_ID)) else min(int(digits), MAX_ID)


def is_id(value: Any) -> bool:
    """Whether a path segment names an id at all."""
    text = str(value)
    # ASCII digits only: str.isdigit() takes "²", which int() refuses.
    digits = text.lstrip("0")
    return bool(_WHOLE_NUMBER.fullmatch(text)) and len(digits) <= 19 and int(text) <= MAX_ID


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """Several objects of the form's queryset by id; a value that is no id is refused
    with the field's "not one of the choices" message before any query."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if not (is_id(pk) and int(pk) >= 1):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:40]},
                )
        return super().clean(value)

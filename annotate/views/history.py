"""Making history records readable: field labels, and names instead of ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone


def referenced_ids(records: list[dict[str, Any]], fields: set[str]) -> dict[str, set[Any]]:
    """The ids each of ``fields`` pointed to, before or after, across the records."""
    ids: dict[str, set[Any]] = {name: set() for name in fields}
    for record in records:
        for change in record["changes"]:
            if change["field"] in fields:
                ids[change["field"]].update(
                    v for v in (change["before"], change["after"]) if v is not None
                )
    return ids


def usernames(ids: set[Any]) -> dict[Any, str]:
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))


def readable(value: Any, choices: dict[Any, str] | None = None) -> str | None:
    """A stored value as a person reads it: a choice by its label, a list as names
    separated by commas, nothing (None, shown as a dash) for an empty value."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if choices is not None and value in choices:
        return choices[value]
    if isinstance(value, list | tuple):
        return ", ".join(str(readable(item) or "") for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item) or '—'}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


def describe(
    records: list[dict[str, Any]], model: type[models.Model], names: dict[str, dict[Any, str]]
) -> list[dict[str, Any]]:
    """Give each change a readable label, and values as a person reads them: named
    entries instead of their ids, choices by their labels, lists as names."""
    for record in records:
        for change in record["changes"]:
            field = change["field"]
            choices: dict[Any, str] | None = None
            try:
                model_field = model._meta.get_field(field)
                change["label"] = str(getattr(model_field, "verbose_name", field))
                if getattr(model_field, "choices", None):
                    choices = {k: str(v) for k, v in model_field.flatchoices}  # type: ignore[union-attr]
            except Exception:  # noqa: BLE001 - a field since removed keeps its name
                change["label"] = field
            for side in ("before", "after"):
                value = change[side]
                if field in names and value is not None:
                    change[side] = names[field].get(value, f"#{value} (deleted)")
                else:
                    change[side] = readable(value, choices)
    return records

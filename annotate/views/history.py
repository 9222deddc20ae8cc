"""Making history records readable: field labels, and names instead of ids."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models


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


def describe(
    records: list[dict[str, Any]], model: type[models.Model], names: dict[str, dict[Any, str]]
) -> list[dict[str, Any]]:
    """Give each change a readable label and show named entries instead of their ids."""
    for record in records:
        for change in record["changes"]:
            field = change["field"]
            try:
                change["label"] = str(getattr(model._meta.get_field(field), "verbose_name", field))
            except Exception:  # noqa: BLE001 - a field since removed keeps its name
                change["label"] = field
            if field in names:
                for side in ("before", "after"):
                    value = change[side]
                    if value is not None:
                        change[side] = names[field].get(value, f"#{value} (deleted)")
    return records

"""Ids as the API takes them: in paths, in filters and in bodies.

Ids are 64-bit; a larger number, or a segment that is no number at all, names nothing
and answers like a missing object, without reaching the database.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from corpus.models import Project, ProjectQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

#: Ids are 64-bit; a larger number names nothing and must not reach the database.
MAX_ID = 2**63 - 1
#: An id as the schema describes it, wherever one is taken.
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A filter by id: a whole number from 1, else 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(ID_SCHEMA)
class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up in the caller's scope.

    With ``scope``, a function of the request's user that gives the queryset, the lookup
    is built only when the field is used, not for every serializer made. A serializer
    that has already fetched some of its related objects (several in one query) puts
    them in its ``prefetched`` dict, by field name and id (None for "not found"), and
    this field takes them from there.
    """

    def __init__(self, *args: Any, scope: Any = None, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if self.scope is not None and request is not None:
            return self.scope(request.user)
        return super().get_queryset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool) and not 0 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and not is_id(data):
            self.fail("incorrect_type", data_type="str")
        prefetched = getattr(self.parent, "prefetched", {})
        if isinstance(data, int) and (self.field_name, data) in prefetched:
            found = prefetched[self.field_name, data]
            if found is None:
                self.fail("does_not_exist", pk_value=data)
            return found
        return super().to_internal_value(data)


def caller_projects(user: User | AnonymousUser) -> ProjectQuerySet:
    """The caller's projects, each with the caller's role: the projects a request may
    name (as an ``IdField``'s ``scope``, say)."""
    return Project.objects.visible_to(user).with_role(user)


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


class IdLookupMixin:
    """Detail URLs take any segment; one that is not an id answers 404 like a missing one."""

    def get_object(self) -> Any:
        if not is_id(self.kwargs.get("pk", "0")):  # type: ignore[attr-defined]
            raise NotFound()
        return super().get_object()  # type: ignore[misc]

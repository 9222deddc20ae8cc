"""Ids as the API takes them: in paths, in filters and in bodies.

Ids are 64-bit; a larger number, or a segment that is no number at all, names nothing
and answers like a missing object, without reaching the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404

from corpus.ids import MAX_ID, is_id
from corpus.models import Project, ProjectQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

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


class IdParameter(serializers.IntegerField):
    """An id in a query parameter or a body, as a plain number: from 1 up to the largest
    id, else 400 naming the parameter."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {
                "min_value": "Ids are whole numbers from 1.",
                "max_value": "No object has an id this large.",
                "max_string_length": "No object has an id this large.",
            },
        )
        super().__init__(**kwargs)


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


class IdLookupMixin:
    """Detail URLs take any segment; one that is not an id answers 404 like a missing one."""

    kwargs: dict[str, Any]  # the view's URL arguments, set by the view it is mixed into

    def get_object(self) -> Any:
        if not is_id(self.kwargs.get("pk", "0")):
            raise NotFound()
        return super().get_object()  # type: ignore[misc]


class ProjectChildMixin:
    """Views under /api/projects/<project_pk>/: the project, with the caller's role, from
    the caller's projects (404 for any other, or for a segment that is no id)."""

    kwargs: dict[str, Any]  # the view's URL arguments, set by the view it is mixed into

    def get_project(self) -> Project:
        if not hasattr(self, "_project"):
            pk = self.kwargs["project_pk"]
            if not is_id(pk):
                raise NotFound()
            user = self.request.user  # type: ignore[attr-defined]
            self._project = get_object_or_404(caller_projects(user), pk=pk)
        return self._project

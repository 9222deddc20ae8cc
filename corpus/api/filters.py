"""Filters the API shares: every list's base, which refuses a typed parameter given
empty, and publication dates, as ``corpus.dates`` defines them.

A form reads ``?updated_after=`` as "no filter"; the API's schema types the parameter
(a date-time, an id, one of a few words), so an empty one is bad input like any other
(400 naming it), and a client with a blank variable learns so instead of getting every
row back.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field

from corpus.dates import published_between

EMPTY = "Give a value, or leave the parameter out."
BOOLEAN = "Use true or false."


BOOLEANS = ("true", "false")


class ApiFilterSet(django_filters.FilterSet):
    """The base of every API list's filters."""

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        if _depends_on_request(self.base_filters):
            super().__init__(data, queryset, request=request, prefix=prefix)
            return
        # django-filter's own start, with each filter copied shallowly instead of deeply
        # (the deep copy was a tenth of reading a page of 1,000 annotations): a filter's
        # settings are only read, and a method filter is bound to its copy anew.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            if base.method is not None:
                filter_.method = base.method
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_

    def get_form_class(self) -> type[forms.Form]:
        # django-filter builds the form's class, and each filter's form field, on every
        # request (a tenth of reading a page of 1,000 annotations); they are the same
        # every time unless a filter's field depends on the request (a queryset from
        # it), so one class per filter set serves every request. A form instance copies
        # its fields, as ever.
        cls = type(self)
        form = cls.__dict__.get("_form_class")
        if form is None:
            form = super().get_form_class()
            if not _depends_on_request(self.filters):
                cls._form_class = form
        return form

    def is_valid(self) -> bool:
        for name, filter_ in self.filters.items():
            if name not in self.data:
                continue
            value = self.data.get(name)
            if value == "" and not isinstance(filter_, django_filters.CharFilter):
                self.form.add_error(name, EMPTY)
            elif isinstance(filter_, django_filters.BooleanFilter) and value not in BOOLEANS:
                # A form reads anything else ("null", "yes") as "no filter".
                self.form.add_error(name, BOOLEAN)
        return super().is_valid()


def _depends_on_request(filters: dict[str, Any]) -> bool:
    """Whether a filter's form field depends on the request (a queryset read from it)."""
    return any(
        isinstance(filter_, django_filters.filters.QuerySetRequestMixin)
        for filter_ in filters.values()
    )


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayOrMomentField(forms.Field):
    """A day (``YYYY-MM-DD``) as a date, or a moment (ISO 8601 with its time) as an
    aware datetime."""

    default_error_messages = {
        "invalid": "Give a day (2015-06-01) or a moment (2015-06-01T09:30:00Z).",
    }

    def to_python(self, value: Any) -> date | datetime | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            if _DAY.fullmatch(text):
                return date.fromisoformat(text)
            moment = forms.DateTimeField().to_python(text)
            # A moment must exist in UTC too, where the database keeps it.
            if moment is not None:
                moment.astimezone(UTC)
        except (ValueError, OverflowError, ValidationError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return moment


AFTER_HELP = (
    "Published on or after this day (YYYY-MM-DD, a whole day in the site's time zone), "
    "or at or after this moment (ISO 8601 with a time)."
)
BEFORE_HELP = (
    "Published on or before this day (YYYY-MM-DD, a whole day in the site's time zone), "
    "or before this moment (ISO 8601 with a time)."
)


class PublishedFilter(django_filters.Filter):
    """Documents (or annotations, through ``path``) published after or before a day or
    a moment: ``after`` includes its day or moment; ``before`` includes its day, or
    stops just before its moment."""

    field_class = DayOrMomentField

    def __init__(self, *args: Any, bound: str, path: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", AFTER_HELP if bound == "after" else BEFORE_HELP)
        super().__init__(*args, **kwargs)
        self.bound = bound
        self.path = path
        # In the schema: a string that is a day or a moment, with the help text above.
        schema = {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": kwargs["help_text"],
            "example": "2015-06-01",
        }
        extend_schema_field(schema)(self)

    def filter(self, qs: QuerySet[Any], value: date | datetime | None) -> QuerySet[Any]:
        if value is None:
            return qs
        after, before = (value, None) if self.bound == "after" else (None, value)
        return qs.filter(published_between(after, before, self.path))

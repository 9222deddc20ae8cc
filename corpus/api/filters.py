"""Filters as every list takes them: a typed parameter given empty is refused.

A form reads ``?updated_after=`` as "no filter"; the API's schema types the parameter
(a date-time, an id, one of a few words), so an empty one is bad input like any other
(400 naming it), and a client with a blank variable learns so instead of getting every
row back.
"""

from __future__ import annotations

import django_filters

EMPTY = "Give a value, or leave the parameter out."
BOOLEAN = "Use true or false."


BOOLEANS = ("true", "false")


class ApiFilterSet(django_filters.FilterSet):
    """The base of every API list's filters."""

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

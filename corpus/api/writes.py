"""What a write may send: the fields its schema documents, each of its documented type.

Every serializer that reads a request body mixes in ``StrictFields``. The rule, for all
resources alike: a field the request does not take (unknown, read-only, or fixed once
the object exists) is refused with a message under its own name, and so is a JSON value
of the wrong type (``"description": 0`` is not quietly turned into ``"0"``). A refused
write changes nothing and writes no history. The schema says the same:
``corpus.api.schema`` closes every request body (``additionalProperties: false``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework import serializers

UNKNOWN = "Unknown field; this request takes {names}."
READ_ONLY = "This field is read-only."
FIXED = "This field cannot be changed."

# A JSON value's type, by the field that reads it; the first match applies.
_JSON_TYPES: tuple[tuple[type[serializers.Field], type | tuple[type, ...], str], ...] = (
    (serializers.BooleanField, bool, "Must be true or false."),
    (serializers.IntegerField, int, "Must be a whole number."),
    (serializers.FloatField, (int, float), "Must be a number."),
    (serializers.PrimaryKeyRelatedField, int, "Give the id as a whole number."),
    (serializers.ListField, list, "Must be a list."),
    (serializers.MultipleChoiceField, list, "Must be a list."),
    (serializers.DictField, dict, "Must be an object."),
    (serializers.CharField, str, "Must be a string."),
    (serializers.ChoiceField, str, "Must be a string."),
    (serializers.DateTimeField, str, "Must be a string."),
    (serializers.DateField, str, "Must be a string."),
)


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """Why ``value``, read from JSON, is not of the type ``field`` documents; None if it is.

    ``null`` is left to the field (it knows whether it allows it).
    """
    if value is None:
        return None
    for kind, types, message in _JSON_TYPES:
        if isinstance(field, kind):
            # JSON true is not a number, though Python counts bool as an int.
            if isinstance(value, bool) and bool not in _as_tuple(types):
                return message
            if not isinstance(value, types):
                return message
            child = getattr(field, "child", None)
            if isinstance(value, list) and child is not None:
                for item in value:
                    problem = json_type_error(child, item)
                    if problem is not None:
                        return f"Each item: {problem[0].lower()}{problem[1:]}"
            return None
    return None


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


#: Arguments a field may change or hand out to be changed: copied for each new field.
_OWN_ARGUMENTS = ("default", "initial")


def fresh_field(field: serializers.Field) -> serializers.Field:
    """A new field made from the arguments ``field`` was declared with, as DRF's
    ``Serializer.get_fields`` makes one for every serializer, but without deep-copying
    every argument: a create's serializer spent a fifth of the request copying querysets,
    error messages and choices that fields only read. A field argument (a list's child)
    and a default or initial value are still copied, as each field must own them.
    """
    declared_args: tuple[Any, ...] = getattr(field, "_args", ())
    declared_kwargs: dict[str, Any] = getattr(field, "_kwargs", {})
    args = [
        fresh_field(arg) if isinstance(arg, serializers.Field) else arg for arg in declared_args
    ]
    kwargs: dict[str, Any] = {}
    for key, value in declared_kwargs.items():
        if isinstance(value, serializers.Field):
            kwargs[key] = fresh_field(value)
        elif key in _OWN_ARGUMENTS:
            kwargs[key] = copy.deepcopy(value)
        else:
            kwargs[key] = value
    return type(field)(*args, **kwargs)


class StrictFields:
    # A serializer mixin (no docstring: the schema would show it for every serializer
    # without its own). It refuses fields the write does not take, and JSON values of
    # the wrong type, each under its field's name. ``create_only`` names fields a create
    # sets and an update (PATCH, a partial serializer) may not change; they are read-only
    # in the update's schema too. ``fixed_message`` is what a field the resource shows
    # but this write does not take is told (``shown_fields`` lists the undeclared ones).

    create_only: tuple[str, ...] = ()
    fixed_message = FIXED
    #: Names the serializer does not declare but the resource shows (read-only here).
    shown_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        declared = getattr(self, "_declared_fields", None)
        if isinstance(self, serializers.ModelSerializer) or declared is None:
            fields = super().get_fields()  # type: ignore[misc]
        else:
            fields = {name: fresh_field(field) for name, field in declared.items()}
        if getattr(self, "partial", False):
            for name in self.create_only:
                if name in fields:
                    fields[name].read_only = True
                    fields[name].required = False
        return fields

    def refused_fields(self, data: Any) -> dict[str, list[str]]:
        """The fields of ``data`` this write refuses, with why."""
        if not isinstance(data, Mapping):
            return {}
        fields = self.fields  # type: ignore[attr-defined]
        writable = {name for name, field in fields.items() if not field.read_only}
        errors: dict[str, list[str]] = {}
        from_json = not isinstance(data, QueryDict)
        for name in data:
            field = fields.get(name)
            if field is None and name not in self.shown_fields:
                errors[name] = [UNKNOWN.format(names=", ".join(sorted(writable)))]
            elif field is None or field.read_only:
                fixed = name in self.create_only or name in self.shown_fields
                errors[name] = [self.fixed_message if fixed else READ_ONLY]
            elif from_json:
                problem = json_type_error(field, data[name])
                if problem is not None:
                    errors[name] = [problem]
        return errors

    def to_internal_value(self, data: Any) -> Any:
        refused = self.refused_fields(data)
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            # The field's own message, where it has one, says more than ours.
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**refused, **error.detail}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

"""An annotation as the API reads and writes it: the serializer and its one-query lookup
of what a new annotation names. What the API shows of an annotation is
``annotate.representation.API``, for details, lists and bulk answers alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connections, router
from rest_framework import serializers

from corpus.access import ROLE, role_join_sql
from corpus.api.fields import MAX_ID, IdField
from corpus.api.writes import StrictFields
from corpus.models import Document

from ..models import Actor, Annotation, Claim, Stance
from ..representation import API

STANCE_ERROR = "“{input}” is not a stance; use one of support, oppose, neutral (or null)."


def _missing(name: str) -> dict[str, str]:
    return {
        "does_not_exist": f"There is no {name} with id {{pk_value}} in your projects.",
        "incorrect_type": f"Give the {name}'s id as a whole number.",
    }


class AnnotationSerializer(StrictFields, serializers.Serializer):
    """One highlighted passage; ``start``/``end`` count Unicode code points."""

    create_only = ("document",)

    id = serializers.IntegerField(read_only=True)
    document = IdField(
        queryset=Document.objects.none(),
        # The caller's role comes with the document, saving the permission check a query.
        scope=lambda user: Document.objects.visible_to(user).with_role(user),
        error_messages=_missing("document"),
    )
    start = serializers.IntegerField(help_text="0-based code point offset, inclusive.")
    end = serializers.IntegerField(help_text="0-based code point offset, exclusive.")
    quote = serializers.CharField(
        required=False,
        allow_null=True,
        trim_whitespace=False,
        help_text="The passage; when given it must equal the text at start–end.",
    )
    actor = IdField(
        queryset=Actor.objects.none(),
        scope=Actor.objects.visible_to,
        required=False,
        allow_null=True,
        error_messages=_missing("actor"),
    )
    claim = IdField(
        queryset=Claim.objects.none(),
        scope=Claim.objects.visible_to,
        required=False,
        allow_null=True,
        error_messages=_missing("claim"),
    )
    stance = serializers.ChoiceField(
        choices=Stance.choices,
        required=False,
        allow_null=True,
        error_messages={"invalid_choice": STANCE_ERROR},
    )
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    created_by = serializers.CharField(
        read_only=True, allow_null=True, help_text="The annotator's username."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="Goes up by one with every change; part of the ETag."
    )
    final = serializers.BooleanField(
        read_only=True, help_text="One of the document's final annotations, set by curation."
    )
    curated_from = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The annotation a final annotation was accepted from, or null.",
    )

    def to_internal_value(self, data: Any) -> Any:
        if self.instance is None and isinstance(data, Mapping):
            self.prefetched = prefetch_references(self.context["request"].user, data)
        return super().to_internal_value(data)

    def to_representation(self, instance: Annotation) -> dict[str, Any]:
        # The one definition of the shape; lists write rows of values with the same fields.
        return annotation_json(instance)


def _given_id(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def _references_sql() -> str:
    document, actor, claim = Document._meta.db_table, Actor._meta.db_table, Claim._meta.db_table
    # The caller's role joined as ``with_role`` joins it; a document of a project the
    # caller is not a member of is left out, as ``Document.objects.visible_to`` does.
    return f"""
        SELECT d.id, d.project_id, d.text, m.role AS {ROLE},
               (SELECT a.project_id FROM {actor} a WHERE a.id = %s) AS actor_project,
               (SELECT c.project_id FROM {claim} c WHERE c.id = %s) AS claim_project
        FROM {document} d
        {role_join_sql("m", "d.project_id")}
        WHERE d.id = %s AND m.role IS NOT NULL
    """.strip()


def prefetch_references(user: Any, data: Mapping[str, Any]) -> dict[tuple[str, int], Any]:
    """The document a new annotation names, with the caller's role in its project, and
    its actor and claim when they belong to that project: one query instead of three.

    Written as SQL because this is the hot path of every single create: building the
    same query with the ORM took longer than running it.

    Returns what the reference fields take (see ``IdField``); an actor or claim of
    another project is left for the field's own lookup, whose error says which.
    """
    document_id = _given_id(data, "document")
    if document_id is None or not user.is_authenticated:
        return {}
    wanted = {"actor": _given_id(data, "actor"), "claim": _given_id(data, "claim")}
    database = router.db_for_read(Document)
    # A plain cursor and ``from_db``, as a raw queryset would build the document (its
    # other fields deferred), without the raw queryset's reading of the columns.
    with connections[database].cursor() as cursor:
        cursor.execute(_references_sql(), [wanted["actor"], wanted["claim"], user.pk, document_id])
        row = cursor.fetchone()
    found: dict[tuple[str, int], Any] = {("document", document_id): None}
    if row is None:
        return found
    document = Document.from_db(database, ["id", "project_id", "text"], row[:3])
    for name, value in zip((ROLE, "actor_project", "claim_project"), row[3:], strict=True):
        setattr(document, name, value)
    found["document", document_id] = document
    for (name, pk), model in zip(wanted.items(), (Actor, Claim), strict=True):
        if pk is not None and getattr(document, f"{name}_project") == document.project_id:
            # Only the id and the project are needed to tag; other fields load on use.
            found[name, pk] = model.from_db(
                document._state.db, ["id", "project_id"], [pk, document.project_id]
            )
    return found


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    """An annotation as the API shows it (``representation.API``)."""
    return API.from_instance(annotation)

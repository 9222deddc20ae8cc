"""Each of annotate's fast paths (listed in ``corpus.fastpaths``) writes the rows, history
included, that the ORM path writes: ``save()`` or ``delete()`` with simple_history's
receivers. Each change is made both ways from the same database and the rows compared
field by field, leaving out only new ids and the moments of writing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.test import APIClient

from annotate import events
from annotate.api.serializers import annotation_json, prefetch_references
from annotate.models import Actor, Annotation, Claim
from annotate.services import codebook
from annotate.services.annotations import (
    NewAnnotation,
    _validated,
    create_annotation,
    create_annotations,
)
from annotate.services.codebook import merge_actors
from annotate.services.history import note_change
from annotate.services.trash import empty_trash, trash_annotation
from corpus.access import caller_role
from corpus.models import Document, Event
from tests.equivalence import each_way, postgresql_only, without
from tests.factories import make_actor, make_annotation, make_claim

#: Columns that differ between two runs of the same change: new ids, when it ran.
MOMENTS = ("id", "created_at", "updated_at", "history_id", "history_date")


def _items(document, actor, claim) -> list[NewAnnotation]:
    return [
        NewAnnotation(document=document, start=0, end=5),
        NewAnnotation(
            document=document,
            start=2,
            end=9,
            quote=document.text[2:9],
            actor=actor,
            claim=claim,
            stance="oppose",
            note="a note, with \t tab\nand \\ backslash",
            metadata={"person": "Ann", "n": [1, 2]},
        ),
    ]


def _saved_one_by_one(items, user) -> list[Annotation]:
    """The ORM path: ``save()``, and simple_history's post_save writes the record."""
    annotations = [_validated(item, user) for item in items]
    for annotation in annotations:
        annotation.save()
    return annotations


def _created_rows(annotations) -> tuple[list[dict], list[dict]]:
    """The new annotations' rows and their history rows, in id order, after checking
    what every new row must hold whichever way it was written: each history record
    copies its annotation, id and creation time included."""
    ids = [a.pk for a in annotations]
    own = [dict(row) for row in Annotation.objects.filter(pk__in=ids).order_by("pk").values()]
    history = list(Annotation.history.filter(id__in=ids).order_by("id", "history_id").values())
    assert [row["id"] for row in history] == [row["id"] for row in own]
    assert [row["created_at"] for row in history] == [row["created_at"] for row in own]
    # What the service hands back is what was stored.
    assert [(a.pk, a.created_at, a.updated_at) for a in annotations] == [
        (row["id"], row["created_at"], row["updated_at"]) for row in own
    ]
    return own, history


@postgresql_only
def test_one_create_writes_what_save_writes(document, cast):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    (item,) = _items(document, actor, claim)[1:]
    fast, orm = each_way(
        lambda: [
            create_annotation(
                created_by=cast.bob,
                **{name: getattr(item, name) for name in vars(item)},
            )
        ],
        lambda: _saved_one_by_one([item], cast.bob),
        rows=_created_rows,
    )
    assert [without(rows, *MOMENTS) for rows in fast] == [without(rows, *MOMENTS) for rows in orm]
    (own,), (record,) = fast
    assert (record["history_type"], record["history_change_reason"]) == ("+", "created")
    assert record["history_user_id"] == cast.bob.pk
    # One moment for the row and its record, where save() reads the clock twice.
    assert own["created_at"] == own["updated_at"] == record["history_date"]


def _events_of(annotations) -> list[dict]:
    """The events written about the annotations, less what differs between two runs."""
    rows = Event.objects.filter(object_id__in=[a.pk for a in annotations]).order_by("pk")
    found = []
    for row in rows.values("project_id", "kind", "object_id", "data"):
        # The data is the annotation as the API shows it once stored, moments included.
        stored = Annotation.objects.select_related("created_by").get(pk=row["object_id"])
        assert row["data"] == annotation_json(stored)
        found.append(
            {
                "project_id": row["project_id"],
                "kind": row["kind"],
                "data": without([row["data"]], *MOMENTS)[0],
            }
        )
    assert len(found) == len(annotations)
    return found


@postgresql_only
def test_the_create_statements_event_is_what_publishing_the_saved_annotation_writes(document, cast):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    (item,) = _items(document, actor, claim)[1:]

    def saved_and_published():
        annotations = _saved_one_by_one([item], cast.bob)
        events.publish(events.CREATED, annotations)
        return annotations

    fast, plain = each_way(
        lambda: [
            create_annotation(
                created_by=cast.bob, **{name: getattr(item, name) for name in vars(item)}
            )
        ],
        saved_and_published,
        rows=lambda annotations: (_events_of(annotations), annotations),
    )
    assert fast[0] == plain[0]
    (event,) = fast[0]
    assert event["kind"] == "annotation.created"
    assert event["data"]["stance"] == "oppose"


def test_a_bulk_create_writes_what_save_writes(document, cast):
    # PostgreSQL COPYs; SQLite goes through simple_history's bulk_create_with_history.
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    items = _items(document, actor, claim)
    fast, orm = each_way(
        lambda: create_annotations(items=items, created_by=cast.bob),
        lambda: _saved_one_by_one(items, cast.bob),
        rows=_created_rows,
    )
    assert [without(rows, *MOMENTS) for rows in fast] == [without(rows, *MOMENTS) for rows in orm]
    own, history = fast
    assert own[1]["metadata"] == {"person": "Ann", "n": [1, 2]}
    assert {(h["history_type"], h["history_change_reason"]) for h in history} == {("+", "created")}
    assert {h["history_user_id"] for h in history} == {cast.bob.pk}


def test_ids_of_a_bulk_create_come_from_the_tables_own_sequence(document, cast):
    created = create_annotations(items=_items(document, None, None), created_by=cast.bob)
    later = create_annotation(document=document, start=0, end=3, created_by=cast.bob)
    assert later.pk > max(a.pk for a in created)


def _repoint_annotations_by_save(*, field, source, target, user, reason) -> int:
    annotations = list(Annotation.objects.filter(**{field: source}))
    for annotation in annotations:
        setattr(annotation, field, target)
        annotation.version += 1
        note_change(annotation, user, reason)
        annotation.save()
    return len(annotations)


def _repoint_entries_by_save(entries, model, field, value, user, reason) -> None:
    for entry in entries:
        setattr(entry, field, value)
        note_change(entry, user, reason)
        entry.save()


def _codebook_rows(project, since) -> dict[str, list[dict]]:
    """The project's annotations and actors and their history; whether a row's
    ``updated_at`` moved since ``since`` stands in for the moment itself, and the
    annotations' new ``updated_at`` are apart, as ``moments``."""
    annotations = Annotation.objects.filter(document__project=project)
    actors = Actor.history.filter(project=project)

    def touched(rows):
        return [{**row, "updated_at": row["updated_at"] >= since} for row in rows]

    return {
        "moments": set(
            annotations.filter(updated_at__gte=since).values_list("updated_at", flat=True)
        ),
        "annotations": touched(annotations.order_by("pk").values()),
        "annotation history": list(
            Annotation.history.filter(document__project=project)
            .order_by("id", "history_id")
            .values()
        ),
        "actors": touched(Actor.objects.filter(project=project).order_by("pk").values()),
        "actor history": touched(actors.order_by("id", "history_id").values()),
    }


def test_a_merge_writes_what_save_writes(cast, document, monkeypatch):
    source = make_actor(cast.project, "Abe", aliases=["Shinzo Abe"])
    target = make_actor(cast.project, "Prime Minister Abe")
    follower = make_actor(cast.project, "LDP", affiliation=source)
    make_annotation(document, start=0, end=5, actor=source, note="one")
    trashed = make_annotation(document, start=6, end=9, actor=source, stance="support")
    trash_annotation(annotation=trashed, trashed_by=cast.bob)
    make_annotation(document, start=10, end=14, actor=target)

    def merge() -> None:
        merge_actors(
            source=Actor.objects.get(pk=source.pk),
            target=Actor.objects.get(pk=target.pk),
            merged_by=cast.alice,
        )

    def merge_by_save() -> None:
        with monkeypatch.context() as patch:
            patch.setattr(codebook, "_repoint_annotations", _repoint_annotations_by_save)
            patch.setattr(codebook, "_repoint_entries", _repoint_entries_by_save)
            merge()

    since = timezone.now()
    fast, orm = each_way(merge, merge_by_save, rows=lambda _: _codebook_rows(cast.project, since))
    fast_moments, _ = fast.pop("moments"), orm.pop("moments")
    # The rows existed before: their ids and creation times are the same both ways.
    leave_out = ("history_id", "history_date")
    assert {k: without(v, *leave_out) for k, v in fast.items()} == {
        k: without(v, *leave_out) for k, v in orm.items()
    }
    moved = [a for a in fast["annotations"] if a["actor_id"] == target.pk and a["version"] > 1]
    assert len(moved) == 2
    records = [
        h for h in fast["annotation history"] if h["history_change_reason"].startswith("merged")
    ]
    assert {(h["history_type"], h["history_user_id"]) for h in records} == {("~", cast.alice.pk)}
    # One moment for the whole merge: the records' and the rows' new updated_at.
    assert {h["history_date"] for h in records} == fast_moments
    (follower_row,) = [a for a in fast["actors"] if a["id"] == follower.pk]
    assert follower_row["affiliation_id"] == target.pk


def test_emptying_the_trash_writes_what_delete_writes(cast, document):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    make_annotation(document, start=0, end=5)
    for start in (2, 6):
        gone = make_annotation(
            document, start=start, end=start + 4, actor=actor, claim=claim, note="n"
        )
        trash_annotation(annotation=gone, trashed_by=cast.bob)
    reason = "deleted for good when the trash was emptied"

    def delete_one_by_one() -> None:
        for annotation in Annotation.objects.trashed().filter(document__project=cast.project):
            note_change(annotation, cast.alice, reason)
            annotation.delete()

    def rows(_: Any) -> dict[str, list[dict]]:
        return {
            "annotations": list(Annotation.objects.order_by("pk").values()),
            "history": list(Annotation.history.order_by("id", "history_id").values()),
        }

    fast, orm = each_way(
        lambda: empty_trash(project=cast.project, emptied_by=cast.alice),
        delete_one_by_one,
        rows=rows,
    )
    leave_out = ("history_id", "history_date")
    assert {k: without(v, *leave_out) for k, v in fast.items()} == {
        k: without(v, *leave_out) for k, v in orm.items()
    }
    deletions = [h for h in fast["history"] if h["history_type"] == "-"]
    assert len(deletions) == 2
    assert {(h["history_change_reason"], h["history_user_id"]) for h in deletions} == {
        (reason, cast.alice.pk)
    }


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "mallory"])
def test_the_references_query_reads_what_the_orm_reads(cast, document, who):
    user = getattr(cast, who)
    ours = make_actor(cast.project), make_claim(cast.project)
    theirs = make_actor(cast.other), make_claim(cast.other)
    for actor, claim in (ours, theirs):
        data = {"document": document.pk, "actor": actor.pk, "claim": claim.pk}
        found = prefetch_references(user, data)
        read = found[("document", document.pk)]
        expected = Document.objects.visible_to(user).with_role(user).filter(pk=document.pk).first()
        if expected is None:
            assert read is None
            continue
        assert (read.pk, read.project_id, read.text, caller_role(read)) == (
            expected.pk,
            expected.project_id,
            expected.text,
            caller_role(expected),
        )
        # An actor or claim comes along only when it belongs to the document's project.
        for name, model, entry in (("actor", Actor, actor), ("claim", Claim, claim)):
            same_project = model.objects.get(pk=entry.pk).project_id == document.project_id
            assert ((name, entry.pk) in found) == same_project
            if same_project:
                assert found[name, entry.pk].project_id == document.project_id


def test_a_listed_page_is_what_drf_writes_of_the_instances(cast, document):
    # The list reads rows of values and leaves moments to orjson; DRF's own renderer,
    # given each annotation as its detail shows it, must write the very same bytes.
    actor, claim = make_actor(cast.project, "Shinzo Abe"), make_claim(cast.project, "Ties")
    tagged = make_annotation(
        document,
        start=0,
        end=5,
        created_by=cast.bob,
        actor=actor,
        claim=claim,
        stance="support",
        note='one\u2028two\u2029three "quoted" ünïcode',
    )
    bare = make_annotation(document, start=2, end=9)
    # A moment without microseconds is written without them, both ways.
    Annotation.objects.filter(pk=bare.pk).update(
        updated_at=datetime.datetime(2024, 2, 29, 23, 59, 59, tzinfo=datetime.UTC)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.bob).key}")
    response = client.get(f"/api/annotations/?document={document.pk}")
    assert response.status_code == 200

    instances = Annotation.objects.filter(pk__in=[tagged.pk, bare.pk]).select_related("created_by")
    page = {
        "next": None,
        "previous": None,
        "results": [annotation_json(a) for a in instances.order_by("id")],
    }
    assert response.content == DRFJSONRenderer().render(page)

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from annotate.models import Annotation
from annotate.services.annotations import (
    BulkValidationError,
    NewAnnotation,
    StaleVersion,
    create_annotation,
    create_annotations,
    update_annotation,
)
from annotate.services.trash import restore_annotation, trash_annotation
from corpus.services import change_document_text
from tests.factories import make_actor, make_claim, make_document


def refused(call, **kwargs) -> dict[str, list[str]]:
    before = Annotation.objects.count()
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert Annotation.objects.count() == before, "a refused write must write nothing"
    return error.value.message_dict


def test_annotation_stores_the_quote_computed_from_the_offsets(document, cast):
    start = document.text.index("Shinzo Abe")
    annotation = create_annotation(
        document=document, start=start, end=start + 10, created_by=cast.bob
    )
    assert annotation.quote == "Shinzo Abe"
    assert annotation.version == 1


def test_offsets_past_the_end_are_refused_with_the_document_length(document, cast):
    n = len(document.text)
    errors = refused(create_annotation, document=document, start=0, end=n + 1, created_by=cast.bob)
    assert errors["end"] == [f"end {n + 1} is past the end of the document ({n} characters)."]


def test_negative_start_is_refused(document, cast):
    errors = refused(create_annotation, document=document, start=-1, end=4, created_by=cast.bob)
    assert "cannot be negative" in errors["start"][0]


def test_start_not_before_end_is_refused(document, cast):
    errors = refused(create_annotation, document=document, start=5, end=5, created_by=cast.bob)
    assert "must be greater than start" in errors["end"][0]


def test_a_quote_that_does_not_match_the_text_is_refused(document, cast):
    errors = refused(
        create_annotation, document=document, start=0, end=5, quote="Putin", created_by=cast.bob
    )
    assert errors["quote"] == [
        "The quote does not match the document at 0–5, where the text reads 'Prime'."
    ]


def test_an_actor_or_claim_of_another_project_is_refused(document, cast):
    foreign_actor = make_actor(cast.other, "Spy")
    foreign_claim = make_claim(cast.other, "Secret claim")
    errors = refused(
        create_annotation,
        document=document,
        start=0,
        end=5,
        actor=foreign_actor,
        claim=foreign_claim,
        created_by=cast.bob,
    )
    assert errors["actor"] == ["This actor belongs to another project's codebook."]
    assert errors["claim"] == ["This claim belongs to another project's codebook."]


def test_an_unknown_stance_is_refused(document, cast):
    errors = refused(
        create_annotation, document=document, start=0, end=5, stance="maybe", created_by=cast.bob
    )
    assert "is not a stance" in errors["stance"][0]


def test_the_text_of_an_annotated_document_cannot_change(document, cast):
    create_annotation(document=document, start=0, end=5, created_by=cast.bob)
    original = document.text
    with pytest.raises(ValidationError) as error:
        change_document_text(document=document, text="Something else entirely.")
    assert "cannot change" in error.value.message_dict["text"][0]
    document.refresh_from_db()
    assert document.text == original


def test_the_text_of_an_unannotated_document_can_change(document):
    change_document_text(document=document, text="A new text\r\nwith Windows breaks.")
    document.refresh_from_db()
    assert document.text == "A new text\nwith Windows breaks."


def test_a_stale_version_is_refused_and_nothing_changes(document, cast):
    annotation = create_annotation(document=document, start=0, end=5, created_by=cast.bob)
    update_annotation(
        annotation=annotation, updated_by=cast.alice, expected_version=1, stance="support"
    )
    with pytest.raises(StaleVersion) as error:
        update_annotation(
            annotation=annotation, updated_by=cast.bob, expected_version=1, stance="oppose"
        )
    assert error.value.current.stance == "support"
    annotation.refresh_from_db()
    assert (annotation.stance, annotation.version) == ("support", 2)


def test_moving_a_passage_recomputes_its_quote(document, cast):
    annotation = create_annotation(document=document, start=0, end=5, created_by=cast.bob)
    start = document.text.index("Shinzo")
    updated = update_annotation(
        annotation=annotation, updated_by=cast.bob, start=start, end=start + 6
    )
    assert updated.quote == "Shinzo"


def test_trash_and_restore_keep_the_whole_history(document, cast):
    actor = make_actor(cast.project, "Shinzo Abe")
    annotation = create_annotation(document=document, start=0, end=5, created_by=cast.bob)
    update_annotation(annotation=annotation, updated_by=cast.bob, actor=actor, stance="support")
    trash_annotation(annotation=annotation, trashed_by=cast.alice)
    assert not Annotation.objects.alive().filter(pk=annotation.pk).exists()
    restore_annotation(annotation=annotation, restored_by=cast.alice)
    annotation.refresh_from_db()
    assert annotation.deleted_at is None
    assert annotation.actor == actor

    history = list(annotation.history.order_by("history_id"))
    assert [h.history_change_reason for h in history] == [
        "created",
        "updated",
        "trashed",
        "restored",
    ]
    assert [h.history_user for h in history] == [cast.bob, cast.bob, cast.alice, cast.alice]
    before, after = history[0], history[1]
    changed = {c.field: (c.old, c.new) for c in after.diff_against(before).changes}
    assert changed["stance"] == (None, "support")
    assert changed["actor"] == (None, actor.pk)


def test_bulk_create_is_all_or_nothing_and_names_each_bad_item(document, cast):
    items = [
        NewAnnotation(document=document, start=0, end=5),
        NewAnnotation(document=document, start=3, end=2),
        NewAnnotation(document=document, start=0, end=5, stance="bogus"),
    ]
    with pytest.raises(BulkValidationError) as error:
        create_annotations(items=items, created_by=cast.bob)
    assert set(error.value.errors) == {1, 2}
    assert Annotation.objects.count() == 0

    created = create_annotations(items=items[:1], created_by=cast.bob)
    assert created[0].quote == document.text[0:5]
    assert created[0].history.get().history_user == cast.bob


@pytest.mark.parametrize(
    ("prefix", "passage"),
    [
        ("Launch 🚀🇯🇵 day: ", "北方領土"),
        ("Combining q\u0307 and cafe\u0301 then ", "Naryshkin’s 👍 reply"),
        ("家族👨‍👩‍👧 and 𝒳 ", "the Kuril Islands (千島列島)"),
    ],
)
def test_offsets_count_code_points_so_unicode_passages_round_trip(cast, prefix, passage):
    document = make_document(cast.project, text=f"{prefix}{passage} and more.")
    start = document.text.index(passage)
    annotation = create_annotation(
        document=document, start=start, end=start + len(passage), quote=passage, created_by=cast.bob
    )
    annotation.refresh_from_db()
    assert annotation.quote == passage
    assert document.text[annotation.start : annotation.end] == passage


def test_text_is_normalised_once_at_import(cast):
    document = make_document(cast.project, text="Cafe\u0301\r\nline two\rline three")
    assert document.text == "Café\nline two\nline three"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_bulk_copy_that_fails_in_the_database_writes_nothing(document, cast):
    items = [NewAnnotation(document=document, start=0, end=5) for _ in range(3)]
    items[2].note = "a NUL \x00 that PostgreSQL text cannot hold"
    with pytest.raises(DatabaseError):
        create_annotations(items=items, created_by=cast.bob)
    assert Annotation.objects.count() == 0
    assert Annotation.history.count() == 0

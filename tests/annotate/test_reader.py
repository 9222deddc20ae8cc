import html as html_module
import random
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from annotate.highlights import (
    MAX_DRAWN_DEPTH,
    STANCE_MARKS,
    ReaderFilters,
    draw_anew,
    draw_reader,
    reader_rows,
    render_segments,
)
from annotate.models import Actor, Annotation, Stance
from corpus.models import Role
from tests.factories import (
    actor_of,
    add_member,
    claim_of,
    make_actor,
    make_annotation,
    make_claim,
    make_document,
    make_user,
)

pytestmark = pytest.mark.django_db


def reader_url(document):
    return reverse(
        "annotate:reader", kwargs={"project": document.project.slug, "document": document.pk}
    )


def create_url(document):
    return reverse(
        "annotate:annotation-create",
        kwargs={"project": document.project.slug, "document": document.pk},
    )


def edit_url(annotation, name="annotate:annotation-edit"):
    document = annotation.document
    return reverse(
        name,
        kwargs={
            "project": document.project.slug,
            "document": document.pk,
            "annotation": annotation.pk,
        },
    )


HX = {"HX-Request": "true"}


# Rendering ---------------------------------------------------------------------------


def test_segments_keep_every_character_of_the_text_in_order(cast):
    text = "a<b>&c\n\nnaïve 🙂 日本語 q\u0303!"
    document = make_document(cast.project, text=text)
    annotations = [
        make_annotation(document, start=2, end=9),
        make_annotation(document, start=4, end=6),
        make_annotation(document, start=8, end=len(document.text)),
    ]
    html = str(render_segments(document.text, annotations))

    pieces = re.findall(r'<span[^>]*data-s="(\d+)"[^>]*>(.*?)</span>', html, re.S)
    assert "".join(html_module.unescape(p) for _, p in pieces) == document.text
    starts = [int(s) for s, _ in pieces]
    assert starts == sorted({0, 2, 4, 6, 8, 9})
    for (start, piece), following in zip(pieces, [*starts[1:], len(document.text)], strict=True):
        assert document.text[int(start) : following] == html_module.unescape(piece)


def test_overlapping_and_nested_annotations_each_cover_their_own_segments(cast):
    document = make_document(cast.project, text="0123456789ABCDEF")
    outer = make_annotation(document, start=0, end=10, stance=Stance.SUPPORT)
    inner = make_annotation(document, start=2, end=4, stance=Stance.OPPOSE)
    crossing = make_annotation(document, start=8, end=14)
    html = str(render_segments(document.text, [outer, inner, crossing]))
    assert (
        f'class="hl st-oppose d2 l1-support l2-oppose" data-s="2" '
        f'data-ids="{outer.pk} {inner.pk}" data-top="{inner.pk}" data-marks="−"'
    ) in html
    assert f'class="hl st-support d1 l1-support" data-s="0" data-ids="{outer.pk}"' in html
    assert f'data-s="8" data-ids="{outer.pk} {crossing.pk}"' in html
    assert f'class="hl st-none d1 l1-none" data-s="10" data-ids="{crossing.pk}"' in html
    # Both underlines where the crossing one begins, and its sign there.
    assert re.search(r'l1-support l2-none" data-s="8" [^>]*data-marks="\?"', html)


def test_every_segment_is_drawn_from_the_annotations_that_cover_it():
    """Random overlapping annotations: each segment's ids, innermost one, depth, layers
    and signs are what a plain look at every annotation over that segment gives."""
    rng = random.Random(7)
    stances = [*Stance.values, None]
    for _ in range(200):
        text = "".join(rng.choice("ab <&>\"'\n🙂") for _ in range(rng.randrange(1, 50)))
        annotations = []
        for pk in rng.sample(range(1, 1000), rng.randrange(0, 10)):
            start = rng.randrange(len(text))
            end = rng.randrange(start + 1, len(text) + 1)
            annotations.append(Annotation(pk=pk, start=start, end=end, stance=rng.choice(stances)))
        html = str(render_segments(text, annotations))
        pieces = re.findall(r"<span([^>]*)>(.*?)</span>", html, re.S)
        assert "".join(html_module.unescape(piece) for _, piece in pieces) == text
        for attributes, _ in pieces:
            found = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
            at = int(found["data-s"])
            covering = sorted(
                (a for a in annotations if a.start <= at < a.end),
                key=lambda a: (a.start, -a.end, a.pk),
            )
            if not covering:
                assert set(found) == {"data-s"}
                continue
            outer_first = sorted(covering, key=lambda a: (a.start - a.end, a.start, a.pk))
            drawn = [a.stance or "none" for a in outer_first[-MAX_DRAWN_DEPTH:]]
            layers = [f"l{n}-{stance}" for n, stance in enumerate(drawn, start=1)]
            assert found["class"] == " ".join(["hl", f"st-{drawn[-1]}", f"d{len(drawn)}", *layers])
            assert found["data-ids"] == " ".join(str(a.pk) for a in covering)
            assert found["data-top"] == str(outer_first[-1].pk)
            marks = "".join(STANCE_MARKS[a.stance or "none"] for a in outer_first if a.start == at)
            assert found.get("data-marks", "") == marks


def test_a_remembered_drawing_is_what_drawing_anew_gives(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    make_annotation(document, start=0, end=9, actor=actor, stance="oppose", note="<b>n</b>")
    make_annotation(document, start=4, end=20, created_by=cast.bob)
    rows = reader_rows(document, cast.alice)
    for filters in [ReaderFilters(), ReaderFilters(actor=str(actor.pk))]:
        assert draw_reader(document.text, rows, filters) == draw_anew(document.text, rows, filters)
        # Read again, the same rows give the drawing kept from the first time.
        again = reader_rows(document, cast.alice)
        assert draw_reader(document.text, again, filters) is draw_reader(
            document.text, rows, filters
        )


def test_independent_coders_each_see_only_their_own_highlights_page_after_page(
    client, cast, document
):
    cast.project.independent_coding = True
    cast.project.save()
    dave = make_user("dave")
    add_member(cast.project, dave, Role.ANNOTATOR)
    bobs = make_annotation(document, start=0, end=5, created_by=cast.bob)
    daves = make_annotation(document, start=0, end=5, created_by=dave)
    for _ in range(2):
        for who, own, other in [(cast.bob, bobs, daves), (dave, daves, bobs)]:
            client.force_login(who)
            page = client.get(reader_url(document)).content.decode()
            assert f'data-ids="{own.pk}"' in page and f'id="entry-{own.pk}"' in page
            assert str(other.pk) not in re.findall(r'data-ids="([^"]*)"', page)[0]
            assert f'id="entry-{other.pk}"' not in page
    client.force_login(cast.alice)
    page = client.get(reader_url(document)).content.decode()
    assert f'data-ids="{bobs.pk} {daves.pk}"' in page


def test_the_reader_shows_every_change_made_since_it_was_last_read(client, cast, document):
    actor = make_actor(cast.project, "Kantei")
    annotation = make_annotation(
        document, start=0, end=5, actor=actor, stance="support", created_by=cast.bob
    )
    client.force_login(cast.carol)
    page = client.get(reader_url(document)).content.decode()
    assert '<span class="entry-actor">Kantei</span>' in page
    assert 'class="entry st-support"' in page
    # Writes that bump no version and touch no annotation still show at once.
    Annotation.objects.filter(pk=annotation.pk).update(stance="oppose", note="Later note")
    Actor.objects.filter(pk=actor.pk).update(name="Cabinet Office")
    User.objects.filter(pk=cast.bob.pk).update(username="robert")
    page = client.get(reader_url(document)).content.decode()
    assert 'class="entry st-oppose"' in page and 'class="entry st-support"' not in page
    assert "Cabinet Office" in page and "Kantei" not in page
    assert "Later note" in page and "robert" in page
    Annotation.objects.filter(pk=annotation.pk).update(deleted_at="2026-01-01T00:00:00Z")
    page = client.get(reader_url(document)).content.decode()
    assert f'id="entry-{annotation.pk}"' not in page and "No annotations yet." in page


def test_reader_shows_the_text_and_the_annotations_in_reading_order(client, cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    claim = make_claim(cast.project, "Closer ties with Russia")
    later = make_annotation(document, start=15, end=25, created_by=cast.bob)
    first = make_annotation(
        document, start=0, end=5, actor=actor, claim=claim, stance="support", created_by=cast.bob
    )
    client.force_login(cast.carol)
    response = client.get(reader_url(document))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f'id="entry-{first.pk}"') < body.index(f'id="entry-{later.pk}"')
    assert "Shinzo Abe" in body and "Closer ties with Russia" in body
    assert 'id="document-text"' in body


# Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("carol", 200)])
def test_members_can_read_the_reader(client, cast, document, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(reader_url(document)).status_code == status


def test_a_user_of_another_project_gets_404_everywhere_in_the_reader(client, cast, document):
    annotation = make_annotation(document, created_by=cast.bob)
    client.force_login(cast.mallory)
    assert client.get(reader_url(document)).status_code == 404
    assert client.post(create_url(document), {"start": 0, "end": 3}).status_code == 404
    assert client.get(edit_url(annotation), headers=HX).status_code == 404
    assert client.post(edit_url(annotation), {"version": 1}).status_code == 404
    delete = edit_url(annotation, "annotate:annotation-delete")
    assert client.post(delete, {"version": 1}).status_code == 404
    restore = edit_url(annotation, "annotate:annotation-restore")
    assert client.post(restore).status_code == 404
    suggest = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    assert client.get(suggest, {"actor": "a"}).status_code == 404
    assert Annotation.objects.get().deleted_at is None


def test_signed_out_visitor_is_sent_to_sign_in(client, cast, document):
    response = client.get(reader_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_viewer_sees_no_form_and_the_server_refuses_her_writes(client, cast, document):
    annotation = make_annotation(document, created_by=cast.bob)
    client.force_login(cast.carol)
    body = client.get(reader_url(document)).content.decode()
    assert "Save annotation" not in body
    assert 'id="annotation-form"' not in body
    assert 'data-can-annotate="false"' in body
    assert client.post(create_url(document), {"start": 0, "end": 3}, headers=HX).status_code == 403
    assert client.get(edit_url(annotation), headers=HX).status_code == 403
    assert client.post(edit_url(annotation), {"version": 1, "stance": "oppose"}).status_code == 403
    delete = edit_url(annotation, "annotate:annotation-delete")
    assert client.post(delete, {"version": 1}).status_code == 403
    annotation.refresh_from_db()
    assert annotation.deleted_at is None and annotation.stance is None
    assert Annotation.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_owner_and_annotator_can_annotate(client, cast, document, who):
    client.force_login(getattr(cast, who))
    assert "Save annotation" in client.get(reader_url(document)).content.decode()
    response = client.post(
        create_url(document), {"start": 0, "end": 5, "quote": document.text[:5]}, headers=HX
    )
    assert response.status_code == 200
    assert Annotation.objects.get().created_by == getattr(cast, who)


# Fragments --------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_reader_body(client, cast, document):
    client.force_login(cast.bob)
    full = client.get(reader_url(document))
    fragment = client.get(reader_url(document), headers=HX)
    assert b"<html" in full.content and b"<html" not in fragment.content
    assert fragment.content.lstrip().startswith(b'<div id="reader-body"')
    assert "HX-Request" in full["Vary"]


def test_filters_hide_the_other_highlights(client, cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    kept = make_annotation(document, start=0, end=5, actor=actor, created_by=cast.bob)
    hidden = make_annotation(document, start=10, end=20, stance="oppose", created_by=cast.alice)
    client.force_login(cast.carol)
    body = client.get(reader_url(document), {"actor_filter": actor.pk}, headers=HX).content.decode()
    assert f'data-ids="{kept.pk}"' in body and f'data-ids="{hidden.pk}"' not in body
    body = client.get(reader_url(document), {"stance_filter": "oppose"}, headers=HX).content
    assert f'entry-{hidden.pk}"'.encode() in body and f'entry-{kept.pk}"'.encode() not in body
    body = client.get(reader_url(document), {"by_filter": cast.bob.pk}, headers=HX).content
    assert f'entry-{kept.pk}"'.encode() in body and f'entry-{hidden.pk}"'.encode() not in body


# Saving -----------------------------------------------------------------------------------


def test_saving_a_passage_stores_the_exact_quote_and_returns_the_new_highlight(
    client, cast, document
):
    actor = make_actor(cast.project, "Shinzo Abe", aliases=["Abe"])
    claim = make_claim(cast.project, "Closer ties with Russia")
    client.force_login(cast.bob)
    response = client.post(
        create_url(document),
        {
            "start": 15,
            "end": 25,
            "quote": document.text[15:25],
            "actor": "abe",
            "claim": "closer ties with russia",
            "stance": "support",
            "note": "first",
        },
        headers=HX,
    )
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert (annotation.quote, annotation.actor, annotation.claim) == (
        document.text[15:25],
        actor,
        claim,
    )
    assert annotation.stance == "support" and annotation.note == "first"
    assert f'data-ids="{annotation.pk}"' in response.content.decode()
    assert "annotationSaved" in response["HX-Trigger-After-Settle"]


def test_a_quote_that_does_not_match_the_offsets_is_refused_and_nothing_saved(
    client, cast, document
):
    client.force_login(cast.bob)
    response = client.post(
        create_url(document), {"start": 0, "end": 5, "quote": "nope!"}, headers=HX
    )
    assert response.status_code == 422
    assert "The quote does not match" in response.content.decode()
    assert not Annotation.objects.exists()


def test_an_unknown_actor_is_refused_unless_the_user_asks_to_add_it(client, cast, document):
    client.force_login(cast.bob)
    data = {"start": 0, "end": 5, "actor": "Fumio Kishida", "claim": "New claim"}
    response = client.post(create_url(document), data, headers=HX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "“Fumio Kishida” is not in the codebook" in page
    # The box it asks for is there, not yet ticked.
    assert '<input type="checkbox" name="new_actor" value="1"> Add “Fumio Kishida”' in page
    assert not Annotation.objects.exists()
    response = client.post(
        create_url(document), {**data, "new_actor": "1", "new_claim": "1"}, headers=HX
    )
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert (
        actor_of(annotation).name == "Fumio Kishida" and claim_of(annotation).label == "New claim"
    )
    assert actor_of(annotation).project == cast.project


def test_a_refused_annotation_keeps_no_new_codebook_entry(client, cast, document):
    client.force_login(cast.bob)
    data = {"start": 0, "end": 5, "quote": "wrong", "actor": "Fumio Kishida", "new_actor": "1"}
    assert client.post(create_url(document), data, headers=HX).status_code == 422
    assert not cast.project.actors.exists()


def test_editing_changes_the_stance_and_bumps_the_version(client, cast, document):
    annotation = make_annotation(document, created_by=cast.bob)
    client.force_login(cast.alice)
    form = client.get(edit_url(annotation), headers=HX)
    assert form.status_code == 200 and b'name="version" value="1"' in form.content
    assert b"Delete" in form.content
    response = client.post(edit_url(annotation), {"version": 1, "stance": "oppose"}, headers=HX)
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.stance, annotation.version) == ("oppose", 2)
    assert annotation.history.first().history_user == cast.alice


def test_a_second_save_on_a_stale_version_is_refused_and_shows_the_current_values(
    client, cast, document
):
    annotation = make_annotation(document, created_by=cast.bob)
    client.force_login(cast.alice)
    client.post(edit_url(annotation), {"version": 1, "stance": "oppose"}, headers=HX)
    client.force_login(cast.bob)
    response = client.post(edit_url(annotation), {"version": 1, "stance": "support"}, headers=HX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "This annotation was changed (last saved by alice) after you opened it" in body
    assert 'name="version" value="2"' in body
    assert 'data-stance="oppose" aria-pressed="true"' in body
    annotation.refresh_from_db()
    assert annotation.stance == "oppose"


def test_delete_moves_to_the_trash_and_undo_restores(client, cast, document):
    annotation = make_annotation(document, created_by=cast.bob)
    client.force_login(cast.bob)
    delete = edit_url(annotation, "annotate:annotation-delete")
    response = client.post(delete, {"version": 1}, headers=HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Undo" in body and 'hx-swap-oob="true"' in body
    assert f'data-ids="{annotation.pk}"' not in body
    annotation.refresh_from_db()
    assert annotation.is_trashed
    restore = edit_url(annotation, "annotate:annotation-restore")
    response = client.post(restore, headers=HX)
    assert f'data-ids="{annotation.pk}"' in response.content.decode()
    annotation.refresh_from_db()
    assert not annotation.is_trashed


def test_suggestions_include_aliases_and_offer_a_new_name(client, cast):
    make_actor(cast.project, "Shinzo Abe", aliases=["Abe"])
    make_actor(cast.other, "Abel Elsewhere")
    client.force_login(cast.bob)
    url = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    body = client.get(url, {"actor": "abe"}).content.decode()
    assert 'role="option"' in body and 'data-value="Shinzo Abe"' in body
    assert "Abel Elsewhere" not in body
    assert "Add “abe”" not in body
    body = client.get(url, {"actor": "Kishida"}).content.decode()
    assert 'name="new_actor"' in body and "Add “Kishida” to the codebook" in body
    client.force_login(cast.carol)
    assert 'name="new_actor"' not in client.get(url, {"actor": "Kishida"}).content.decode()


# Query counts -------------------------------------------------------------------------------


def test_reader_queries_do_not_grow_with_annotations(
    client, cast, document, django_assert_max_num_queries
):
    actors = [make_actor(cast.project) for _ in range(3)]
    claims = [make_claim(cast.project) for _ in range(3)]
    client.force_login(cast.bob)
    for n in range(30):
        make_annotation(
            document,
            start=n % 20,
            end=n % 20 + 5,
            actor=actors[n % 3],
            claim=claims[n % 3],
            stance="support",
            created_by=[cast.alice, cast.bob][n % 2],
        )
        if n in (0, 29):
            with django_assert_max_num_queries(6):
                assert client.get(reader_url(document)).status_code == 200


def test_suggestion_queries_do_not_grow_with_the_codebook(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.bob)
    url = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    for round_ in range(2):
        for n in range(15):
            make_actor(cast.project, f"Actor {round_}-{n}", aliases=[f"A{round_}{n}"])
        with django_assert_max_num_queries(5):
            assert client.get(url, {"actor": "actor"}).status_code == 200

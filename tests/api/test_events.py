"""GET /api/projects/<id>/events/: each change to an annotation, and each imported
document, as a Server-Sent Event with an id; Last-Event-ID resumes; annotation events
reach only whom Annotation.objects.visible_to lets see the annotation. Read here through
the test client (the stream's WSGI form); tests/live/ runs it on ASGI servers."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from annotate.api.events import KEEPALIVE
from annotate.models import AnnotationQuerySet
from annotate.services.annotations import create_annotation, update_annotation
from annotate.services.trash import restore_annotation, trash_annotation
from corpus import events
from corpus.models import Event, Project, Role
from tests.factories import add_member, make_user

STREAM = "text/event-stream"

# A stream that ends closes its request's database connection, as a request does; so
# these tests run outside a transaction, where that connection is simply opened again.
pytestmark = pytest.mark.django_db(transaction=True)


def url(project) -> str:
    return f"/api/projects/{project.pk}/events/"


def read(response) -> list[dict]:
    """The events a stream sends before it falls quiet (its first keepalive)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith(STREAM)
    found = []
    for chunk in response.streaming_content:
        text = chunk.decode()
        if text == KEEPALIVE:
            break
        if text.startswith("id: "):
            lines = dict(line.split(": ", 1) for line in text.strip().split("\n"))
            found.append(
                {"id": int(lines["id"]), "event": lines["event"], "data": json.loads(lines["data"])}
            )
    response.close()
    return found


def stream(client, project, last_event_id: int | None = 0):
    headers = {"Accept": STREAM}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    return client.get(url(project), headers=headers)


@pytest.fixture
def life(cast, document, committed):
    """bob annotates, retags, trashes and restores one passage."""
    annotation = committed(
        lambda: create_annotation(document=document, start=0, end=3, created_by=cast.bob)
    )
    committed(lambda: update_annotation(annotation=annotation, updated_by=cast.bob, note="Revised"))
    committed(lambda: trash_annotation(annotation=annotation, trashed_by=cast.bob))
    committed(lambda: restore_annotation(annotation=annotation, restored_by=cast.alice))
    return annotation


def test_an_annotations_life_arrives_as_four_events_with_its_api_representation(api, cast, life):
    found = read(stream(api("carol"), cast.project))

    assert [event["event"] for event in found] == [
        "annotation.created",
        "annotation.updated",
        "annotation.trashed",
        "annotation.restored",
    ]
    ids = [event["id"] for event in found]
    assert ids == sorted(set(ids))
    assert [event["data"]["version"] for event in found] == [1, 2, 3, 4]
    assert found[1]["data"]["note"] == "Revised"
    assert found[-1]["data"] == api("carol").get(f"/api/annotations/{life.pk}/").json()


def test_last_event_id_resumes_after_that_event_without_gaps_or_repeats(api, cast, life):
    every = read(stream(api("bob"), cast.project))

    resumed = read(stream(api("bob"), cast.project, last_event_id=every[1]["id"]))

    assert resumed == every[2:]
    assert read(stream(api("bob"), cast.project, last_event_id=every[-1]["id"])) == []


def test_a_stream_without_last_event_id_starts_with_what_comes_next(api, cast, life):
    assert read(stream(api("bob"), cast.project, last_event_id=None)) == []


def test_an_import_sends_one_document_imported_event_per_document(api, cast, committed):
    files = [
        SimpleUploadedFile("a.txt", b"First text on Hokkaido."),
        SimpleUploadedFile("b.txt", b"Second text on Hokkaido."),
    ]
    committed(
        lambda: api("bob").post(
            "/api/documents/import/",
            {"project": cast.project.pk, "files": files},
            format="multipart",
        )
    )

    found = read(stream(api("carol"), cast.project))

    assert [event["event"] for event in found] == ["document.imported"] * 2
    assert [event["data"]["title"] for event in found] == ["a", "b"]
    assert {event["data"]["project"] for event in found} == {cast.project.pk}


def test_a_session_reads_the_stream_as_the_reader_page_does(client, cast, life):
    client.force_login(cast.carol)
    assert len(read(stream(client, cast.project))) == 4


def test_strangers_get_404_and_other_projects_events_never_mix_in(api, cast, life):
    response = stream(api("mallory"), cast.project)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert read(stream(api("mallory"), cast.other)) == []
    assert stream(api("bob"), cast.other).status_code == 404
    assert api("bob").get("/api/projects/x/events/", HTTP_ACCEPT=STREAM).status_code == 404


def test_refusals_are_clear_json(api, cast):
    no_one = stream(api(None), cast.project)
    assert no_one.status_code == 401
    assert no_one.json()["detail"]
    wrong = api("bob").get(url(cast.project), HTTP_ACCEPT="application/json")
    assert wrong.status_code == 406
    assert "text/event-stream" in wrong.json()["detail"]
    bad_id = api("bob").get(url(cast.project), HTTP_ACCEPT=STREAM, HTTP_LAST_EVENT_ID="²")
    assert bad_id.status_code == 400
    assert "Last-Event-ID" in bad_id.json()["detail"]
    assert api("bob").post(url(cast.project), HTTP_ACCEPT=STREAM).status_code == 405
    bad_token = api(None).get(
        url(cast.project), HTTP_ACCEPT=STREAM, HTTP_AUTHORIZATION="Token nonsense"
    )
    assert bad_token.status_code == 401


def test_annotation_events_obey_visible_to(api, cast, document, committed, monkeypatch):
    """Whatever rule Annotation.objects.visible_to holds (here: each sees only their own
    annotations, as an independent coder does), the stream holds the same."""
    original = AnnotationQuerySet.visible_to

    def own_only(self, user):
        return original(self, user).filter(created_by=user)

    monkeypatch.setattr(AnnotationQuerySet, "visible_to", own_only)
    for author in (cast.bob, cast.alice):
        committed(
            lambda author=author: create_annotation(
                document=document, start=0, end=3, created_by=author
            )
        )

    seen_by_bob = read(stream(api("bob"), cast.project))
    seen_by_carol = read(stream(api("carol"), cast.project))

    assert [event["data"]["created_by"] for event in seen_by_bob] == ["bob"]
    assert seen_by_carol == []


def test_events_older_than_the_kept_time_are_pruned(cast, life, settings):
    settings.EVENTS_KEEP_MINUTES = 60
    Event.objects.filter(kind="annotation.created").update(
        created_at=timezone.now() - timedelta(minutes=61)
    )

    assert events.prune() == 1
    assert Event.objects.count() == 3


def test_a_stream_waits_out_a_database_that_went_away(cast, monkeypatch):
    from django.db import OperationalError

    from annotate.api import events as stream

    def gone(*args):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(stream, "_next", gone)

    assert stream._read(cast.bob, cast.project.pk, 41) == (41, [stream.WAITING])


def test_an_independent_coders_stream_carries_only_their_own_annotations(
    api, cast, document, committed
):
    dave = make_user("dave")
    add_member(cast.project, dave, Role.ANNOTATOR)
    cast.dave = dave
    Project.objects.filter(pk=cast.project.pk).update(independent_coding=True)
    for author in (cast.bob, dave, cast.alice):
        committed(
            lambda author=author: create_annotation(
                document=document, start=0, end=3, created_by=author
            )
        )

    def authors(username):
        return [event["data"]["created_by"] for event in read(stream(api(username), cast.project))]

    assert authors("bob") == ["bob"]
    assert authors("dave") == ["dave"]
    assert authors("alice") == ["bob", "dave", "alice"]  # the owner sees everyone's


def test_a_refused_or_undone_change_sends_no_event(api, cast, document, life):
    before = read(stream(api("bob"), cast.project))
    stale = api("bob").patch(
        f"/api/annotations/{life.pk}/",
        {"note": "Too late"},
        format="json",
        HTTP_IF_MATCH=f'"{life.pk}-1"',
    )
    assert stale.status_code == 412
    bad = api("bob").post(
        "/api/annotations/", {"document": document.pk, "start": 5, "end": 2}, format="json"
    )
    assert bad.status_code == 400
    assert api("carol").delete(f"/api/annotations/{life.pk}/").status_code == 403
    with pytest.raises(RuntimeError), transaction.atomic():
        create_annotation(document=document, start=0, end=3, created_by=cast.bob)
        raise RuntimeError("the caller's transaction fails after the create")

    assert read(stream(api("bob"), cast.project)) == before


def test_accepting_an_annotation_sends_the_final_annotations_creation(api, cast, document, curator):
    source = create_annotation(document=document, start=0, end=3, created_by=cast.bob)
    accepted = api("cora").post(f"/api/annotations/{source.pk}/accept/")
    assert accepted.status_code == 201

    found = read(stream(api("alice"), cast.project))

    assert [event["event"] for event in found] == ["annotation.created"] * 2
    assert found[-1]["data"] == accepted.json()
    assert found[-1]["data"]["curated_from"] == source.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_events_of_concurrent_writers_are_read_in_id_order_without_gaps(cast, document):
    """Writers on several connections create at once while a reader keeps reading what
    is new after the last id it saw, as a stream does: what it reads, in order, is every
    event exactly once."""
    writers, each = 4, 25
    done = threading.Event()

    def write(author_index: int) -> None:
        try:
            for i in range(each):
                with transaction.atomic():
                    create_annotation(
                        document=document, start=i % 5, end=i % 5 + 3, created_by=cast.bob
                    )
                    # Some writers keep their transaction open a moment after the event.
                    if author_index % 2:
                        time.sleep(0.002)
        finally:
            connection.close()

    seen: list[int] = []

    def follow() -> None:
        last = 0
        try:
            while True:
                finished = done.is_set()
                found = events.after(cast.project.pk, last)
                seen.extend(event.pk for event in found)
                last = found[-1].pk if found else last
                if finished and not found:
                    return
        finally:
            connection.close()

    reader = threading.Thread(target=follow)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()

    every = list(Event.objects.filter(project=cast.project).values_list("pk", flat=True))
    assert len(every) == writers * each
    assert seen == every == sorted(every)

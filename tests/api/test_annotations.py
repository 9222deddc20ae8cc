"""Annotations over the API: the service's rules, ETags, the trash, bulk and paging."""

import threading

import pytest
from django.db import connection

from annotate.models import Annotation
from tests.factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

FIELDS = {
    "id",
    "document",
    "start",
    "end",
    "quote",
    "actor",
    "claim",
    "stance",
    "note",
    "created_by",
    "created_at",
    "updated_at",
    "version",
    "final",
    "curated_from",
}


def post(client, body):
    return client.post("/api/annotations/", body, format="json")


def test_an_annotation_has_exactly_the_documented_fields(api, annotation):
    assert set(api("carol").get(f"/api/annotations/{annotation.pk}/").json()) == FIELDS


def test_creating_answers_201_with_location_and_etag(api, cast, document):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    response = post(
        api("bob"),
        {
            "document": document.pk,
            "start": 15,
            "end": 25,
            "quote": "Shinzo Abe",
            "actor": actor.pk,
            "claim": claim.pk,
            "stance": "support",
            "note": "a note",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver/api/annotations/{body['id']}/"
    assert response["ETag"] == f'"{body["id"]}-1"'
    assert body["quote"] == "Shinzo Abe"
    assert body["created_by"] == "bob"
    assert Annotation.objects.get(pk=body["id"]).stance == "support"


def test_a_create_reads_the_document_actor_and_claim_in_one_query(
    api, cast, document, django_assert_max_num_queries
):
    client = api("bob")
    body = {
        "document": document.pk,
        "start": 0,
        "end": 5,
        "actor": make_actor(cast.project).pk,
        "claim": make_claim(cast.project).pk,
        "stance": "oppose",
    }
    # The token, the references with bob's role, then the write. Saving on SQLite
    # takes two inserts and a savepoint's worth more; PostgreSQL writes in one statement.
    with django_assert_max_num_queries(3 if connection.vendor == "postgresql" else 7) as queries:
        assert post(client, body).status_code == 201
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 2, reads


def test_a_new_annotation_and_its_first_history_record_agree(api, cast, document):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    body = {"document": document.pk, "start": 15, "end": 25, "actor": actor.pk}
    created = post(api("bob"), {**body, "claim": claim.pk, "stance": "neutral", "note": "n"})
    annotation = Annotation.objects.get(pk=created.json()["id"])
    (record,) = annotation.history.all()
    assert (record.history_type, record.history_change_reason) == ("+", "created")
    assert record.history_user == cast.bob
    for name in ("document_id", "start", "end", "quote", "actor_id", "claim_id", "stance"):
        assert getattr(record, name) == getattr(annotation, name), name
    assert (record.note, record.version, record.created_by) == ("n", 1, cast.bob)
    assert record.created_at == annotation.created_at
    assert created.json()["created_at"] == annotation.created_at.isoformat().replace("+00:00", "Z")


def test_offsets_count_code_points_not_utf16_units(api, cast):
    document = make_document(cast.project, text="Abe 🇯🇵 and Putin 普京 met.")
    response = post(api("bob"), {"document": document.pk, "start": 17, "end": 19, "quote": "普京"})
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"start": 0, "end": 9999}, "end", "end 9999 is past the end of the document"),
        ({"start": 9999, "end": 10000}, "start", "start 9999 is outside the document"),
        ({"start": 10, "end": 10}, "end", "end (10) must be greater than start (10)"),
        ({"start": 12, "end": 4}, "end", "must be greater than start"),
        ({"start": -1, "end": 4}, "start", "start cannot be negative"),
        ({"start": 0, "end": 5, "quote": "Queen"}, "quote", "The quote does not match"),
        ({"start": 0, "end": 5, "stance": "maybe"}, "stance", "“maybe” is not a stance"),
        ({"start": "zero", "end": 5}, "start", "A valid integer is required."),
        ({"start": 0}, "end", "This field is required."),
        ({"start": 0, "end": 5, "actor": "Abe"}, "actor", "Give the actor's id as a whole number."),
        ({"start": 0, "end": 5, "claim": 999999}, "claim", "There is no claim with id 999999"),
    ],
)
def test_bad_input_gets_400_naming_the_field_and_saves_nothing(api, document, body, field, message):
    response = post(api("bob"), {"document": document.pk, **body})
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Annotation.objects.exists()


def test_an_actor_or_claim_of_another_project_is_refused(api, cast, document):
    other_actor = make_actor(cast.other)
    other_claim = make_claim(cast.other)
    # Bob cannot see the other project: its entries do not exist for him.
    response = post(
        api("bob"),
        {
            "document": document.pk,
            "start": 0,
            "end": 5,
            "actor": other_actor.pk,
            "claim": other_claim.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["actor"] == [
        f"There is no actor with id {other_actor.pk} in your projects."
    ]
    # Someone in both projects is told the entry belongs to another codebook.
    from corpus.models import Role
    from tests.factories import add_member

    add_member(cast.other, cast.bob, Role.ANNOTATOR)
    response = post(
        api("bob"),
        {
            "document": document.pk,
            "start": 0,
            "end": 5,
            "actor": other_actor.pk,
            "claim": other_claim.pk,
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "actor": ["This actor belongs to another project's codebook."],
        "claim": ["This claim belongs to another project's codebook."],
    }


def test_malformed_json_is_a_clear_400(api, document):
    response = api("bob").post(
        "/api/annotations/", b'{"document": 1,', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_body_over_the_limit_gets_413_as_json(api, document, settings):
    settings.API_MAX_BODY_SIZE = 1000
    response = post(api("bob"), {"document": document.pk, "start": 0, "end": 5, "note": "x" * 2000})
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert not Annotation.objects.exists()


def test_throttled_clients_get_429_with_retry_after(api, annotation, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = api("bob")
    statuses = [client.get("/api/annotations/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/annotations/")
    assert "Request was throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_patch_with_the_current_etag_updates_and_bumps_the_version(api, annotation):
    client = api("bob")
    etag = client.get(f"/api/annotations/{annotation.pk}/")["ETag"]
    response = client.patch(
        f"/api/annotations/{annotation.pk}/",
        {"stance": "oppose"},
        format="json",
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response["ETag"] == f'"{annotation.pk}-2"'


def test_changing_and_trashing_read_no_uploads_and_no_role_apart(api, annotation):
    from django.test.utils import CaptureQueriesContext

    client = api("bob")
    client.get(f"/api/annotations/{annotation.pk}/")  # authenticates once beforehand
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.patch(
                f"/api/annotations/{annotation.pk}/", {"note": "n"}, format="json"
            ).status_code
            == 200
        )
        assert client.delete(f"/api/annotations/{annotation.pk}/").status_code == 204
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if '"original"' in q], "an upload was read"
    assert not [q for q in sql if 'FROM "corpus_membership"' in q], "the role was read apart"


def test_patch_with_a_stale_etag_gets_412_and_changes_nothing(api, annotation):
    client = api("bob")
    stale = client.get(f"/api/annotations/{annotation.pk}/")["ETag"]
    api("alice").patch(
        f"/api/annotations/{annotation.pk}/", {"note": "alice was first"}, format="json"
    )
    response = client.patch(
        f"/api/annotations/{annotation.pk}/",
        {"stance": "oppose"},
        format="json",
        headers={"If-Match": stale},
    )
    assert response.status_code == 412
    assert "changed by someone else" in response.json()["detail"]
    assert response["ETag"] == f'"{annotation.pk}-2"'
    annotation.refresh_from_db()
    assert (annotation.stance, annotation.note, annotation.version) == (None, "alice was first", 2)


def test_delete_with_a_stale_etag_gets_412_and_keeps_the_annotation(api, annotation):
    api("alice").patch(f"/api/annotations/{annotation.pk}/", {"note": "changed"}, format="json")
    response = api("bob").delete(
        f"/api/annotations/{annotation.pk}/", headers={"If-Match": f'"{annotation.pk}-1"'}
    )
    assert response.status_code == 412
    annotation.refresh_from_db()
    assert annotation.deleted_at is None


def test_an_etag_of_another_annotation_never_matches(api, annotation, document):
    other = make_annotation(document, start=6, end=14)
    response = api("bob").patch(
        f"/api/annotations/{annotation.pk}/",
        {"stance": "oppose"},
        format="json",
        headers={"If-Match": f'"{other.pk}-1"'},
    )
    assert response.status_code == 412


def test_the_document_of_an_annotation_cannot_change(api, cast, annotation):
    elsewhere = make_document(cast.project)
    response = api("bob").patch(
        f"/api/annotations/{annotation.pk}/", {"document": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"document": ["This field cannot be changed."]}


def test_moving_a_passage_checks_the_new_offsets(api, annotation):
    response = api("bob").patch(
        f"/api/annotations/{annotation.pk}/", {"start": 6, "end": 14}, format="json"
    )
    assert response.json()["quote"] == "Minister"
    response = api("bob").patch(
        f"/api/annotations/{annotation.pk}/", {"end": 100000}, format="json"
    )
    assert response.status_code == 400
    assert "past the end of the document" in response.json()["end"][0]


def test_delete_moves_to_the_trash_and_restore_brings_it_back(api, annotation):
    client = api("bob")
    response = client.delete(f"/api/annotations/{annotation.pk}/")
    assert response.status_code == 204
    assert response["ETag"] == f'"{annotation.pk}-2"'
    assert client.get("/api/annotations/").json()["results"] == []
    assert client.get(f"/api/annotations/{annotation.pk}/").status_code == 404
    assert Annotation.objects.get(pk=annotation.pk).deleted_by == annotation.created_by
    response = client.post(f"/api/annotations/{annotation.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["version"] == 3
    assert [a["id"] for a in client.get("/api/annotations/").json()["results"]] == [annotation.pk]


def test_changes_are_kept_in_the_history_with_who_made_them(api, cast, annotation):
    api("alice").patch(f"/api/annotations/{annotation.pk}/", {"stance": "neutral"}, format="json")
    api("alice").delete(f"/api/annotations/{annotation.pk}/")
    records = list(annotation.history.order_by("history_id"))
    assert [r.history_change_reason for r in records] == ["created", "updated", "trashed"]
    assert records[-1].history_user == cast.alice


# Bulk ------------------------------------------------------------------------------------


def test_bulk_creates_every_item_in_one_request(api, cast, document):
    actor = make_actor(cast.project)
    items = [
        {"document": document.pk, "start": i, "end": i + 5, "actor": actor.pk, "stance": "support"}
        for i in range(50)
    ]
    response = api("bob").post("/api/annotations/bulk/", items, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["count"] == 50
    assert [a["start"] for a in body["annotations"]] == list(range(50))
    assert all(a["created_by"] == "bob" and a["id"] for a in body["annotations"])
    assert Annotation.objects.count() == 50


def test_bulk_is_all_or_nothing_and_names_every_bad_item_by_index(api, document):
    items = [
        {"document": document.pk, "start": 0, "end": 5},
        {"document": document.pk, "start": 5, "end": 2},
        {"document": document.pk, "start": 0, "end": 5, "stance": "yes"},
        "not an object",
        {"document": 999999, "start": 0, "end": 5},
        {"document": document.pk, "start": 0, "end": 5, "quote": "Queen"},
        {"document": document.pk, "start": 0, "end": 5, "colour": "red"},
    ]
    response = api("bob").post("/api/annotations/bulk/", items, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1", "2", "3", "4", "5", "6"}
    assert "must be greater than start" in errors["1"]["end"][0]
    assert "“yes” is not a stance" in errors["2"]["stance"][0]
    assert errors["3"] == {"non_field_errors": ["Each item must be a JSON object."]}
    assert errors["4"] == {"document": ["There is no document with id 999999 in your projects."]}
    assert "The quote does not match" in errors["5"]["quote"][0]
    assert "Unknown field" in errors["6"]["colour"][0]
    assert not Annotation.objects.exists()


def test_bulk_refuses_more_than_ten_thousand_items(api, document):
    items = [{"document": document.pk, "start": 0, "end": 1}] * 10_001
    response = api("bob").post("/api/annotations/bulk/", items, format="json")
    assert response.status_code == 400
    assert "At most 10,000 annotations per request" in response.json()["non_field_errors"][0]


def test_bulk_needs_a_list(api, document):
    response = api("bob").post("/api/annotations/bulk/", {"document": document.pk}, format="json")
    assert response.json() == {"non_field_errors": ["Send a JSON list of annotations."]}


# Filters and paging ----------------------------------------------------------------------


def test_filters_narrow_the_list(api, cast, document):
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    complete = make_annotation(
        document, start=0, end=5, actor=actor, claim=claim, stance="oppose", created_by=cast.alice
    )
    partial = make_annotation(document, start=6, end=14, actor=actor, created_by=cast.bob)
    other_doc = make_annotation(make_document(cast.project), start=0, end=5, stance="support")
    client = api("carol")

    def ids(query):
        response = client.get(f"/api/annotations/?{query}")
        assert response.status_code == 200, response.json()
        return {a["id"] for a in response.json()["results"]}

    assert ids(f"document={document.pk}") == {complete.pk, partial.pk}
    assert ids(f"project={cast.project.pk}") == {complete.pk, partial.pk, other_doc.pk}
    assert ids(f"actor={actor.pk}") == {complete.pk, partial.pk}
    assert ids(f"claim={claim.pk}") == {complete.pk}
    assert ids("stance=support") == {other_doc.pk}
    assert ids("created_by=bob") == {partial.pk}
    assert ids("complete=true") == {complete.pk}
    assert ids("complete=false") == {partial.pk, other_doc.pk}
    assert ids("updated_after=2999-01-01T00:00:00Z") == set()
    assert ids("updated_after=2000-01-01T00:00:00Z") == {complete.pk, partial.pk, other_doc.pk}


def test_a_bad_filter_value_is_a_400_naming_it(api):
    response = api("carol").get("/api/annotations/?stance=maybe&updated_after=yesterday")
    assert response.status_code == 400
    assert set(response.json()) == {"stance", "updated_after"}


def walk(client, url, after_first_page):
    """Every id of every page, following ``next``; someone writes after the first page."""
    seen: list[int] = []
    first = True
    while url:
        body = client.get(url).json()
        seen.extend(a["id"] for a in body["results"])
        url = body["next"]
        if first:
            after_first_page()
            first = False
    return seen


def test_walking_the_pages_while_others_write_sees_every_row_once(api, document):
    existing = [make_annotation(document, start=i, end=i + 1).pk for i in range(25)]
    added: list[int] = []

    def others_write():
        added.extend(make_annotation(document, start=0, end=i + 2).pk for i in range(5))

    seen = walk(api("carol"), "/api/annotations/?page_size=10", others_write)
    assert seen == sorted(existing + added)


def test_pages_link_back_with_previous(api, document):
    for i in range(5):
        make_annotation(document, start=i, end=i + 1)
    client = api("carol")
    first = client.get("/api/annotations/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_are_paged_without_gaps(api, document):
    existing = [make_annotation(document, start=i, end=i + 1).pk for i in range(30)]
    added: list[int] = []
    threads: list[threading.Thread] = []

    def writer():
        added.extend(make_annotation(document, start=0, end=i + 2).pk for i in range(10))
        connection.close()

    def others_write():
        threads.append(threading.Thread(target=writer))
        threads[0].start()

    seen = walk(api("carol"), "/api/annotations/?page_size=7", others_write)
    threads[0].join()
    assert len(seen) == len(set(seen))
    assert set(existing) <= set(seen) <= set(existing + added)
    assert seen == sorted(seen)

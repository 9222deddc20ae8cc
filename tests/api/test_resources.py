"""Projects, members, documents and the codebook over the API."""

import datetime

import pytest

from annotate.models import Actor, Annotation, Claim
from corpus.models import Document, Membership, Role
from tests.factories import make_actor, make_claim, make_document, make_user

pytestmark = pytest.mark.django_db


def test_anyone_signed_in_can_create_a_project_and_owns_it(api, cast):
    response = api("mallory").post("/api/projects/", {"name": "Mallory's study"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "owner"
    assert response["Location"].endswith(f"/api/projects/{body['id']}/")
    assert Membership.objects.get(project=body["id"]).user == cast.mallory


def test_a_project_needs_a_name(api):
    response = api("bob").post("/api/projects/", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_each_member_sees_their_own_role(api, cast):
    roles = {
        u: api(u).get(f"/api/projects/{cast.project.pk}/").json()["role"]
        for u in ("alice", "bob", "carol")
    }
    assert roles == {"alice": "owner", "bob": "annotator", "carol": "viewer"}


def test_owner_adds_changes_and_removes_a_member(api, cast):
    make_user("dave")
    client = api("alice")
    url = f"/api/projects/{cast.project.pk}/members/"
    response = client.post(url, {"username": "dave", "role": "annotator"}, format="json")
    assert response.status_code == 201
    assert response["Location"].endswith(f"{url}dave/")
    assert client.patch(f"{url}dave/", {"role": "viewer"}, format="json").json()["role"] == "viewer"
    assert client.delete(f"{url}dave/").status_code == 204
    assert not Membership.objects.filter(user__username="dave").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"username": "nobody", "role": "viewer"}, "username", "There is no user named “nobody”."),
        ({"username": "bob", "role": "viewer"}, "username", "bob is already a member"),
        ({"username": "bob", "role": "king"}, "role", '"king" is not a valid choice.'),
    ],
)
def test_adding_a_member_explains_what_is_wrong(api, cast, body, field, message):
    response = api("alice").post(f"/api/projects/{cast.project.pk}/members/", body, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_a_project_keeps_at_least_one_owner(api, cast):
    url = f"/api/projects/{cast.project.pk}/members/alice/"
    response = api("alice").patch(url, {"role": "viewer"}, format="json")
    assert response.status_code == 400
    assert "only owner" in response.json()["role"][0]
    response = api("alice").delete(url)
    assert response.status_code == 400
    assert "only owner and cannot be removed" in response.json()["non_field_errors"][0]
    assert Membership.objects.get(user=cast.alice).role == Role.OWNER


# Documents -------------------------------------------------------------------------------


def test_the_document_list_leaves_out_the_text_and_the_detail_has_it(api, document):
    client = api("carol")
    listed = client.get("/api/documents/").json()["results"][0]
    assert "text" not in listed
    assert listed["title"] == "Abe and Putin"
    assert client.get(f"/api/documents/{document.pk}/").json()["text"] == document.text


def test_documents_filter_by_source_dates_and_full_text(api, cast):
    kyodo = make_document(
        cast.project,
        title="Islands talks",
        source_name="Kyodo",
        published_at=datetime.date(2015, 6, 1),
        text="Abe and Putin discuss the Kuril islands.",
    )
    make_document(
        cast.project,
        title="Sanctions",
        source_name="Nikkei",
        published_at=datetime.date(2014, 3, 10),
        text="The sanctions hurt trade with Moscow.",
    )
    client = api("carol")

    def titles(query):
        response = client.get(f"/api/documents/?{query}")
        assert response.status_code == 200, response.json()
        return {d["title"] for d in response.json()["results"]}

    assert titles("source_name=Kyodo") == {"Islands talks"}
    assert titles("published_after=2015-01-01") == {"Islands talks"}
    assert titles("published_before=2015-01-01") == {"Sanctions"}
    assert titles("search=islands") == {"Islands talks"}
    assert titles(f"project={cast.project.pk}&search=sanctions") == {"Sanctions"}
    assert kyodo.pk in {d["id"] for d in client.get("/api/documents/").json()["results"]}


def test_creating_a_document_normalises_its_text(api, cast):
    response = api("bob").post(
        "/api/documents/",
        {
            "project": cast.project.pk,
            "title": "Op-ed",
            "text": "Line one\r\nLine two",
            "source_url": "https://example.org/op-ed",
            "published_at": "2016-05-06T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "Line one\nLine two"
    assert response["Location"].endswith(f"/api/documents/{response.json()['id']}/")


def test_a_duplicate_document_is_a_400_naming_the_existing_one(api, cast, document):
    response = api("bob").post(
        "/api/documents/",
        {"project": cast.project.pk, "title": "Again", "text": document.text},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["text"] == [
        f"This text is already in the project as “Abe and Putin” (document {document.pk})."
    ]


def test_bad_document_metadata_is_refused_field_by_field(api, cast):
    response = api("bob").post(
        "/api/documents/",
        {"project": cast.project.pk, "title": "", "text": "Some text", "source_url": "nope"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "title": ["A document needs a title."],
        "source_url": ["Enter a full http(s) URL."],
    }


def test_a_valid_url_longer_than_its_column_is_refused_not_a_crash(api, cast):
    url = "https://example.org/" + "a" * 2010  # valid, but over 2,000 characters
    response = api("bob").post(
        "/api/documents/",
        {"project": cast.project.pk, "title": "Long", "text": "Some text", "source_url": url},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"source_url": ["At most 2000 characters."]}
    assert not cast.project.documents.exists()


def test_patch_changes_metadata_but_never_the_text(api, document):
    client = api("bob")
    response = client.patch(
        f"/api/documents/{document.pk}/",
        {"title": "Renamed", "metadata": {"desk": "Tokyo"}},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["metadata"]) == ("Renamed", {"desk": "Tokyo"})
    response = client.patch(f"/api/documents/{document.pk}/", {"text": "New text"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"text": ["This field cannot be changed here; only metadata can."]}
    document.refresh_from_db()
    assert document.text.startswith("Prime Minister")


def test_owner_deletes_a_document_with_its_annotations(api, document, annotation):
    assert api("alice").delete(f"/api/documents/{document.pk}/").status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Annotation.objects.exists()


# The codebook ----------------------------------------------------------------------------


def test_actors_are_created_and_found_by_name_alias_and_kind(api, cast):
    client = api("bob")
    response = client.post(
        "/api/actors/",
        {
            "project": cast.project.pk,
            "name": "Sergey Naryshkin",
            "kind": "person",
            "aliases": ["Naryshkin", "Нарышкин"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response["Location"].endswith(f"/api/actors/{response.json()['id']}/")
    make_actor(cast.project, "State Duma", kind="organisation")

    def names(query):
        return {a["name"] for a in client.get(f"/api/actors/?{query}").json()["results"]}

    assert names("search=naryshkin") == {"Sergey Naryshkin"}
    assert names("search=Нарышкин") == {"Sergey Naryshkin"}
    assert names("kind=organisation") == {"State Duma"}
    assert names(f"project={cast.other.pk}") == set()


def test_actor_names_are_unique_in_a_project(api, cast):
    make_actor(cast.project, "Shinzo Abe")
    response = api("bob").post(
        "/api/actors/", {"project": cast.project.pk, "name": "shinzo abe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["The codebook already has an actor named “shinzo abe”."]}


def test_an_affiliation_must_be_in_the_same_project(api, cast):
    from corpus.models import Role
    from tests.factories import add_member

    add_member(cast.other, cast.bob, Role.ANNOTATOR)
    outsider = make_actor(cast.other, "Elsewhere Inc")
    actor = make_actor(cast.project, "Naryshkin")
    response = api("bob").patch(
        f"/api/actors/{actor.pk}/", {"affiliation": outsider.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"affiliation": ["The affiliation belongs to another project."]}


def test_the_project_of_a_codebook_entry_cannot_change(api, cast):
    actor = make_actor(cast.project)
    from corpus.models import Role
    from tests.factories import add_member

    add_member(cast.other, cast.bob, Role.ANNOTATOR)
    response = api("bob").patch(
        f"/api/actors/{actor.pk}/", {"project": cast.other.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"project": ["This field cannot be changed."]}
    assert Actor.objects.get(pk=actor.pk).project == cast.project


def test_claims_are_created_and_filtered_by_search_and_parent(api, cast):
    parent = make_claim(cast.project, "Sanctions")
    client = api("bob")
    response = client.post(
        "/api/claims/",
        {
            "project": cast.project.pk,
            "label": "Japan should lift sanctions",
            "parent": parent.pk,
            "colour": "#1a56a7",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    make_claim(cast.project, "A Russia–China axis threatens Japan", description="security")

    def labels(query):
        return {c["label"] for c in client.get(f"/api/claims/?{query}").json()["results"]}

    assert labels(f"parent={parent.pk}") == {"Japan should lift sanctions"}
    assert labels("search=SECURITY") == {"A Russia–China axis threatens Japan"}


def test_a_bad_colour_is_explained(api, cast):
    claim = make_claim(cast.project)
    response = api("bob").patch(f"/api/claims/{claim.pk}/", {"colour": "red"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"colour": ["Give a colour as #rrggbb, for example #1a56a7."]}
    assert Claim.objects.get(pk=claim.pk).colour == ""

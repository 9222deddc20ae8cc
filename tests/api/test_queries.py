"""Every list costs the same few queries however many rows it holds."""

import pytest

from tests.factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/projects/",
    "/api/projects/{project}/members/",
    "/api/documents/",
    "/api/documents/?project={project}&search=document",
    "/api/actors/",
    "/api/claims/",
    "/api/annotations/",
    "/api/annotations/?project={project}&complete=false",
    "/api/annotations/?project={project}&final=false",
]


def grow(cast, n):
    from corpus.models import Role
    from tests.factories import add_member, make_project, make_user

    for i in range(n):
        project = make_project()
        add_member(project, cast.carol, Role.VIEWER)
        add_member(cast.project, make_user(), Role.VIEWER)
        document = make_document(cast.project)
        actor = make_actor(cast.project)
        claim = make_claim(cast.project)
        for start in range(3):
            make_annotation(
                document,
                start=start,
                end=start + 4,
                actor=actor,
                claim=claim,
                created_by=cast.bob if i % 2 else cast.alice,
            )


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_queries_with_ten_or_forty_rows(
    api, cast, url, django_assert_max_num_queries
):
    url = url.format(project=cast.project.pk)
    client = api("carol")
    grow(cast, 3)
    with django_assert_max_num_queries(3):
        response = client.get(url)
    small = len(response.json()["results"])
    grow(cast, 12)
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert len(response.json()["results"]) > small


def test_a_documents_thousand_annotations_come_in_few_queries(
    api, cast, document, django_assert_max_num_queries
):
    from annotate.services.annotations import NewAnnotation, create_annotations

    create_annotations(
        items=[NewAnnotation(document=document, start=i % 50, end=i % 50 + 3) for i in range(1000)],
        created_by=cast.bob,
    )
    client = api("carol")
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/annotations/?document={document.pk}&page_size=1000")
    assert len(response.json()["results"]) == 1000


def test_the_export_streams_in_a_handful_of_queries(
    api, cast, document, django_assert_max_num_queries
):
    grow(cast, 5)
    client = api("carol")
    # The count, the rows, and one text per document for the quote selectors' context.
    with django_assert_max_num_queries(3 + 6):
        response = client.get(f"/api/annotations/export/?project={cast.project.pk}&format=jsonld")
        b"".join(response.streaming_content)


def test_an_annotators_list_in_independent_coding_costs_the_same_few_queries(
    api, cast, django_assert_max_num_queries
):
    cast.project.independent_coding = True
    cast.project.save()
    client = api("bob")
    grow(cast, 3)
    with django_assert_max_num_queries(3):
        small = len(client.get("/api/annotations/").json()["results"])
    grow(cast, 12)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/annotations/").json()["results"]) > small


def test_the_agreement_costs_the_same_queries_however_many_annotations(
    api, cast, django_assert_max_num_queries
):
    client = api("alice")
    url = f"/api/projects/{cast.project.pk}/agreement/?field=actor"
    grow(cast, 3)
    with django_assert_max_num_queries(8):
        small = client.get(url).json()["unitizing"]["units"]
    grow(cast, 12)
    with django_assert_max_num_queries(8):
        assert client.get(url).json()["unitizing"]["units"] > small


def test_the_curation_page_costs_the_same_queries_however_many_annotations(
    client, cast, curator, django_assert_max_num_queries
):
    from django.urls import reverse

    from tests.factories import add_member, make_user

    document = make_document(cast.project)
    client.force_login(curator)
    url = reverse("annotate:curation", args=[cast.project.slug, document.pk])

    def code(people):
        for person in people:
            add_member(cast.project, person)
            actor = make_actor(cast.project)
            for start in range(0, 40, 5):
                make_annotation(
                    document, start=start, end=start + 4, actor=actor, created_by=person
                )

    code([make_user(), make_user()])
    with django_assert_max_num_queries(6):
        client.get(url)
    code([make_user(), make_user(), make_user()])
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from corpus.models import Project
from tests.factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def detail_url(project: Project) -> str:
    return reverse("corpus:project-detail", kwargs={"project": project.slug})


def published(year: int, month: int = 1, day: int = 1):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


def test_project_list_shows_only_the_users_projects(client, cast):
    client.force_login(cast.carol)
    body = client.get(reverse("corpus:project-list")).content.decode()
    assert "Japan–Russia relations" in body and "Elsewhere" not in body


def test_project_list_queries_do_not_grow_with_projects(
    client, cast, django_assert_max_num_queries
):
    from tests.factories import add_member, make_project

    for _ in range(20):
        add_member(make_project(), cast.carol)
    client.force_login(cast.carol)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("corpus:project-list")).status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_members_see_the_documents_of_their_project(client, cast, who):
    make_document(cast.project, title="Abe plans Putin visit")
    client.force_login(getattr(cast, who))
    response = client.get(detail_url(cast.project))
    assert response.status_code == 200
    assert "Abe plans Putin visit" in response.content.decode()


def test_a_user_of_another_project_gets_404(client, cast):
    client.force_login(cast.mallory)
    assert client.get(detail_url(cast.project)).status_code == 404
    assert client.get(detail_url(cast.project), {"q": "Abe"}, headers=HX).status_code == 404


def test_the_list_counts_live_annotations_and_complete_statements(client, cast):
    document = make_document(cast.project, title="Counted")
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    make_annotation(document, start=0, end=5, actor=actor, claim=claim, stance="support")
    make_annotation(document, start=5, end=9, actor=actor)
    from annotate.services.trash import trash_annotation

    trashed = make_annotation(document, start=9, end=12, actor=actor, claim=claim, stance="oppose")
    trash_annotation(annotation=trashed, trashed_by=None)
    client.force_login(cast.bob)
    body = client.get(detail_url(cast.project)).content.decode()
    row = body[body.index("Counted") :]
    cells = row.split('<td class="num">')
    assert cells[1].startswith("2<") and cells[2].startswith("1<")


def test_search_filters_the_list_and_marks_the_words_in_snippets(client, cast):
    make_document(
        cast.project, title="Sanctions", text="Tokyo keeps the sanctions on Moscow in place."
    )
    make_document(cast.project, title="Islands", text="The Kuril islands dispute goes on.")
    client.force_login(cast.bob)
    response = client.get(detail_url(cast.project), {"q": "sanctions"}, headers=HX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="document-results"')
    assert "<html" not in body
    assert "Islands" not in body
    assert "<mark>sanctions</mark>" in body
    assert "HX-Request" in response["Vary"]
    full = client.get(detail_url(cast.project), {"q": "sanctions"})
    assert b"<html" in full.content and b'value="sanctions"' in full.content


def test_source_and_date_filters_narrow_the_list(client, cast):
    make_document(
        cast.project, title="Old Times", source_name="The Times", published_at=published(2014)
    )
    make_document(
        cast.project, title="New Times", source_name="The Times", published_at=published(2016)
    )
    make_document(
        cast.project, title="Sputnik piece", source_name="Sputnik", published_at=published(2016)
    )
    client.force_login(cast.bob)
    body = client.get(
        detail_url(cast.project), {"source": "The Times"}, headers=HX
    ).content.decode()
    assert "Old Times" in body and "New Times" in body and "Sputnik piece" not in body
    body = client.get(
        detail_url(cast.project),
        {"published_after": "2015-01-01", "published_before": "2016-12-31"},
        headers=HX,
    ).content.decode()
    assert "Old Times" not in body and "New Times" in body and "Sputnik piece" in body


def test_a_reversed_date_range_says_what_is_wrong(client, cast):
    make_document(cast.project, title="Anything", published_at=timezone.now())
    client.force_login(cast.bob)
    body = client.get(
        detail_url(cast.project),
        {"published_after": "2016-01-01", "published_before": "2015-01-01"},
        headers=HX,
    ).content.decode()
    assert "The end of the date range is before its beginning." in body
    assert "Anything" not in body


def test_the_list_is_paginated_and_pages_keep_the_filters(client, cast):
    for n in range(55):
        make_document(cast.project, title=f"Report {n:02d}", source_name="Wire")
    client.force_login(cast.bob)
    body = client.get(detail_url(cast.project), {"source": "Wire"}).content.decode()
    assert "Report 49" in body and "Report 50" not in body
    assert "source=Wire&amp;page=2" in body
    body = client.get(detail_url(cast.project), {"source": "Wire", "page": 2}).content.decode()
    assert "Report 50" in body and "Report 49" not in body and "Page 2 of 2" in body


def test_document_list_queries_do_not_grow_with_documents_or_annotations(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.bob)
    for round_ in range(2):
        for n in range(10):
            document = make_document(cast.project, title=f"Doc {round_}-{n}", source_name=f"S{n}")
            make_annotation(document, start=0, end=4)
            make_annotation(document, start=4, end=8)
        with django_assert_max_num_queries(8):
            assert client.get(detail_url(cast.project)).status_code == 200
        with django_assert_max_num_queries(8):
            response = client.get(detail_url(cast.project), {"q": "Naryshkin"}, headers=HX)
            assert response.status_code == 200

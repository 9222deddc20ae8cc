"""One rule for matching a typed name to an actor, wherever a name is typed: the
reader's form and its suggestions, the codebook page's search, the API's search and the
codebook's rule that one name stands for one actor."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotate.models import Annotation
from annotate.services import codebook as services

from ..factories import make_actor, make_document

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def shoigu(cast):
    return make_actor(cast.project, "Сергей Шойгу", aliases=["Shoigu", "Shinzō's counterpart"])


def test_a_name_in_another_case_finds_the_actor_in_the_form_the_suggestions_and_the_api(
    client, cast, shoigu
):
    # Cyrillic capitals: SQLite's own case folding stops at ASCII, the rule does not.
    document = make_document(cast.project, text="Шойгу said the exercises would go on.")
    client.force_login(cast.bob)
    create = reverse(
        "annotate:annotation-create",
        kwargs={"project": cast.project.slug, "document": document.pk},
    )
    response = client.post(
        create,
        {"start": 0, "end": 5, "quote": "Шойгу", "actor": "СЕРГЕЙ ШОЙГУ"},
        headers=HX,
    )
    assert response.status_code == 200, response.content.decode()
    assert Annotation.objects.get().actor == shoigu

    suggest = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    body = client.get(suggest, {"actor": "СЕРГЕЙ ШОЙГУ"}).content.decode()
    assert 'data-value="Сергей Шойгу"' in body and "new_actor" not in body

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.bob).key}")
    found = api.get("/api/actors/", {"search": "ШОЙГУ"}).json()["results"]
    assert [actor["name"] for actor in found] == ["Сергей Шойгу"]


def test_a_search_folds_accents_on_the_codebook_page_in_the_suggestions_and_the_api(
    client, cast, shoigu
):
    abe = make_actor(cast.project, "Shinzō Abe")
    client.force_login(cast.carol)
    page = reverse("annotate:actor-list", kwargs={"project": cast.project.slug})
    listed = client.get(page, {"q": "shinzo"}).context["entries"]
    suggest = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    body = client.get(suggest, {"actor": "shinzo"}).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.carol).key}")
    found = api.get("/api/actors/", {"search": "shinzo"}).json()["results"]

    # The actor named so, and the one with an alias that says so.
    assert {actor.name for actor in listed} == {abe.name, shoigu.name}
    assert 'data-value="Shinzō Abe"' in body
    assert "Сергей Шойгу (also “Shinzō&#x27;s counterpart”)" in body
    assert {actor["name"] for actor in found} == {abe.name, shoigu.name}


def test_accents_tell_two_names_apart_but_case_does_not(client, cast, shoigu):
    # "Shinzo Abe" may be another person than "Shinzō Abe": typing it offers to add it.
    make_actor(cast.project, "Shinzō Abe")
    client.force_login(cast.bob)
    suggest = reverse("annotate:suggest-actors", kwargs={"project": cast.project.slug})
    assert 'name="new_actor"' in client.get(suggest, {"actor": "Shinzo Abe"}).content.decode()
    assert 'name="new_actor"' not in client.get(suggest, {"actor": "SHINZŌ ABE"}).content.decode()
    services.create_actor(project=cast.project, created_by=cast.bob, name="Shinzo Abe")
    with pytest.raises(ValidationError, match="already an alias"):
        services.create_actor(project=cast.project, created_by=cast.bob, name="SHOIGU")

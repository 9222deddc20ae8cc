"""The API answers JSON in every case with the fitting status: bodies past Django's own
limits, too many files, a database that is down, and any error nobody foresaw."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.models import Annotation

pytestmark = pytest.mark.django_db


def quiet(client):
    """A test client that answers as a server would, instead of raising the error."""
    client.raise_request_exception = False
    return client


def test_a_json_body_past_djangos_upload_limit_answers_the_apis_413(api, cast, document, settings):
    body = b'[{"document": %d, "start": 0, "end": 5, "note": "' % document.pk
    body += b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024) + b'"}]'
    for client in (api("bob"), _session(cast.bob)):
        response = quiet(client).post(
            "/api/annotations/bulk/", body, content_type="application/json"
        )
        assert response.status_code == 413
        assert response["Content-Type"] == "application/json"
        assert "larger than the limit" in response.json()["detail"]
    assert not Annotation.objects.exists()


def _session(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_more_files_than_django_takes_answer_json_naming_the_limit(api, cast, settings):
    files = [
        SimpleUploadedFile(f"f{n}.txt", b"text", content_type="text/plain")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response = quiet(api("bob")).post(
        "/api/documents/import/", {"project": cast.project.pk, "files": files}, format="multipart"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files" in response.json()["detail"]


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails as when the database server is stopped."""

    def refuse():
        raise OperationalError("connection refused: the server is not running")

    def down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)

    return down


def test_with_the_database_down_the_api_answers_json_503(api, cast, database_down):
    clients = [quiet(api("bob")), quiet(_session(cast.bob))]
    database_down()
    for client in clients:
        response = client.get("/api/annotations/")
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert "database" in response.json()["detail"]
        assert response["Retry-After"]


def test_with_the_database_down_a_page_answers_a_plain_503(client, cast, database_down):
    client.force_login(cast.bob)
    quiet(client)
    database_down()
    response = client.get(reverse("corpus:project-detail", args=[cast.project.slug]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"try again" in response.content.lower()
    assert b"Traceback" not in response.content


def test_an_unforeseen_error_under_the_api_answers_json_500_and_is_logged(
    api, cast, monkeypatch, caplog
):
    from annotate.api.annotations import AnnotationViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(AnnotationViewSet, "list", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet(api("bob")).get("/api/annotations/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred; it has been logged."}
    assert "something nobody foresaw" in caplog.text


def test_a_page_error_still_answers_the_sites_own_500_page(cast, monkeypatch):
    from corpus.views import projects

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(projects, "render", broken)
    client = quiet(Client())
    client.force_login(cast.bob)
    response = client.get(reverse("corpus:project-list"))
    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")

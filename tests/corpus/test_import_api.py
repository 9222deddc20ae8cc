"""POST /api/documents/import/: the same pipeline and results as the page, as JSON."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corpus.models import Document
from tests.corpus.test_import import PNG, sample_files, uploads_of

URL = "/api/documents/import/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_import_endpoint_has_its_own_path_ahead_of_the_rest_of_the_api():
    assert reverse("api:document-import") == URL


def test_importing_files_answers_201_with_a_result_for_each_file(cast):
    response = api(cast.bob).post(
        URL,
        {
            "project": cast.project.pk,
            "files": [
                SimpleUploadedFile("a.txt", b"Abe flew to Sochi.\n"),
                SimpleUploadedFile("photo.txt", PNG),
            ],
        },
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["imported"], body["duplicates"], body["rejected"]) == (1, 0, 1)
    first, second = body["results"]
    document = Document.objects.get()
    assert first == {
        "filename": "a.txt",
        "status": "imported",
        "message": "Imported as “a”.",
        "encoding": "utf-8",
        "documents": [{"id": document.pk, "title": "a"}],
        "duplicates": [],
    }
    assert second["status"] == "rejected"
    assert second["message"] == "This is not a text file: it looks like a PNG image."


def test_importing_only_duplicates_answers_200_naming_the_documents_already_there(cast):
    api(cast.bob).post(URL, {"project": cast.project.pk, "files": uploads_of(sample_files())})
    response = api(cast.bob).post(
        URL, {"project": cast.project.pk, "files": uploads_of(sample_files())}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["imported"] == 0
    assert body["duplicates"] == 5
    assert {r["status"] for r in body["results"]} == {"duplicate"}
    assert all(r["duplicates"][0]["existing_document"] for r in body["results"])
    assert Document.objects.count() == 5


def test_when_every_file_is_rejected_the_answer_is_400_with_the_reasons(cast):
    response = api(cast.bob).post(
        URL, {"project": cast.project.pk, "files": [SimpleUploadedFile("e.txt", b"")]}
    )
    assert response.status_code == 400
    assert response.json()["results"][0]["message"] == "The file is empty."


def test_a_request_without_files_gets_field_by_field_errors(cast):
    response = api(cast.bob).post(URL, {"project": cast.project.pk}, format="multipart")
    assert response.status_code == 400
    assert "files" in response.json()
    response = api(cast.bob).post(URL, {"files": [SimpleUploadedFile("a.txt", b"x")]})
    assert response.status_code == 400
    assert "project" in response.json()


def test_viewers_are_refused_with_403_and_nothing_is_imported(cast):
    response = api(cast.carol).post(
        URL, {"project": cast.project.pk, "files": [SimpleUploadedFile("a.txt", b"Text.")]}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_another_projects_id_answers_404(cast):
    response = api(cast.mallory).post(
        URL, {"project": cast.project.pk, "files": [SimpleUploadedFile("a.txt", b"Text.")]}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_without_credentials_the_answer_is_401(cast):
    response = api().post(
        URL, {"project": cast.project.pk, "files": [SimpleUploadedFile("a.txt", b"Text.")]}
    )
    assert response.status_code == 401


def test_a_script_can_import_with_its_token(cast):
    token = Token.objects.create(user=cast.bob)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        URL, {"project": cast.project.pk, "files": [SimpleUploadedFile("a.txt", b"Text.")]}
    )
    assert response.status_code == 201
    assert Document.objects.get().created_by == cast.bob


def test_the_endpoint_takes_the_same_number_of_queries_however_many_files(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(cast.bob)
    counts = []
    for count in (2, 40):
        files = [
            SimpleUploadedFile(f"{count}-{n}.txt", f"{count} text {n}.".encode())
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, {"project": cast.project.pk, "files": files})
        assert response.json()["imported"] == count
        counts.append(len(queries))
    # The caller's project, duplicates, the documents, their index and their events.
    assert counts[0] == counts[1] <= 10, counts


def test_the_schema_documents_the_import_and_its_status_codes(cast):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "201", "400", "401", "403", "404"}
    assert "multipart/form-data" in operation["requestBody"]["content"]

"""With real processes on PostgreSQL: a job on a worker from 202 to done; a worker killed
in the middle of a job; two app processes (ASGI) where an event written through one
reaches a stream opened on the other, and Last-Event-ID resumes without gaps or
repeats; an app process whose database goes away and comes back."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corpus.models import Document, Job, JobStatus

from .processes import DatabaseRelay, kill_now, web_server, worker

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="app processes and workers share PostgreSQL (its queue, LISTEN/NOTIFY)",
    ),
    pytest.mark.django_db(transaction=True),
]

FILES = 40
ROWS = 400


@pytest.fixture
def on_the_queue(settings):
    """Jobs go to the database queue, for a worker process to run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_JOB_FILES = 10


def _client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _csv_files() -> list[SimpleUploadedFile]:
    files = []
    for number in range(FILES):
        rows = "".join(
            f"file {number} row {row},Row {row} of file {number} on the Kuril islands.\n"
            for row in range(ROWS)
        )
        files.append(SimpleUploadedFile(f"file-{number}.csv", f"title,text\n{rows}".encode()))
    return files


def _start_import(client: APIClient, project) -> int:
    response = client.post(
        "/api/documents/import/",
        {"project": project.pk, "files": _csv_files()},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def _documents_per_file(project) -> Counter:
    titles = Document.objects.filter(project=project).values_list("title", flat=True)
    return Counter(title.split(" row ")[0] for title in titles)


def _follow(client: APIClient, job_id: int, until, timeout: float = 120) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/jobs/{job_id}/").json()
        seen.append(body)
        if until(body):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the job never got there: {seen[-1]}")


def test_a_job_goes_from_202_to_done_on_a_worker_with_progress(on_the_queue, cast, tmp_path):
    client = _client(cast.bob)
    job_id = _start_import(client, cast.project)
    assert client.get(f"/api/jobs/{job_id}/").json()["status"] == "queued"

    with worker(tmp_path / "worker.log"):
        seen = _follow(client, job_id, lambda body: body["status"] in ("done", "failed"))

    final = seen[-1]
    assert final["status"] == "done", final
    assert final["progress"] == {"done": FILES, "total": FILES}
    assert final["result"]["imported"] == FILES * ROWS
    progress = [body["progress"]["done"] for body in seen]
    assert progress == sorted(progress), "progress never goes back"
    assert any(0 < done < FILES for done in progress), f"no progress between: {progress}"
    assert set(_documents_per_file(cast.project).values()) == {ROWS}


def test_a_job_whose_worker_is_killed_is_started_again_with_nothing_half_written(
    on_the_queue, cast, tmp_path, settings
):
    settings.JOB_STALE_SECONDS = 2
    client = _client(cast.bob)
    job_id = _start_import(client, cast.project)

    with worker(tmp_path / "first.log", JOB_STALE_SECONDS="2") as first:
        _follow(client, job_id, lambda body: body["progress"]["done"] > 0)
        kill_now(first)

    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.RUNNING, "nobody has noticed yet"
    assert job.done < FILES, "the worker was killed before the end"
    # Each file is whole or absent: none has some of its rows.
    assert set(_documents_per_file(cast.project).values()) <= {ROWS}

    time.sleep(2.5)
    requeued = client.get(f"/api/jobs/{job_id}/").json()
    assert requeued["status"] == "queued", "a silent job is queued again when read"

    with worker(tmp_path / "second.log", JOB_STALE_SECONDS="2"):
        final = _follow(client, job_id, lambda body: body["status"] in ("done", "failed"))[-1]

    assert final["status"] == "done", final
    assert final["progress"] == {"done": FILES, "total": FILES}
    statuses = Counter(result["status"] for result in final["result"]["results"])
    assert set(statuses) <= {"imported", "duplicate"}
    assert sum(statuses.values()) == FILES
    # Every file whole, and once: none imported twice.
    per_file = _documents_per_file(cast.project)
    assert len(per_file) == FILES
    assert set(per_file.values()) == {ROWS}
    assert Job.objects.get(pk=job_id).attempts == 2


# Events across processes -----------------------------------------------------------------


class Stream:
    """A Server-Sent Events stream read line by line."""

    def __init__(self, base: str, project, token: str, last_event_id: int | None = None):
        url = urlparse(base)
        self.connection = http.client.HTTPConnection(
            url.hostname or "127.0.0.1", url.port, timeout=20
        )
        headers = {"Accept": "text/event-stream", "Authorization": f"Token {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", f"/api/projects/{project.pk}/events/", headers=headers)
        self.response = self.connection.getresponse()

    def events(self) -> Iterator[dict]:
        fields: dict[str, str] = {}
        while True:
            line = self.response.fp.readline().decode()
            if not line:
                return
            line = line.rstrip("\n")
            if line.startswith(": keepalive"):
                yield {"keepalive": True}
            elif not line and "id" in fields:
                yield {
                    "id": int(fields["id"]),
                    "event": fields["event"],
                    "data": json.loads(fields["data"]),
                }
                fields = {}
            elif ": " in line and not line.startswith(":"):
                name, value = line.split(": ", 1)
                fields[name] = value

    def take(self, count: int) -> list[dict]:
        found = []
        for event in self.events():
            if "id" in event:
                found.append(event)
            if len(found) == count:
                break
        return found

    def until_quiet(self) -> list[dict]:
        found = []
        for event in self.events():
            if "keepalive" in event:
                break
            found.append(event)
        return found

    def close(self) -> None:
        self.connection.close()


def test_an_event_written_through_one_app_process_reaches_a_stream_on_another(
    cast, document, tmp_path
):
    bob = Token.objects.create(user=cast.bob).key
    carol = Token.objects.create(user=cast.carol).key
    mallory = Token.objects.create(user=cast.mallory).key
    quiet = {"EVENTS_KEEPALIVE_SECONDS": "1"}

    with (
        web_server(tmp_path / "a.log", **quiet) as first,
        web_server(tmp_path / "b.log", **quiet) as second,
    ):
        stranger = Stream(second, cast.project, mallory)
        assert stranger.response.status == 404
        stranger.close()

        listening = Stream(second, cast.project, carol)
        assert listening.response.status == 200
        url = urlparse(first)
        writer = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=20)
        started = time.monotonic()
        for start in (0, 4, 8):
            body = json.dumps({"document": document.pk, "start": start, "end": start + 3})
            writer.request(
                "POST",
                "/api/annotations/",
                body=body,
                headers={"Authorization": f"Token {bob}", "Content-Type": "application/json"},
            )
            answer = writer.getresponse()
            assert answer.status == 201, answer.read()
            answer.read()
        arrived = listening.take(3)
        took = time.monotonic() - started
        listening.close()

        assert [event["event"] for event in arrived] == ["annotation.created"] * 3
        assert [event["data"]["start"] for event in arrived] == [0, 4, 8]
        assert took < 10

        # Dropped after the first: resuming on the other process brings the rest, once.
        resumed = Stream(first, cast.project, carol, last_event_id=arrived[0]["id"])
        assert resumed.until_quiet() == arrived[1:]
        resumed.close()


def _get(url: str, **headers: str) -> tuple[int, str, str, bytes]:
    """Status, media type, Retry-After and body of one GET; a refused or dropped
    connection raises, which is what must never happen."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], "", answer.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, error.headers["Content-Type"], error.headers["Retry-After"], body


def test_while_the_database_is_down_every_request_gets_a_clean_503_and_health_says_so(
    cast, document, tmp_path
):
    token = Token.objects.create(user=cast.bob).key
    browser = Client()
    browser.force_login(cast.bob)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    api = {"Authorization": f"Token {token}"}
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    relay = DatabaseRelay()
    try:
        with web_server(
            tmp_path / "web.log", DATABASE_URL=relay.url, PG_POOL="true", PG_POOL_TIMEOUT="2"
        ) as base:
            annotations = f"{base}/api/annotations/?document={document.pk}"
            reader = f"{base}/projects/{cast.project.slug}/documents/{document.pk}/"
            assert _get(annotations, **api)[0] == 200
            assert _get(reader, **page)[0] == 200

            relay.stop()
            answers = [_get(annotations, **api) for _ in range(3)]
            pages = [_get(reader, **page) for _ in range(2)]
            status, _, _, body = _get(f"{base}/health/")
            assert (status, json.loads(body)["database"]) == (503, "down")

            for status, media_type, retry_after, body in answers:
                assert (status, media_type, retry_after) == (503, "application/json", "30")
                assert "database is unavailable" in json.loads(body)["detail"]
            for status, media_type, retry_after, body in pages:
                assert (status, retry_after) == (503, "30")
                assert media_type.startswith("text/html")
                assert b"Unavailable for a moment" in body

            relay.start()
            deadline = time.monotonic() + 20
            while _get(annotations, **api)[0] != 200:
                assert time.monotonic() < deadline, "the app did not recover"
                time.sleep(0.2)
            assert json.loads(_get(f"{base}/health/")[3])["database"] == "up"
    finally:
        relay.close()

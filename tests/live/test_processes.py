"""With real processes on PostgreSQL: a job on a worker from 202 to done; a worker killed
in the middle of a job; two app processes (ASGI) where an event written through one
reaches a stream opened on the other, and Last-Event-ID resumes without gaps or
repeats."""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corpus.models import Document, Job, JobStatus

from .processes import kill_now, web_server, worker

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

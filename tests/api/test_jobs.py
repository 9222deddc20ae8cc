"""Large imports become jobs: 202 with Location, then GET /api/jobs/<id>/ with progress
and the same per-file results; only the job's owner and the project's owners see it; a
job whose worker went silent is started again or failed with the reason. Here the tasks
run in process (the test settings' immediate backend); tests/live/ runs a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corpus import jobs
from corpus.models import Document, Job, JobFile, JobStatus, Role
from tests.factories import add_member, make_user


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.IMPORT_JOB_FILES = 2
    settings.IMPORT_JOB_BYTES = 1000


def _files(count: int, prefix: str = "Note") -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(
            f"{prefix.lower()}-{i}.txt", f"{prefix} number {i} on Sakhalin.".encode()
        )
        for i in range(count)
    ]


@pytest.fixture
def _import(committed):
    def post(client, project, files):
        return committed(
            lambda: client.post(
                "/api/documents/import/",
                {"project": project.pk, "files": files},
                format="multipart",
            )
        )

    return post


def test_an_import_over_the_file_threshold_answers_202_and_its_job_ends_done(_import, api, cast):
    response = _import(api("bob"), cast.project, _files(3))

    assert response.status_code == 202
    location = response["Location"]
    job = Job.objects.get()
    assert location == f"/api/jobs/{job.pk}/"
    body = api("bob").get(location).json()
    assert set(body) == {"id", "kind", "status", "progress", "result", "error"}
    assert body["kind"] == "import"
    assert body["status"] == "done"
    assert body["progress"] == {"done": 3, "total": 3}
    assert body["error"] == ""
    assert body["result"]["imported"] == 3
    assert [result["status"] for result in body["result"]["results"]] == ["imported"] * 3
    assert Document.objects.filter(project=cast.project).count() == 3
    assert not JobFile.objects.exists(), "the stored files go once the job ends"


def test_an_import_over_the_size_threshold_is_a_job_and_a_small_one_answers_at_once(
    _import, api, cast
):
    big = [SimpleUploadedFile("long.txt", ("A long text on the Kurils. " * 50).encode())]
    assert _import(api("bob"), cast.project, big).status_code == 202

    small = _import(api("bob"), cast.project, _files(2, prefix="Short"))
    assert small.status_code == 201
    assert small.json()["imported"] == 2
    assert Job.objects.count() == 1


def test_a_job_shows_the_same_results_as_an_import_answered_at_once(_import, api, cast, settings):
    def upload():
        return [*_files(2), SimpleUploadedFile("empty.txt", b"")]

    location = _import(api("bob"), cast.project, upload())["Location"]  # 3 files: a job
    job = api("bob").get(location).json()
    settings.IMPORT_JOB_FILES = 100
    Document.objects.all().delete()
    at_once = _import(api("bob"), cast.project, upload()).json()

    def shape(body):
        return [(result["filename"], result["status"]) for result in body["results"]]

    assert shape(job["result"]) == shape(at_once)
    assert job["result"]["rejected"] == at_once["rejected"] == 1


def test_only_the_jobs_owner_and_the_projects_owners_see_it(_import, api, cast):
    dave = make_user("dave")
    add_member(cast.project, dave, Role.ANNOTATOR)
    cast.dave = dave
    location = _import(api("bob"), cast.project, _files(3))["Location"]

    assert api("bob").get(location).status_code == 200
    assert api("alice").get(location).status_code == 200
    for stranger in ("carol", "dave", "mallory"):
        response = api(stranger).get(location)
        assert response.status_code == 404, stranger
        assert response.json() == {"detail": "Not found."}
    assert api(None).get(location).status_code == 401
    assert api("bob").get("/api/jobs/x1/").status_code == 404
    assert api("bob").get("/api/jobs/99999999999999999999999/").status_code == 404


def test_viewers_cannot_start_an_import_job(_import, api, cast):
    assert _import(api("carol"), cast.project, _files(3)).status_code == 403
    assert _import(api("mallory"), cast.project, _files(3)).status_code == 404
    assert not Job.objects.exists()


def _silent_job(cast, *, attempts: int) -> Job:
    """A job whose worker died halfway: one file imported and listed, one not."""
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        project=cast.project,
        owner=cast.bob,
        total=2,
        status=JobStatus.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    for position, file in enumerate(_files(2, prefix="Kept")):
        JobFile.objects.create(
            job=job, position=position, name=file.name or "", content=file.read()
        )
    return job


def test_a_job_whose_worker_went_silent_is_started_again_and_finishes(committed, api, cast):
    job = _silent_job(cast, attempts=1)

    committed(lambda: api("bob").get(f"/api/jobs/{job.pk}/"))
    body = api("bob").get(f"/api/jobs/{job.pk}/").json()

    assert body["status"] == "done"
    assert body["progress"] == {"done": 2, "total": 2}
    assert Document.objects.filter(project=cast.project).count() == 2
    job.refresh_from_db()
    assert job.attempts == 2


def test_a_job_that_lost_its_worker_too_often_fails_with_the_reason(api, cast, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _silent_job(cast, attempts=2)

    body = api("alice").get(f"/api/jobs/{job.pk}/").json()

    assert body["status"] == "failed"
    assert "stopped 2 times" in body["error"]
    assert not Document.objects.exists()
    assert not JobFile.objects.filter(job=job).exists()


def test_a_running_job_with_a_live_heartbeat_is_left_alone(api, cast):
    job = _silent_job(cast, attempts=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    assert api("bob").get(f"/api/jobs/{job.pk}/").json()["status"] == "running"


def test_a_large_upload_on_the_import_page_shows_the_jobs_progress_then_its_results(
    committed, client, cast
):
    client.force_login(cast.bob)
    url = f"/projects/{cast.project.slug}/import/"

    response = committed(
        lambda: client.post(url, {"files": _files(3)}, headers={"HX-Request": "true"})
    )

    assert response.status_code == 200
    html = response.content.decode()
    job = Job.objects.get()
    # Answered before the job ran: the section shows the bar and polls the job.
    assert 'id="job-progress"' in html
    assert 'hx-trigger="every 1s"' in html
    followed = client.get(f"{url}jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert followed.status_code == 200
    html = followed.content.decode()
    assert "3 of 3 files, done" in html
    assert html.count('class="import-imported"') == 3
    assert "every 1s" not in html, "a finished job is not polled"


def test_a_queued_jobs_section_polls_its_progress(client, cast):
    job = _silent_job(cast, attempts=0)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, heartbeat_at=timezone.now())
    client.force_login(cast.bob)

    html = client.get(
        f"/projects/{cast.project.slug}/import/jobs/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert "0 of 2 files, waiting for the worker" in html
    client.force_login(cast.mallory)
    assert client.get(f"/projects/{cast.project.slug}/import/jobs/{job.pk}/").status_code == 404


def test_a_jobs_queries_do_not_grow_with_its_files(cast):
    def queries(count: int) -> int:
        job = Job.objects.create(
            kind=Job.Kind.IMPORT,
            project=cast.project,
            owner=cast.bob,
            total=count,
            heartbeat_at=timezone.now(),
        )
        jobs.store_files(job, _files(count, prefix=f"Batch {count}"))
        with CaptureQueriesContext(connection) as captured:
            jobs.run(job.pk)
        job.refresh_from_db()
        assert (job.status, job.result["imported"]) == (JobStatus.DONE, count)
        return len(captured)

    # The stored files are read a batch at a time, not one query each.
    assert queries(60) < queries(10) + 10

"""Jobs: long work run by a worker (``corpus.tasks.run_job``), with the progress and the
outcome that ``GET /api/jobs/<id>/`` shows.

A job is claimed by one worker at a time (``queued`` → ``running``), and that worker
beats a heartbeat while it runs. A worker that dies (killed, its machine gone) stops
beating: :func:`sweep` finds its job silent for ``JOB_STALE_SECONDS`` and queues it again,
up to ``JOB_MAX_ATTEMPTS`` starts, then marks it failed with the reason. Whoever reads a
job sweeps it first, and so does every worker as it takes a job, so no job stays
"running" forever. An import job keeps each file's all-or-nothing rule: a file's
documents are saved in one transaction, and a job started again goes on after the last
file whose result it kept (a file saved just before the worker died is then found to be
a duplicate of itself, never imported twice).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from .importing import FileResult, Upload, import_files
from .models import Job, JobFile, JobStatus, Project

logger = logging.getLogger(__name__)

#: How often a running import writes its progress (each write holds every result so far).
PROGRESS_INTERVAL = 0.5

STOPPED = (
    "The worker running this job stopped {attempts} times before it finished. Files whose "
    "result is listed were imported (each file whole or not at all); the others were not."
)
CRASHED = "The job stopped on an unexpected error; the files listed were imported, the others not."


class LostJob(Exception):
    """This worker no longer holds the job (it was given to another after a silence)."""


def import_is_a_job(files: Sequence[UploadedFile]) -> bool:
    """Whether an upload is large enough to be imported by the worker rather than at once."""
    size = sum(file.size or 0 for file in files)
    return len(files) > settings.IMPORT_JOB_FILES or size > settings.IMPORT_JOB_BYTES


def start_import(
    *, project: Project, owner: Any, files: Sequence[UploadedFile], encoding: str
) -> Job:
    """Keep the uploaded files with a new import job and queue it once they are stored."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=Job.Kind.IMPORT,
            project=project,
            owner=owner,
            total=len(files),
            options={"encoding": encoding},
            heartbeat_at=timezone.now(),
        )
        for position, file in enumerate(files):
            # One file in memory at a time.
            JobFile.objects.create(
                job=job, position=position, name=file.name or "upload", content=file.read()
            )
        _enqueue_after_commit(job.pk)
    return job


def _enqueue_after_commit(job_id: int) -> None:
    from .tasks import run_job

    transaction.on_commit(lambda: run_job.enqueue(job_id))


def representation(job: Job) -> dict[str, Any]:
    """The job as the API shows it."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": {"done": job.done, "total": job.total},
        "result": job.result,
        "error": job.error,
    }


# Sweeping ---------------------------------------------------------------------------------


def sweep(jobs: Sequence[int] | None = None) -> None:
    """Queue again (or fail) running jobs whose worker went silent, and queue again jobs
    whose queueing was lost; only ``jobs`` when given."""
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    silent = Job.objects.filter(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING], heartbeat_at__lt=stale
    )
    if jobs is not None:
        silent = silent.filter(pk__in=jobs)
    for job in silent:
        if job.status == JobStatus.RUNNING and job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _finish(job, JobStatus.FAILED, error=STOPPED.format(attempts=job.attempts))
            continue
        with transaction.atomic():
            # Only if nobody moved it meanwhile (another sweep, its worker waking up).
            taken = Job.objects.filter(
                pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
            ).update(status=JobStatus.QUEUED, heartbeat_at=timezone.now())
            if taken:
                logger.warning("Job %s went silent; queued again", job.pk)
                _enqueue_after_commit(job.pk)


# Running ----------------------------------------------------------------------------------


def run(job_id: int) -> None:
    """Claim a queued job and do it; a job another worker holds or that ended is left."""
    sweep()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("project", "owner").get(pk=job_id)
    with _heartbeat(job):
        try:
            RUNNERS[job.kind](job)
        except LostJob:
            logger.warning("Job %s was given to another worker; this one stops", job.pk)
        except Exception:  # noqa: BLE001 - the job must end with a reason, whatever happened
            logger.exception("Job %s failed", job.pk)
            _finish(job, JobStatus.FAILED, error=CRASHED)


class _heartbeat:
    """Beats the job's heartbeat from a thread of its own while the job runs, so that a
    long file does not make a live worker look dead."""

    def __init__(self, job: Job):
        self.job = job
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job.pk}-heartbeat")

    def _beat(self) -> None:
        every = max(settings.JOB_STALE_SECONDS / 4, 0.2)
        try:
            while not self.stop.wait(every):
                close_old_connections()
                _mine(self.job).update(heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat is only a missed beat
            logger.warning("Job %s: heartbeat failed", self.job.pk, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()


def _mine(job: Job) -> Any:
    """The job's row while this worker still holds it (its start count unchanged)."""
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _finish(job: Job, status: str, *, error: str = "", result: dict | None = None) -> None:
    """End the job as this worker (or sweep) saw it; its stored files go."""
    changes: dict[str, Any] = {"status": status, "error": error, "finished_at": timezone.now()}
    if result is not None:
        changes["result"] = result
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            **changes
        ):
            JobFile.objects.filter(job=job).delete()


def _stored_uploads(job: Job, start: int) -> Iterator[Upload]:
    """The job's files from ``start`` on, each read from the database when its turn comes."""
    files = (
        JobFile.objects.filter(job=job, position__gte=start)
        .annotate(size=Length("content"))
        .values_list("pk", "name", "size")
    )
    for pk, name, size in files:
        yield Upload(name=name, size=size, read=_reader(pk))


def _reader(pk: int) -> Callable[[], bytes]:
    return lambda: bytes(JobFile.objects.values_list("content", flat=True).get(pk=pk))


def import_summary(project: Project, results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What an import answers: counts and one result per file (the API's import body)."""
    return {
        "project": project.pk,
        "imported": sum(len(result["documents"]) for result in results),
        "duplicates": sum(len(result["duplicates"]) for result in results),
        "rejected": sum(result["status"] == "rejected" for result in results),
        "results": list(results),
    }


def _run_import(job: Job) -> None:
    results: list[dict[str, Any]] = list(job.result.get("results", []))
    uploads = _stored_uploads(job, start=len(results))
    written = time.monotonic()

    def save_progress() -> None:
        if not _mine(job).update(
            done=len(results),
            result=import_summary(job.project, results),
            heartbeat_at=timezone.now(),
        ):
            raise LostJob

    outcome: FileResult
    for outcome in import_files(
        project=job.project,
        uploads=uploads,
        created_by=job.owner,
        encoding=job.options.get("encoding", ""),
    ):
        results.append(outcome.as_dict())
        if time.monotonic() - written >= PROGRESS_INTERVAL:
            save_progress()
            written = time.monotonic()
    save_progress()
    _finish(job, JobStatus.DONE, result=import_summary(job.project, results))


RUNNERS: dict[str, Callable[[Job], None]] = {Job.Kind.IMPORT: _run_import}

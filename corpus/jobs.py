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

import functools
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
        store_files(job, files)
        _enqueue_after_commit(job.pk)
    return job


#: Files stored together by one insert where COPY is not at hand (SQLite): at most this
#: many, or this many bytes.
STORE_BATCH_FILES = 500
STORE_BATCH_BYTES = 8 * 1024 * 1024


def store_files(job: Job, files: Sequence[UploadedFile]) -> None:
    """Keep ``files`` as the job's ``JobFile`` rows, in order.

    PostgreSQL takes them in one binary COPY, each file read when its row is written, so
    that one file at a time is in memory; elsewhere they go by bulk inserts of a bounded
    size. Either way the rows are what ``JobFile.objects.create`` would write.
    """
    if connection.vendor == "postgresql":
        _copy_files(job, files)
        return
    batch: list[JobFile] = []
    size = 0
    for position, file in enumerate(files):
        batch.append(
            JobFile(job=job, position=position, name=_file_name(file), content=file.read())
        )
        size += len(batch[-1].content)
        if len(batch) >= STORE_BATCH_FILES or size >= STORE_BATCH_BYTES:
            JobFile.objects.bulk_create(batch)
            batch, size = [], 0
    JobFile.objects.bulk_create(batch)


def _file_name(file: UploadedFile) -> str:
    return file.name or "upload"


def _copy_files(job: Job, files: Sequence[UploadedFile]) -> None:
    fields = [
        field
        for field in JobFile._meta.concrete_fields
        if field.name in ("job", "position", "name", "content")
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    sql = f"COPY {quote(JobFile._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
    # The id column takes its default from the table's own sequence.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        copy.set_types([str(field.db_type(connection)).split("(")[0] for field in fields])
        for position, file in enumerate(files):
            copy.write_row((job.pk, position, _file_name(file), file.read()))


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


#: Stored files read from the database together: at most this many, or this many bytes.
READ_BATCH_FILES = 200
READ_BATCH_BYTES = 8 * 1024 * 1024


def _stored_uploads(job: Job, start: int) -> Iterator[Upload]:
    """The job's files from ``start`` on, read from the database a batch at a time as the
    import reaches them (a file over the size limit is never read: its size rejects it)."""
    files = list(
        JobFile.objects.filter(job=job, position__gte=start)
        .annotate(size=Length("content"))
        .values_list("pk", "name", "size")
    )
    limit = settings.IMPORT_MAX_FILE_SIZE
    batch: list[tuple[int, str, int]] = []
    size = 0
    for index, (pk, name, length) in enumerate(files):
        batch.append((pk, name, length))
        size += length if length <= limit else 0
        last = index == len(files) - 1
        if last or len(batch) >= READ_BATCH_FILES or size >= READ_BATCH_BYTES:
            yield from _read_batch(batch, limit)
            batch, size = [], 0


def _read_batch(batch: list[tuple[int, str, int]], limit: int) -> Iterator[Upload]:
    wanted = [pk for pk, _name, length in batch if length <= limit]
    contents = dict(JobFile.objects.filter(pk__in=wanted).values_list("pk", "content"))
    for pk, name, length in batch:
        data = contents.pop(pk, None)
        read = _reader(pk) if data is None else functools.partial(bytes, data)
        yield Upload(name=name, size=length, read=read)


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
        # Each batch is saved (and indexed) on a connection of its own while the next one
        # is read, so that the database and the worker work at once.
        background=True,
    ):
        results.append(outcome.as_dict())
        if time.monotonic() - written >= PROGRESS_INTERVAL:
            save_progress()
            written = time.monotonic()
    save_progress()
    _finish(job, JobStatus.DONE, result=import_summary(job.project, results))


RUNNERS: dict[str, Callable[[Job], None]] = {Job.Kind.IMPORT: _run_import}

"""The import pipeline: files in, documents out, one result per file.

Every interface (the import page, the API, the ``import_documents`` command) goes through
:func:`import_files`. For each file it checks the size, reads and decodes the bytes, hands
them to the parser for the file's extension and validates every document the parser
yields, so that a bad file is rejected before anything is written. Files are then saved in
batches: one query finds the duplicates of a whole batch, one bulk insert (COPY on
PostgreSQL) writes its documents. A file is all or nothing: should a batch fail to save,
each of its files is retried in its own transaction, and a file whose parser attaches more
(a DNA database's statements) always has a transaction of its own. Whatever goes wrong
with one file (unreadable, unparsable, refused by the database, or a bug met on the way,
which is logged with its traceback) rejects that file alone. Long imports (the
command's) save each batch in a writer thread while the next one is read.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from corpus import events, fastpaths, hooks, search
from corpus.models import Document, Project
from corpus.services import prepare_document
from corpus.tasks import index_after_commit
from corpus.words import counted

from .decoding import requested_encoding
from .formats import AfterSave, ParsedFile, Rejected
from .html_pages import parse_html
from .records import parse_csv, parse_json, parse_json_lines
from .text_files import parse_text

logger = logging.getLogger(__name__)

Parser = Callable[[bytes, str], ParsedFile]

PARSERS: dict[str, Parser] = {
    ".txt": parse_text,
    ".md": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".csv": parse_csv,
    ".json": parse_json,
    ".jsonl": parse_json_lines,
}

#: Files with fewer documents than this are saved together; a batch also closes once
#: it holds this many megabytes, so that memory stays flat however many files come.
BATCH_DOCUMENTS = 500
BATCH_BYTES = 32 * 1024 * 1024

FIELD_NAMES = {
    "text": "Text",
    "title": "Title",
    "source_name": "Source",
    "source_url": "URL",
    "author": "Author",
    "published_at": "Date",
    "language": "Language",
    "notes": "Notes",
    "metadata": "Metadata",
}

#: The reason given for a file that met an error in the import itself (logged in full).
INTERNAL_ERROR = "The file could not be imported because of an internal error, which was logged."

Status = Literal["imported", "duplicate", "rejected"]


def parsers() -> dict[str, Parser]:
    """Every extension that can be imported, the corpus's own and those apps registered."""
    return {**PARSERS, **hooks.registered_importers()}


def supported_extensions() -> list[str]:
    return sorted(parsers())


@dataclass
class Upload:
    """One file to import; ``read`` is called only once the file's turn comes."""

    name: str
    size: int | None
    read: Callable[[], bytes]
    #: A title the person gave, used for a file that holds one document.
    title: str = ""
    #: The extension to parse the file as, when its name has none (pasted text).
    extension: str = ""

    @classmethod
    def from_path(cls, path: Path | str, name: str | None = None) -> Upload:
        # Plain os calls: pathlib's own costs show when a folder holds thousands of files.
        location = os.fspath(path)
        try:
            size: int | None = os.stat(location).st_size
        except OSError:
            size = None  # reported when the file's turn comes and it cannot be read
        return cls(
            name=_shown_name(name or os.path.basename(location)),
            size=size,
            read=functools.partial(_read_file, location),
        )

    @classmethod
    def from_uploaded_file(cls, file: UploadedFile) -> Upload:
        """A file sent with a form or an API request; read when its turn comes."""
        return cls(name=file.name or "upload", size=file.size, read=file.read)

    @classmethod
    def from_bytes(cls, name: str, data: bytes, **options: Any) -> Upload:
        return cls(name=name, size=len(data), read=lambda: data, **options)


def _shown_name(name: str) -> str:
    """A name read from disk as it can be shown and stored: bytes that are not UTF-8
    (Python keeps them as lone surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _read_file(location: str) -> bytes:
    with open(location, "rb") as file:
        return file.read()


@dataclass
class Duplicate:
    """A document skipped because its text is already in the project or in this import."""

    title: str
    label: str = ""
    existing_id: int | None = None
    existing_title: str = ""
    #: The file of the same import that already brought this text.
    earlier_file: str = ""

    def describe(self) -> str:
        where = f"{self.label}: " if self.label else ""
        if self.existing_id is not None:
            return (
                f"{where}already in the project as “{self.existing_title}” "
                f"(document {self.existing_id})"
            )
        return f"{where}the same text as {self.earlier_file}, earlier in this import"

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "where": self.label,
            "existing_document": self.existing_id,
            "existing_title": self.existing_title,
            "earlier_file": self.earlier_file,
        }


@dataclass
class FileResult:
    """What became of one file: imported, duplicate (nothing new in it) or rejected."""

    filename: str
    status: Status
    message: str
    encoding: str = ""
    documents: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.documents)

    @classmethod
    def from_dict(cls, kept: dict[str, Any]) -> FileResult:
        """A result as :meth:`as_dict` wrote it (a job keeps its results so), without the
        duplicates' details."""
        return cls(
            kept["filename"],
            kept["status"],
            kept["message"],
            encoding=kept["encoding"],
            documents=[(document["id"], document["title"]) for document in kept["documents"]],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "status": self.status,
            "message": self.message,
            "encoding": self.encoding,
            "documents": [{"id": pk, "title": title} for pk, title in self.documents],
            "duplicates": [duplicate.as_dict() for duplicate in self.duplicates],
        }


@dataclass
class _Entry:
    """A file on its way through the pipeline."""

    upload: Upload
    rejection: str = ""
    encoding: str = ""
    documents: list[Document] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    after_save: AfterSave | None = None
    size: int = 0
    # Filled in while saving.
    kept: list[Document] = field(default_factory=list)
    slots: list[Document | None] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    summary: str = ""


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{FIELD_NAMES.get(name, name)}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _prepare(
    project: Project,
    upload: Upload,
    created_by: User | None,
    available: dict[str, Parser],
    encoding: str = "",
) -> _Entry:
    entry = _Entry(upload=upload)
    limit = settings.IMPORT_MAX_FILE_SIZE
    if upload.size is not None and upload.size > limit:
        entry.rejection = (
            f"The file is {filesizeformat(upload.size)}, over the limit of "
            f"{filesizeformat(limit)} per file."
        )
        return entry
    extension = (upload.extension or os.path.splitext(upload.name)[1]).lower()
    if extension == ".":  # "name." has no extension
        extension = ""
    parser = available.get(extension)
    if parser is None:
        kind = f"“{extension}” files" if extension else "Files without an extension"
        entry.rejection = f"{kind} cannot be imported; use {', '.join(supported_extensions())}."
        return entry
    try:
        data = upload.read()
    except OSError as error:
        entry.rejection = f"The file could not be read ({error.strerror or error})."
        return entry
    entry.size = len(data)
    if not data.strip():
        entry.rejection = "The file is empty."
        return entry
    if len(data) > limit:
        entry.rejection = (
            f"The file is {filesizeformat(len(data))}, over the limit of "
            f"{filesizeformat(limit)} per file."
        )
        return entry
    try:
        with requested_encoding(encoding):
            parsed = parser(data, upload.name)
        entry.encoding = parsed.encoding
        entry.after_save = parsed.after_save
        _prepare_documents(entry, parsed, project, created_by)
    except Rejected as error:
        entry.rejection = str(error)
    except Exception:  # noqa: BLE001 - a parser's crash must not stop the other files
        logger.exception("Import of %s failed in its parser", upload.name)
        entry.rejection = f"The file could not be read as a {extension} file."
    if entry.rejection:
        entry.documents, entry.after_save = [], None
        return entry
    if not entry.documents:
        entry.rejection = "The file holds no documents."
        return entry
    # The upload's bytes are kept once, on the file's first document that is saved.
    entry.documents[0].original = data
    return entry


def _prepare_documents(
    entry: _Entry, parsed: ParsedFile, project: Project, created_by: User | None
) -> None:
    """Validate the file's documents as its parser yields them (a table's rows are read
    on the way); raises :class:`Rejected` at the first one refused."""
    upload = entry.upload
    single = isinstance(parsed.drafts, list) and len(parsed.drafts) == 1
    for draft in parsed.drafts:
        try:
            document = prepare_document(
                project=project,
                text=draft.text,
                title=(upload.title if single and upload.title else draft.title),
                created_by=created_by,
                original_filename=upload.name,
                original_encoding=parsed.encoding,
                **draft.fields,
            )
        except ValidationError as error:
            where = f"{draft.label}: " if draft.label else ""
            raise Rejected(where + _validation_message(error)) from error
        entry.documents.append(document)
        entry.labels.append(draft.label)


def _find_duplicates(project: Project, entries: list[_Entry]) -> None:
    hashes = list({d.content_hash for entry in entries for d in entry.documents})
    existing: dict[str, tuple[int, str]] = {}
    if connection.vendor == "postgresql":
        # One array parameter rather than a list of hundreds.
        table = connection.ops.quote_name(Document._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT content_hash, id, title FROM {table} "
                "WHERE project_id = %s AND content_hash = ANY(%s)",
                [project.pk, hashes],
            )
            existing.update({digest: (pk, title) for digest, pk, title in cursor.fetchall()})
    else:
        for start in range(0, len(hashes), 500):
            rows = Document.objects.filter(
                project=project, content_hash__in=hashes[start : start + 500]
            ).values_list("content_hash", "id", "title")
            existing.update({digest: (pk, title) for digest, pk, title in rows})
    seen: dict[str, str] = {}
    for entry in entries:
        original = entry.documents[0].original if entry.documents else b""
        for document, label in zip(entry.documents, entry.labels, strict=True):
            document.original = b""
            digest = document.content_hash
            if digest in existing:
                pk, title = existing[digest]
                entry.duplicates.append(
                    Duplicate(document.title, label, existing_id=pk, existing_title=title)
                )
                entry.slots.append(None)
            elif digest in seen:
                entry.duplicates.append(Duplicate(document.title, label, earlier_file=seen[digest]))
                entry.slots.append(None)
            else:
                seen[digest] = entry.upload.name
                entry.kept.append(document)
                entry.slots.append(document)
        if entry.kept:
            entry.kept[0].original = original


def _insert(documents: list[Document]) -> None:
    """Save new documents at once, setting their ids.

    PostgreSQL loads them with a binary COPY, which takes less than half the time of a
    bulk INSERT of texts this size, after one query reserves their ids from the table's
    sequence (COPY returns none).
    """
    if not documents:
        return
    if connection.vendor != "postgresql":
        Document.objects.bulk_create(documents, batch_size=500)
        return
    # Binary COPY: texts and the original bytes go as they are, with no escaping, and
    # every value as the document holds it (prepare_document made them what the columns
    # take; psycopg writes the JSON itself).
    fields = list(Document._meta.concrete_fields)
    fastpaths.copy_new(
        documents,
        using=connection.alias,
        now=timezone.now(),
        tables=[
            fastpaths.Rows(Document, fields, operator.attrgetter(*(f.attname for f in fields)))
        ],
        binary=True,
    )


def _reset(documents: list[Document]) -> None:
    for document in documents:
        document.pk = None
        document._state.adding = True


def _save_entry(entry: _Entry, created_by: User | None) -> None:
    try:
        with transaction.atomic():
            _insert(entry.kept)
            if entry.after_save is not None:
                entry.summary = entry.after_save(entry.slots, created_by)
    except Rejected as error:
        entry.rejection = str(error)
    except ValidationError as error:
        entry.rejection = _validation_message(error)
    except Exception:  # noqa: BLE001 - one file's failure must not stop the others
        # A database error (or a bug) while saving: logged for the administrator, and
        # the file's transaction leaves nothing of it behind.
        logger.exception("Import of %s failed while saving", entry.upload.name)
        entry.rejection = "The file's documents could not be saved; nothing of it was kept."
    if entry.rejection:
        _reset(entry.kept)


def _save(
    project: Project,
    entries: list[_Entry],
    created_by: User | None,
    unindexed: list[int] | None = None,
) -> None:
    """Save a batch; with ``unindexed``, index its new documents for search at once and
    add there those whose indexing failed."""
    _save_batch(project, entries, created_by)
    if unindexed is not None:
        unindexed.extend(_index_saved(entries))


def _index_saved(entries: list[_Entry]) -> list[int]:
    """Store the search vectors of the batch's new documents now, so that searches find
    them through the index at once instead of reading every new text (which costs each
    search as much as indexing them); the ids are returned for the indexing task when
    this fails. Inside a transaction a failure undoes only the indexing."""
    ids = [d.pk for entry in entries if not entry.rejection for d in entry.kept if d.pk]
    if not ids:
        return []
    try:
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            search.index_in_parallel(ids)
    except Exception:  # noqa: BLE001 - the documents are saved; their index can come later
        logger.warning(
            "Indexing %s imported documents failed; left to the task", len(ids), exc_info=True
        )
        return ids
    return []


def _save_batch(project: Project, entries: list[_Entry], created_by: User | None) -> None:
    live = [entry for entry in entries if not entry.rejection]
    _find_duplicates(project, live)
    simple = [entry for entry in live if entry.after_save is None and entry.kept]
    if simple:
        try:
            with transaction.atomic():
                _insert([document for entry in simple for document in entry.kept])
        except Exception:  # noqa: BLE001 - each file's own save reports what went wrong
            # One file spoilt the batch; give every file its own chance.
            for entry in simple:
                _reset(entry.kept)
                _save_entry(entry, created_by)
    for entry in live:
        if entry.after_save is not None:
            _save_entry(entry, created_by)


def _result(entry: _Entry) -> FileResult:
    upload = entry.upload
    if entry.rejection:
        return FileResult(upload.name, "rejected", entry.rejection, encoding=entry.encoding)
    documents = [(document.pk, document.title) for document in entry.kept]
    notes = []
    if entry.encoding and entry.encoding not in ("utf-8", "utf-8-sig", "ascii", "sqlite"):
        notes.append(f"Read as {entry.encoding} (not UTF-8).")
    if entry.summary:
        notes.append(entry.summary)
    if not documents:
        if len(entry.duplicates) == 1:
            message = f"Skipped: {entry.duplicates[0].describe()}."
        else:
            message = f"Skipped: all {len(entry.duplicates)} documents are already in the project."
        return FileResult(
            upload.name,
            "duplicate",
            " ".join([message, *notes]),
            encoding=entry.encoding,
            duplicates=entry.duplicates,
        )
    if len(documents) == 1:
        message = f"Imported as “{documents[0][1]}”."
    else:
        message = f"Imported {counted(len(documents), 'document')}."
    if entry.duplicates:
        skipped = "; ".join(duplicate.describe() for duplicate in entry.duplicates[:5])
        more = len(entry.duplicates) - 5
        message += f" Skipped {counted(len(entry.duplicates), 'duplicate')}: {skipped}" + (
            f"; and {more} more." if more > 0 else "."
        )
    return FileResult(
        upload.name,
        "imported",
        " ".join([message, *notes]),
        encoding=entry.encoding,
        documents=documents,
        duplicates=entry.duplicates,
    )


def _batches(
    project: Project,
    uploads: Iterable[Upload],
    created_by: User | None,
    batch_documents: int,
    encoding: str,
) -> Iterator[list[_Entry]]:
    """The uploads read and checked, in batches that are saved together."""
    available = parsers()
    batch: list[_Entry] = []
    documents = size = 0
    for upload in uploads:
        try:
            entry = _prepare(project, upload, created_by, available, encoding)
        except Exception:  # noqa: BLE001 - a bug met by one file must not stop the others
            logger.exception("Import of %s failed while it was read", upload.name)
            entry = _Entry(upload=upload, rejection=INTERNAL_ERROR)
        batch.append(entry)
        documents += len(entry.documents)
        size += entry.size
        if documents >= batch_documents or size >= BATCH_BYTES or entry.after_save:
            yield batch
            batch, documents, size = [], 0, 0
    if batch:
        yield batch


def saves_in_background(background: bool) -> bool:
    """Whether :func:`import_files` may save on a connection of its own, in another thread.

    Only on PostgreSQL (SQLite has one writer at a time) and only outside a transaction:
    the other connection could not see what the caller has not committed yet, nor would its
    writes be undone with the caller's transaction.
    """
    return background and connection.vendor == "postgresql" and not connection.in_atomic_block


def _close_connections() -> None:
    connections.close_all()


def _import_in_background(
    project: Project,
    batches: Iterator[list[_Entry]],
    created_by: User | None,
    unindexed: list[int] | None,
) -> Iterator[FileResult]:
    """Save batch N in a writer thread while this thread reads and checks batch N+1.

    PostgreSQL works on the other core meanwhile. The writer saves one batch after the other, each
    exactly as :func:`_save` does in the foreground, so a batch's duplicates are looked
    up only once the batch before it is committed, and every file stays all or nothing.
    At most three batches are held: one being saved, one waiting, one being read.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as writer:
        try:
            in_flight: tuple[Future[None], list[_Entry]] | None = None
            for batch in batches:
                future = writer.submit(_save, project, batch, created_by, unindexed)
                if in_flight is not None:
                    in_flight[0].result()
                    yield from (_result(entry) for entry in in_flight[1])
                in_flight = (future, batch)
            if in_flight is not None:
                in_flight[0].result()
                yield from (_result(entry) for entry in in_flight[1])
        finally:
            # Django gives each thread a connection of its own: the writer's is closed in
            # its thread, after the batch being saved (leaving the pool waits for both).
            writer.submit(_close_connections)


def import_files(
    *,
    project: Project,
    uploads: Iterable[Upload],
    created_by: User | None,
    batch_documents: int = BATCH_DOCUMENTS,
    background: bool = False,
    index_for_search: bool = True,
    encoding: str = "",
) -> Iterator[FileResult]:
    """Import ``uploads`` into ``project``, yielding one :class:`FileResult` per file, in order.

    Files are read one at a time as the iteration reaches them, so a folder of any size
    needs no more memory than a few batches. With ``background`` (for long imports such as
    the command's), batches are saved in a writer thread with its own database connection
    while the next batch is read, where :func:`saves_in_background` allows it. The caller
    decides who may import. Once all are in, the new documents are indexed for search
    (``corpus.tasks.index_documents``, which also catches up on any of the project's
    documents an earlier indexing missed), unless ``index_for_search`` is off for a caller
    that sees to it itself. ``encoding`` (checked by the caller with
    :func:`~corpus.importing.decoding.check_encoding`) reads every text file in that
    encoding instead of detecting one.
    """
    new: list[int] = []
    unindexed: list[int] | None = [] if index_for_search else None
    for result in _import(
        project, uploads, created_by, batch_documents, background, encoding, unindexed
    ):
        new.extend(pk for pk, _title in result.documents)
        yield result
    if unindexed is not None and new:
        # The task indexes what failed here, and whatever earlier imports left behind.
        index_after_commit(unindexed, project.pk)
    if new:
        events.publish(project_id=project.pk, kind="document.imported", items=imported_events(new))


def imported_events(document_ids: list[int]) -> list[tuple[int, dict[str, Any]]]:
    """``document.imported`` events: each new document as the API lists it."""
    from corpus.api.documents import document_list_rows

    documents = Document.objects.filter(pk__in=document_ids).order_by("pk")
    return [(row["id"], row) for row in document_list_rows(documents)]


def _import(
    project: Project,
    uploads: Iterable[Upload],
    created_by: User | None,
    batch_documents: int,
    background: bool,
    encoding: str,
    unindexed: list[int] | None,
) -> Iterator[FileResult]:
    batches = _batches(project, uploads, created_by, batch_documents, encoding)
    if saves_in_background(background):
        yield from _import_in_background(project, batches, created_by, unindexed)
        return
    for batch in batches:
        _save(project, batch, created_by, unindexed)
        yield from (_result(entry) for entry in batch)


def import_text(*, project: Project, title: str, text: str, created_by: User | None) -> FileResult:
    """Import pasted text as one document, through the same checks as a file."""
    upload = Upload.from_bytes("Pasted text", text.encode("utf-8"), title=title, extension=".txt")
    (result,) = import_files(project=project, uploads=[upload], created_by=created_by)
    return result

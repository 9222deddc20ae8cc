"""Import files and folders into a project.

python manage.py import_documents PATH... --project SLUG [--user USERNAME] [--encoding NAME]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus
from tqdm import tqdm

from corpus.access import role_in
from corpus.importing import Upload, import_files
from corpus.importing.decoding import check_encoding
from corpus.models import Project, Role
from corpus.tasks import index_documents
from corpus.words import counted

#: Encodings not worth a line of their own in the output (a DNA database is "sqlite").
_PLAIN_ENCODINGS = ("", "utf-8", "utf-8-sig", "ascii", "sqlite")


def _files(paths: list[Path]) -> Iterator[tuple[Path | str, str]]:
    """Each file under ``paths`` (folders recursively, in name order), with a display name."""
    for path in paths:
        if not path.is_dir():
            yield path, path.name
            continue
        # os.walk with plain strings: pathlib costs more than the import of a small file.
        base = str(path.parent)
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            shown = os.path.relpath(folder, base)
            for name in sorted(names):
                if not name.startswith("."):
                    yield os.path.join(folder, name), os.path.join(shown, name)


class Command(BaseCommand):
    help = (
        "Import documents from files and folders (recursively): .txt, .md, .html, .htm, "
        ".csv, .json, .jsonl and DNA databases (.dna). Duplicates of documents already in "
        "the project are reported and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--project", required=True, help="The project's slug.")
        parser.add_argument(
            "--user",
            help="Username the import is attributed to (default: the project's first owner).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Leave out the progress bar."
        )
        parser.add_argument(
            "--encoding",
            default="",
            help="Read every text file in this encoding (utf-8, cp1252, cp1251…) "
            "instead of detecting each file's.",
        )

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project has the slug “{options['project']}”.")
        user = self._user(project, options["user"])
        missing = [str(path) for path in options["paths"] if not path.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        encoding = ""
        if options["encoding"]:
            try:
                encoding = check_encoding(options["encoding"])
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        paths = list(_files(options["paths"]))
        counts: Counter[str] = Counter()
        documents = 0
        new: list[int] = []
        problems: list[str] = []
        started = time.perf_counter()
        uploads = (Upload.from_path(path, name) for path, name in paths)
        progress = tqdm(
            total=len(paths),
            unit="file",
            # The stream under Django's wrapper, which would end every redraw with a newline.
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=options["no_progress"],
            desc="Importing",
        )
        with progress:
            for result in import_files(
                project=project,
                uploads=uploads,
                created_by=user,
                background=True,
                index_for_search=False,
                encoding=encoding,
            ):
                counts[result.status] += 1
                documents += result.imported
                new.extend(pk for pk, _title in result.documents)
                noteworthy = (
                    result.status != "imported"
                    or result.duplicates
                    or result.encoding not in _PLAIN_ENCODINGS
                )
                if noteworthy or options["verbosity"] >= 2:
                    read_as = f" ({result.encoding})" if result.encoding else ""
                    problems.append(
                        f"{result.filename}: {result.status}{read_as}: {result.message}"
                    )
                progress.update(1)
        elapsed = time.perf_counter() - started
        verbosity = options["verbosity"]
        for line in problems if verbosity >= 1 else []:
            self.stdout.write(line)
        self.stdout.write(
            f"{counted(len(paths), 'file')}: {counts['imported']} imported, "
            f"{counts['duplicate']} duplicate, {counts['rejected']} rejected; "
            f"{counted(documents, 'document')} added to “{project.name}” in {elapsed:.1f} s."
        )
        if counts["rejected"] and verbosity >= 1:
            rejected = counted(counts["rejected"], "file")
            self.stderr.write(self.style.WARNING(f"{rejected} rejected."))
        if new:
            self._index_for_search(new, project.pk)

    def _index_for_search(self, ids: list[int], project_id: int) -> None:
        """The documents are in; now their search vectors, or a task that builds them."""
        started = time.perf_counter()
        result = index_documents.enqueue(ids, project_id)
        if result.status == TaskResultStatus.SUCCESSFUL:
            if result.return_value:  # none on SQLite, which has no search index
                self.stdout.write(
                    f"Indexed {counted(result.return_value, 'document')} for search in "
                    f"{time.perf_counter() - started:.1f} s."
                )
        elif result.status == TaskResultStatus.FAILED:
            self.stderr.write(
                self.style.WARNING(
                    "Indexing for search failed; searches read the new documents' texts "
                    "(more slowly) until the next import or `manage.py reindex_documents`."
                )
            )
        else:
            self.stdout.write(
                "Indexing for search is queued; until it runs, searches read the new "
                "documents' texts directly."
            )

    def _user(self, project: Project, username: str | None):
        users = get_user_model().objects
        if username is None:
            membership = (
                project.memberships.filter(role=Role.OWNER).order_by("created_at", "id").first()
            )
            if membership is None:
                raise CommandError("The project has no owner; name a user with --user.")
            return membership.user
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is named “{username}”.")
        role = role_in(user, project)
        if role is None or not role.can_annotate:
            raise CommandError(
                f"{username} may not import into this project (owners and annotators may)."
            )
        return user

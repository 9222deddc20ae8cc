"""Build the search index of documents that have none, or rebuild it.

python manage.py reindex_documents [--project SLUG] [--all]
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from corpus import search
from corpus.models import Project
from corpus.words import counted


class Command(BaseCommand):
    help = (
        "Store the search vectors of documents that have none (an indexing that failed or "
        "never ran), or with --all rebuild every one. PostgreSQL only; searches find "
        "unindexed documents meanwhile, by reading their texts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Only this project's documents (its slug).")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Compute every document's vector anew, not only the missing ones.",
        )

    def handle(self, *args, **options) -> None:
        project_id = None
        if options["project"]:
            project = Project.objects.filter(slug=options["project"]).first()
            if project is None:
                raise CommandError(f"No project has the slug “{options['project']}”.")
            project_id = project.pk
        if connection.vendor != "postgresql":
            self.stdout.write(
                "SQLite has no search index to build; searches read the documents' texts."
            )
            return
        started = time.perf_counter()
        if options["all"]:
            count = search.rebuild_index(project_id)
            done = f"Rebuilt the search vectors of {counted(count, 'document')}"
        else:
            count = search.index_pending(project_id)
            if not count:
                self.stdout.write("Nothing to index: every document has its search vector.")
                return
            done = f"Indexed {counted(count, 'document')} for search"
        self.stdout.write(f"{done} in {time.perf_counter() - started:.1f} s.")

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotate import demo
from annotate.models import Actor, Annotation, Claim
from annotate.services.annotations import create_annotation
from corpus.models import Document, Membership, Project, Role, content_hash
from corpus.services import create_document, normalize_text


def find_passage(text: str, quote: str) -> tuple[int, int]:
    """The offsets of the one place ``quote`` stands in ``text``."""
    start = text.find(quote)
    if start < 0:
        raise CommandError(f"Demo quote not found: {quote!r}")
    if text.find(quote, start + 1) >= 0:
        raise CommandError(f"Demo quote is ambiguous, it stands twice: {quote!r}")
    return start, start + len(quote)


class Command(BaseCommand):
    help = (
        "Create the demo project (sample corpus, codebook, statements) and the demo/demo "
        "account. Running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username="demo")
        if created:
            user.set_password("demo")
            user.save()
        project, _ = Project.objects.get_or_create(
            slug=demo.PROJECT["slug"],
            defaults={"name": demo.PROJECT["name"], "description": demo.PROJECT["description"]},
        )
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.OWNER})

        documents: dict[str, Document] = {}
        for spec in demo.DOCUMENTS:
            raw = (demo.CORPUS_DIR / spec["file"]).read_bytes()
            text = normalize_text(raw.decode("utf-8"))
            # By its text, or by its file for a demo loaded before its copy was cleaned.
            existing = (
                Document.objects.filter(project=project, content_hash=content_hash(text)).first()
                or Document.objects.filter(project=project, original_filename=spec["file"]).first()
            )
            if existing is None:
                existing = create_document(
                    project=project,
                    text=text,
                    title=spec["title"],
                    source_name=spec["source_name"],
                    author=spec.get("author", ""),
                    published_at=date.fromisoformat(spec["published_at"]),
                    language=spec["language"],
                    created_by=user,
                    original=raw,
                    original_filename=spec["file"],
                    original_encoding="utf-8",
                )
            documents[spec["file"]] = existing

        actors: dict[str, Actor] = {}
        for name, kind, affiliation, aliases in demo.ACTORS:
            actors[name], _ = Actor.objects.get_or_create(
                project=project,
                name=name,
                defaults={
                    "kind": kind,
                    "aliases": aliases,
                    "affiliation": actors.get(affiliation) if affiliation else None,
                },
            )
        claims: dict[str, Claim] = {}
        for label, parent, description in demo.CLAIMS:
            claims[label], _ = Claim.objects.get_or_create(
                project=project,
                label=label,
                defaults={
                    "description": description,
                    "parent": claims.get(parent) if parent else None,
                },
            )

        added = 0
        passages = [(f, q, a, c, s, n) for f, q, a, c, s, n in demo.STATEMENTS] + [
            (f, q, None, c, None, "") for f, q, c in demo.HIGHLIGHTS
        ]
        for file, quote, actor, claim, stance, note in passages:
            document = documents[file]
            start, end = find_passage(document.text, quote)
            if Annotation.objects.filter(document=document, start=start, end=end).exists():
                continue
            create_annotation(
                document=document,
                start=start,
                end=end,
                quote=quote,
                actor=actors[actor] if actor else None,
                claim=claims[claim] if claim else None,
                stance=stance,
                note=note,
                created_by=user,
            )
            added += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo project “{project.name}”: {len(documents)} documents, {len(actors)} actors, "
                f"{len(claims)} claims, {added} new annotations. Sign in as demo / demo."
            )
        )

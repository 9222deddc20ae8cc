"""Writes to projects and documents. Every interface (pages, API, commands) calls these."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils.text import slugify

from . import hooks
from .characters import text_problem
from .models import Document, Membership, Project, Role, content_hash
from .tasks import index_after_commit

#: Document fields that describe the source and never move offsets.
METADATA_FIELDS = (
    "title",
    "source_name",
    "source_url",
    "author",
    "published_at",
    "language",
    "notes",
    "metadata",
)


class DuplicateDocument(ValidationError):
    """The project already holds a document with the same normalised text."""

    def __init__(self, existing: Document):
        self.existing = existing
        super().__init__(
            {
                "text": ValidationError(
                    f"This text is already in the project as “{existing.title}” "
                    f"(document {existing.pk}).",
                    code="duplicate",
                )
            }
        )


_METADATA_NAMES = frozenset(METADATA_FIELDS)


def normalize_text(text: str) -> str:
    """Unicode NFC with every line break as \\n; nothing else is changed or dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_SURROGATES = re.compile("[\ud800-\udfff]")


def unstorable_character(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None: a NUL character (PostgreSQL keeps none in
    text or JSON) or a lone surrogate (half of a UTF-16 pair, left by a broken ``\\ud800``
    escape, which no encoding can write). The message never repeats the value, which
    could not be shown either."""
    if "\x00" in value:
        return (
            f"It contains a NUL character (at character {value.index(chr(0)) + 1}), "
            "which cannot be stored; remove it."
        )
    if not value.isascii() and (match := _SURROGATES.search(value)):
        return (
            "It contains an invalid character (half of a UTF-16 surrogate pair, as a broken "
            f"\\u escape leaves, at character {match.start() + 1}); remove it."
        )
    return None


def _metadata_problem(metadata: dict[str, Any]) -> str | None:
    """The first unstorable name or value in ``metadata``, at any depth, in words.
    Walked with a stack rather than by recursion, so that any nesting depth is safe."""
    stack: list[tuple[str, Any]] = [("", metadata)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (problem := unstorable_character(key)):
                    return f"A name in the metadata is refused. {problem}"
                stack.append((where or str(key), item))
        elif isinstance(value, list):
            stack.extend((where, item) for item in value)
        elif isinstance(value, str) and (problem := unstorable_character(value)):
            return f"The metadata value of “{where[:60]}” is refused. {problem}"
    return None


def _validate_metadata(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[ValidationError]] = {}
    cleaned = dict(fields)
    for name, value in cleaned.items():
        if isinstance(value, str) and (problem := unstorable_character(value)):
            errors.setdefault(name, []).append(ValidationError(problem, code="invalid_character"))
    if isinstance(cleaned.get("metadata"), dict) and (
        problem := _metadata_problem(cleaned["metadata"])
    ):
        errors.setdefault("metadata", []).append(ValidationError(problem, code="invalid_character"))
    if errors:
        raise ValidationError(errors)
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
        if not cleaned["title"]:
            errors.setdefault("title", []).append(
                ValidationError("A document needs a title.", code="required")
            )
        elif problem := text_problem(cleaned["title"]):
            errors.setdefault("title", []).append(ValidationError(problem, code="invalid"))
        elif len(cleaned["title"]) > 500:
            errors.setdefault("title", []).append(
                ValidationError("A title has at most 500 characters.", code="max_length")
            )
    if cleaned.get("source_url"):
        try:
            URLValidator(schemes=["http", "https"])(cleaned["source_url"])
        except ValidationError:
            errors.setdefault("source_url", []).append(
                ValidationError("Enter a full http(s) URL.", code="invalid")
            )
    published = cleaned.get("published_at")
    if published is not None and not isinstance(published, datetime.datetime):
        if isinstance(published, datetime.date):
            cleaned["published_at"] = datetime.datetime.combine(
                published, datetime.time(), tzinfo=datetime.UTC
            )
        else:
            errors.setdefault("published_at", []).append(
                ValidationError("Enter a date or a date and time.", code="invalid")
            )
    if isinstance(cleaned.get("published_at"), datetime.datetime) and (
        cleaned["published_at"].tzinfo is None
    ):
        cleaned["published_at"] = cleaned["published_at"].replace(tzinfo=datetime.UTC)
    if "metadata" in cleaned and not isinstance(cleaned["metadata"], dict):
        errors.setdefault("metadata", []).append(
            ValidationError("Metadata must be an object of names and values.", code="invalid")
        )
    # The columns' own limits (a valid URL may be longer than its column).
    for name in ("source_name", "source_url", "author", "language"):
        column = Document._meta.get_field(name)
        assert isinstance(column, models.CharField)
        limit = column.max_length or 0
        if len(cleaned.get(name) or "") > limit:
            errors.setdefault(name, []).append(
                ValidationError(f"At most {limit} characters.", code="max_length")
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _checked_text(text: str) -> str:
    """The text normalised, or a ValidationError on ``text`` when it is empty or holds a
    character that cannot be stored."""
    if problem := unstorable_character(text):
        raise ValidationError({"text": ValidationError(problem, code="invalid_character")})
    text = normalize_text(text)
    if not text or text.isspace():
        raise ValidationError({"text": ValidationError("The document has no text.", code="empty")})
    return text


def _storable_name(name: str) -> str:
    """A file name as it can be stored: NUL dropped, a lone surrogate (an undecodable byte
    in a name read from disk) shown as U+FFFD."""
    return _SURROGATES.sub("\ufffd", name.replace("\x00", ""))


def prepare_document(
    *,
    project: Project,
    text: str,
    title: str,
    created_by: User | None = None,
    original: bytes = b"",
    original_filename: str = "",
    original_encoding: str = "",
    **metadata: Any,
) -> Document:
    """Validate and build an unsaved document; importers save many of these in one batch."""
    unknown = metadata.keys() - _METADATA_NAMES
    if unknown:
        raise TypeError(f"Unknown document fields: {', '.join(sorted(unknown))}")
    text = _checked_text(text)
    fields = _validate_metadata({"title": title, **metadata})
    fields.setdefault("metadata", {})
    values = {
        key: ("" if value is None and key != "published_at" else value)
        for key, value in fields.items()
    }
    document = _new_document(
        project_id=project.pk,
        text=text,
        content_hash=content_hash(text),
        created_by_id=created_by.pk if created_by is not None else None,
        original=original,
        original_filename=_storable_name(original_filename)[:500],
        original_encoding=original_encoding,
        **values,
    )
    # What Document(project=..., created_by=...) would remember, without a query later.
    fields_cache = document._state.fields_cache
    fields_cache["project"] = project
    fields_cache["created_by"] = created_by
    return document


@functools.cache
def _document_fields() -> list[tuple[str, Any]]:
    """Each column's attribute name and its default (or the field, to call for one)."""
    return [
        (
            field.attname,
            field if field.has_default() and callable(field.default) else field.get_default(),
        )
        for field in Document._meta.concrete_fields
    ]


def _new_document(**values: Any) -> Document:
    """``Document(**values)`` by attribute names, built the faster way Django builds rows
    it reads, positionally: an import makes thousands."""
    return Document(
        *[
            values[name]
            if name in values
            else (default.get_default() if isinstance(default, models.Field) else default)
            for name, default in _document_fields()
        ]
    )


def create_document(
    *,
    project: Project,
    text: str,
    title: str,
    created_by: User | None = None,
    original: bytes = b"",
    original_filename: str = "",
    original_encoding: str = "",
    **metadata: Any,
) -> Document:
    """Create a document from raw text.

    The text is normalised (NFC, ``\\n`` line breaks). Refuses an empty text, bad
    metadata, and a text the project already holds (:class:`DuplicateDocument`).
    """
    document = prepare_document(
        project=project,
        text=text,
        title=title,
        created_by=created_by,
        original=original,
        original_filename=original_filename,
        original_encoding=original_encoding,
        **metadata,
    )
    with transaction.atomic():
        existing = (
            Document.objects.filter(project=project, content_hash=document.content_hash)
            .only("id", "title")
            .first()
        )
        if existing is not None:
            raise DuplicateDocument(existing)
        document.save()
    index_after_commit([document.pk])
    return document


def update_document_metadata(*, document: Document, **fields: Any) -> Document:
    """Change what describes a document (title, source, dates…); offsets never move."""
    unknown = set(fields) - set(METADATA_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: ValidationError(
                    "This field cannot be changed here; only metadata can.", code="read_only"
                )
                for name in sorted(unknown)
            }
        )
    cleaned = _validate_metadata(fields)
    for name, value in cleaned.items():
        setattr(document, name, "" if value is None and name != "published_at" else value)
    document.save(update_fields=[*cleaned, "updated_at"])
    return document


def change_document_text(*, document: Document, text: str) -> Document:
    """Replace a document's text, refused while anything is anchored to it."""
    reasons = hooks.text_lock_reasons(document)
    if reasons:
        raise ValidationError({"text": ValidationError(" ".join(reasons), code="locked")})
    text = _checked_text(text)
    new_hash = content_hash(text)
    with transaction.atomic():
        existing = (
            Document.objects.filter(project=document.project_id, content_hash=new_hash)
            .exclude(pk=document.pk)
            .only("id", "title")
            .first()
        )
        if existing is not None:
            raise DuplicateDocument(existing)
        document.text = text
        document.content_hash = new_hash
        document.save(update_fields=["text", "content_hash", "updated_at"])
    return document


#: Slugs that would shadow a page of the project list (/projects/new/).
RESERVED_SLUGS = frozenset({"new"})


def create_project(*, name: str, owner: User, description: str = "") -> Project:
    """Create a project with a unique slug and make its creator the owner."""
    # Tabs and line breaks may run over lines in the description; in the name they
    # become spaces. Any other invisible character is refused in both.
    problems = {
        field: [problem]
        for field, value in (("name", name), ("description", description))
        if (problem := text_problem(value))
    }
    if problems:
        raise ValidationError(problems)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ValidationError("A project needs a name.", code="required")})
    base = slugify(name)[:180] or "project"
    if base in RESERVED_SLUGS:  # words in the projects' own URLs
        base = f"{base}-project"
    with transaction.atomic():
        slug, n = base, 1
        while slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        project = Project.objects.create(name=name, slug=slug, description=description)
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def update_project(
    *,
    project: Project,
    changed_by: User,
    name: str | None = None,
    description: str | None = None,
    independent_coding: bool | None = None,
) -> Project:
    """Change a project's name, description or independent coding (owners; the caller
    checks). Turning independent coding on or off only changes who sees what."""
    problems = {
        field: [problem]
        for field, value in (("name", name), ("description", description))
        if value is not None and (problem := text_problem(value))
    }
    if problems:
        raise ValidationError(problems)
    changed: list[str] = []
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationError(
                {"name": ValidationError("A project needs a name.", code="required")}
            )
        project.name = name
        changed.append("name")
    if description is not None:
        project.description = description
        changed.append("description")
    if independent_coding is not None:
        project.independent_coding = independent_coding
        changed.append("independent_coding")
    if changed:
        project.save(update_fields=changed)
    return project


# Members -------------------------------------------------------------------------------


def _check_role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError(
            {"role": [f"{role!r} is not a role; use one of {', '.join(Role.values)}."]}
        )
    return Role(role)


def _other_owners(membership: Membership) -> int:
    # Locking the project's owners serialises concurrent demotions and removals, so
    # two owners cannot each leave the other as the last one and then both go.
    owners = list(
        Membership.objects.select_for_update()
        .filter(project=membership.project_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    return len([pk for pk in owners if pk != membership.pk])


def add_member(*, project: Project, username: str, role: str, added_by: User | None) -> Membership:
    """Give an existing user a role in the project."""
    role = _check_role(role)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": ["Give the username of the person to add."]})
    users = get_user_model().objects
    user = (
        users.filter(username=username).first()
        or users.filter(username__iexact=username).order_by("pk").first()
    )
    if user is None:
        raise ValidationError({"username": [f"There is no user named “{username}”."]})
    with transaction.atomic():
        if Membership.objects.filter(project=project, user=user).exists():
            raise ValidationError(
                {"username": [f"{user.get_username()} is already a member of this project."]}
            )
        return Membership.objects.create(project=project, user=user, role=role)


def change_role(*, membership: Membership, role: str, changed_by: User | None) -> Membership:
    """Change a member's role; the project always keeps at least one owner."""
    role = _check_role(role)
    with transaction.atomic():
        if membership.role == Role.OWNER and role != Role.OWNER and _other_owners(membership) == 0:
            raise ValidationError(
                {
                    "role": [
                        f"{membership.user.get_username()} is the project's only owner; "
                        "make someone else an owner first."
                    ]
                }
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership: Membership, removed_by: User | None) -> None:
    """Take a member out of the project; the last owner cannot be removed."""
    with transaction.atomic():
        others = _other_owners(membership)
        membership.refresh_from_db(fields=["role"])
        if membership.role == Role.OWNER and others == 0:
            raise ValidationError(
                {
                    "non_field_errors": [
                        f"{membership.user.get_username()} is the project's only owner and "
                        "cannot be removed; make someone else an owner first."
                    ]
                }
            )
        membership.delete()


def delete_document(*, document: Document) -> None:
    """Delete a document with everything anchored to it (owners only, checked by callers)."""
    with transaction.atomic():
        document.delete()


def rotate_api_token(*, user: User) -> str:
    """Give the user a new API token; the old one stops working at once."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key

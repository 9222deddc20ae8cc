"""Each of corpus's fast paths (listed in ``corpus.fastpaths``) writes, or reads, the rows
that the ORM would. The change is made both ways from the same database and the rows
compared field by field, leaving out only new ids and the moments of writing."""

from __future__ import annotations

import copy
import datetime
import time
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.http import QueryDict
from django.utils.translation import gettext_lazy
from django_filters.filterset import BaseFilterSet
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.test import APIClient

from annotate.api.serializers import AnnotationSerializer
from annotate.models import Annotation
from corpus.api.authentication import TokenAuthentication
from corpus.api.documents import DocumentListSerializer, document_list_rows
from corpus.api.renderers import JSONRenderer
from corpus.api.writes import StrictFields
from corpus.importing.pipeline import _insert
from corpus.jobs import store_files
from corpus.models import Document, DocumentSearch, Job, JobFile
from corpus.postgresql.base import DatabaseWrapper
from corpus.search import index_documents, search_vector
from corpus.services import prepare_document, update_document_metadata
from tests.equivalence import each_way, postgresql_only, without
from tests.factories import make_document


def _drafts(cast) -> list[Document]:
    return [
        prepare_document(project=cast.project, text="Abe met Putin.", title="Summit"),
        prepare_document(
            project=cast.project,
            text="Naryshkin said sanctions are an obstacle. " * 200,  # long: compressed
            title="Sanctions",
            created_by=cast.bob,
            original="Naryshkin…\r\n".encode("cp1251", errors="replace") + b"\x00\xff",
            original_filename="sanctions.txt",
            original_encoding="cp1251",
            source_name="TASS",
            source_url="https://tass.example/1",
            author="Staff",
            published_at=datetime.datetime(2016, 12, 15, 9, 30, tzinfo=datetime.UTC),
            language="en",
            notes="a note",
            metadata={"section": "politics", "pages": [1, 2], "tab\t": "\\"},
        ),
    ]


def _document_rows(documents) -> list[dict]:
    ids = [d.pk for d in documents]
    rows: list[dict[str, Any]] = [
        dict(row) for row in Document.objects.filter(pk__in=ids).order_by("pk").values()
    ]
    for row in rows:
        row["original"] = bytes(row["original"])  # a memoryview on PostgreSQL
    # What the import hands back is what was stored.
    assert [(d.pk, d.created_at, d.updated_at) for d in documents] == [
        (row["id"], row["created_at"], row["updated_at"]) for row in rows
    ]
    return rows


def test_imported_documents_are_what_save_writes(cast):
    # PostgreSQL COPYs with reserved ids; SQLite goes through bulk_create.
    def import_them() -> list[Document]:
        documents = _drafts(cast)
        _insert(documents)
        return documents

    def save_them() -> list[Document]:
        documents = _drafts(cast)
        for document in documents:
            document.save()
        return documents

    fast, orm = each_way(import_them, save_them, rows=_document_rows)
    moments = ("id", "created_at", "updated_at")
    assert without(fast, *moments) == without(orm, *moments)
    assert fast[1]["original"].endswith(b"\x00\xff")


def test_an_import_jobs_stored_files_are_what_create_writes(cast):
    # PostgreSQL COPYs them in binary; SQLite goes through bulk_create.
    def files() -> list[SimpleUploadedFile]:
        return [
            SimpleUploadedFile("abe.txt", b"Abe met Putin.\r\n"),
            SimpleUploadedFile("bytes.txt", b"\x00\xff\\\t" * 3000),  # long: compressed
            SimpleUploadedFile("Überblick – 2016.txt", "Кратко.".encode("cp1251")),
        ]

    def job() -> Job:
        return Job.objects.create(kind=Job.Kind.IMPORT, project=cast.project, owner=cast.bob)

    def store() -> Job:
        stored = job()
        store_files(stored, files())
        return stored

    def create() -> Job:
        created = job()
        for position, file in enumerate(files()):
            JobFile.objects.create(
                job=created, position=position, name=file.name or "upload", content=file.read()
            )
        return created

    def rows(stored: Job) -> list[dict[str, Any]]:
        found = JobFile.objects.filter(job=stored).order_by("position")
        return [
            {**row, "content": bytes(row["content"]), "job_id": row["job_id"] == stored.pk}
            for row in found.values()
        ]

    fast, orm = each_way(store, create, rows=rows)
    assert without(fast, "id") == without(orm, "id")
    assert [row["name"] for row in fast] == ["abe.txt", "bytes.txt", "Überblick – 2016.txt"]


def test_document_rows_are_what_the_list_serializer_writes(cast):
    documents = _drafts(cast)
    _insert(documents)
    Document.objects.filter(pk=documents[1].pk).update(metadata={"nested": {"a": [1, None]}})
    listed = Document.objects.filter(pk__in=[d.pk for d in documents]).order_by("pk")

    rows = document_list_rows(listed)

    assert rows == [dict(row) for row in DocumentListSerializer(listed, many=True).data]
    assert rows[0]["published_at"] is None
    assert rows[1]["published_at"] == "2016-12-15T09:30:00Z"


def _vectors_agree() -> None:
    stored = dict(DocumentSearch.objects.values_list("document_id", "vector"))
    computed = dict(Document.objects.annotate(vector=search_vector()).values_list("id", "vector"))
    assert stored == computed


@postgresql_only
def test_stored_search_vectors_are_what_the_orm_computes(cast):
    documents = _drafts(cast)
    _insert(documents)
    assert index_documents([d.pk for d in documents]) == 2
    _vectors_agree()
    # The database's trigger rewrites a vector when the title or the text changes.
    update_document_metadata(document=documents[0], title="Summit in Tokyo")
    Document.objects.filter(pk=documents[1].pk).update(text=Concat(F("text"), Value(" Kuril")))
    _vectors_agree()


def test_a_token_loads_the_user_the_orm_loads(cast):
    token = Token.objects.create(user=cast.bob)
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    expected = Token.objects.select_related("user").get(key=token.key).user
    fields = [f.attname for f in type(expected)._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(expected, name) for name in fields]


def test_the_api_renderer_writes_what_drf_writes():
    # orjson in place of DRF's encoder: the same bytes for every kind of value the API
    # answers with, moments in and out of UTC, with and without microseconds included.
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    data: dict[Any, Any] = {
        "results": [
            {
                "id": 2**53 + 1,
                "moment": datetime.datetime(2024, 2, 29, 23, 59, 59, 120, tzinfo=datetime.UTC),
                "whole_second": datetime.datetime(2016, 12, 15, 9, 30, tzinfo=datetime.UTC),
                "in_tokyo": datetime.datetime(2016, 12, 15, 9, 30, 1, 5, tzinfo=tokyo),
                "day": datetime.date(2016, 12, 15),
                "text": 'ünïcode "quoted" \\ \t \x00 \u2028 \u2029 \U0001f600',
                "lazy": gettext_lazy("Not found."),
                "error": ErrorDetail("This field is required.", code="required"),
                "flags": [True, False, None, 0, -1, 1.5],
                "pair": (1, "two"),
            }
        ],
        7: "a key that is a number",
        "empty": {},
    }
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)
    # Integers beyond 64 bits, which orjson refuses, JSON allows.
    data["results"][0]["huge"] = [2**64, -(2**63) - 1, 10**40]
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)
    assert JSONRenderer().render(None) == DRFJSONRenderer().render(None) == b""


def test_a_listed_document_page_is_what_drf_writes_of_the_instances(cast):
    # The list reads rows of values and leaves moments to orjson; DRF's own renderer,
    # given the list serializer's answer for the instances, must write the very same bytes.
    full = make_document(
        cast.project,
        title="Abe and Putin \u2028 meet",
        text="Abe met Putin in Nagato to talk about sanctions.",
        source_name="Asahi",
        source_url="https://example.com/a?b=1&c=ü",
        author="Staff",
        published_at=datetime.datetime(2016, 12, 15, 9, 30, 0, 120, tzinfo=datetime.UTC),
        language="en",
        notes='one\u2029two "quoted" ünïcode',
        metadata={"section": "Politics", "page": 3, "tags": ["a", "b"], "nested": {"x": None}},
    )
    bare = make_document(cast.project, title="Bare", text="Nothing about sanctions here at all.")
    # A moment without microseconds is written without them, both ways.
    Document.objects.filter(pk=bare.pk).update(
        updated_at=datetime.datetime(2024, 2, 29, 23, 59, 59, tzinfo=datetime.UTC)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.bob).key}")
    instances = Document.objects.filter(pk__in=[full.pk, bare.pk]).order_by("id")
    expected = {
        "next": None,
        "previous": None,
        "results": DocumentListSerializer(instances, many=True).data,
    }
    for query in ("", "&search=sanctions"):
        response = client.get(f"/api/documents/?project={cast.project.pk}{query}")
        assert response.status_code == 200
        assert response.content == DRFJSONRenderer().render(expected)


@postgresql_only
def test_moments_load_as_django_loads_them(db):
    # psycopg's loader in C in place of Django's: the same aware moments, in UTC.
    sql = "SELECT x FROM (VALUES (%s::timestamptz), (%s::timestamptz), (%s::timestamptz)) v(x)"
    params = ["2016-12-15 09:30:00.000001+09", "2024-02-29 23:59:59Z", "0001-01-01 00:00:00Z"]
    wrapper = connections[DEFAULT_DB_ALIAS]
    assert isinstance(wrapper, DatabaseWrapper) and wrapper.loads_moments_natively()
    with connection.cursor() as cursor:
        natively = cursor.execute(sql, params).fetchall()
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        by_django = cursor.execute(sql, params).fetchall()
    assert natively == by_django
    assert all(moment.tzinfo is datetime.UTC for (moment,) in natively + by_django)


@postgresql_only
def test_the_health_check_asks_no_query_of_an_idle_connection_and_finds_a_dead_one(db):
    checked = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        checked.connect()
        checked.connection.execute("SELECT 1")  # now idle, outside any transaction
        with mock.patch.object(type(checked.connection), "cursor", side_effect=AssertionError):
            assert checked.is_usable()
        # Ended by the server (as a restart or an idle timeout would): found at once.
        pid = checked.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if not checked.is_usable():
                break
            time.sleep(0.01)
        assert not checked.is_usable()  # so Django closes it and the next query opens one
    finally:
        checked.close()


@postgresql_only
def test_the_pools_check_asks_no_query_of_an_idle_connection_and_refuses_a_dead_one(db):
    import psycopg

    from corpus.postgresql.base import DatabaseWrapper, check_pooled

    pooling = DatabaseWrapper(
        {**connection.settings_dict, "CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"min_size": 1}}},
        alias="pooling",
    )
    assert pooling.pool._check is check_pooled
    pooling.close_pool()
    params = connection.get_connection_params()
    pooled = psycopg.Connection.connect(**params, autocommit=True)
    try:
        pooled.execute("SELECT 1")
        with mock.patch.object(type(pooled), "execute", side_effect=AssertionError):
            check_pooled(pooled)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pooled.info.backend_pid])
        time.sleep(0.05)
        # Refused as psycopg_pool's own check refuses it, so the pool opens another.
        with pytest.raises(psycopg.OperationalError):
            for _ in range(100):
                check_pooled(pooled)
                time.sleep(0.01)
    finally:
        pooled.close()


def _strict_serializers() -> list[type]:
    import config.urls  # noqa: F401  (imports every endpoint, so every serializer)

    found, todo = [], list(StrictFields.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if issubclass(cls, serializers.Serializer) and not issubclass(
            cls, serializers.ModelSerializer
        ):
            found.append(cls)
    return found


def test_fresh_fields_are_the_fields_drf_copies(db):
    # A write's serializer makes its fields from their declared arguments instead of
    # deep-copying them: the same fields, each its own.
    classes = _strict_serializers()
    assert AnnotationSerializer in classes
    for cls in classes:
        declared = cls._declared_fields  # type: ignore[attr-defined]
        copied = copy.deepcopy(declared)
        fresh = cls(context={}).fields
        assert list(fresh) == list(copied), cls
        for name, field in fresh.items():
            assert type(field) is type(copied[name]), (cls, name)
            assert repr(field) == repr(copied[name]), (cls, name)
            assert field is not declared[name]
    one, other = AnnotationSerializer(context={}), AnnotationSerializer(context={}, partial=True)
    assert other.fields["document"].read_only and not one.fields["document"].read_only


@pytest.mark.parametrize(
    "query",
    [
        {"complete": "true", "document": "1", "stance": "support"},
        {"complete": "false", "published_after": "2016-12-15", "created_by": "bob"},
        {"complete": "maybe", "document": "", "actor": "x"},
    ],
)
def test_filters_copied_shallowly_filter_as_deep_copies_do(cast, query):
    # Each request's filter set copies its filters shallowly (a method filter bound to
    # its copy): the same validation and the same query as django-filter's deep copy.
    from annotate.api.annotations import AnnotationFilter

    data = QueryDict(mutable=True)
    data.update(query)
    queryset = Annotation.objects.visible_to(cast.bob)
    ours = AnnotationFilter(data, queryset)
    theirs = AnnotationFilter.__new__(AnnotationFilter)
    BaseFilterSet.__init__(theirs, data, queryset)
    assert ours.is_valid() == theirs.is_valid()
    assert ours.errors == theirs.errors
    if ours.is_valid():
        assert str(ours.qs.query) == str(theirs.qs.query)
    for name, filter_ in ours.filters.items():
        assert filter_ is not AnnotationFilter.base_filters[name]
        assert filter_.parent is ours
        if filter_.method is not None:
            assert filter_.filter.f is filter_  # bound to this copy, not to the class's
    assert all(not hasattr(f, "parent") for f in AnnotationFilter.base_filters.values())


def test_the_redis_cache_shares_one_client_per_pool_as_django_would_build_it():
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from corpus.cache import RedisCache

    # Nothing connects until a command is sent, so no Redis server is needed here.
    ours = RedisCache("redis://127.0.0.1:6399/2", {"OPTIONS": {"socket_timeout": 2}})._cache
    django = DjangoRedisCache("redis://127.0.0.1:6399/2", {"OPTIONS": {"socket_timeout": 2}})
    client = ours.get_client()

    assert ours.get_client(write=True) is client
    assert client.connection_pool is ours._get_connection_pool(write=False)  # type: ignore[attr-defined]
    built = django._cache.get_client()
    assert type(client) is type(built)
    for name in ("host", "port", "db", "socket_timeout"):
        assert (
            client.connection_pool.connection_kwargs[name]
            == (built.connection_pool.connection_kwargs[name])
        )

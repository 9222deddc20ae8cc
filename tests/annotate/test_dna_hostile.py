"""A .dna file is an SQLite database, and so may hold views, triggers and computed columns
that make reading it endless or huge. Only real tables are read, in bounded time, rows
and value sizes; a file beyond those bounds is refused with the reason in its result."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotate import dna
from corpus.importing import Upload, import_files
from corpus.models import Document
from tests.annotate.test_dna import SCHEMA, build_dna

ENDLESS = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT * FROM c"


def schema_without(*tables: str) -> str:
    """The DNA schema with ``tables`` left out, so that views can take their names."""
    statements = [s for s in SCHEMA.split(";") if s.strip()]
    kept = [s for s in statements if not any(f"TABLE {t}(" in s for t in tables)]
    return ";".join(kept) + ";"


def hostile_file(path: Path, table: str, view: str) -> Path:
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 1024")
    db.executescript(schema_without(table))
    db.execute(f"CREATE VIEW {table} AS {view}")
    if table != "DOCUMENTS":
        db.execute(
            "INSERT INTO DOCUMENTS(ID, Title, Text, Date) "
            "VALUES (1, 'Abe', 'Abe flew to Sochi.', 0)"
        )
    db.commit()
    db.close()
    return path


def import_one(project, path: Path):
    [result] = import_files(project=project, uploads=[Upload.from_path(path)], created_by=None)
    return result


def test_a_small_file_whose_coders_table_is_an_endless_view_is_refused_at_once(cast, tmp_path):
    path = hostile_file(
        tmp_path / "endless.dna",
        "CODERS",
        f"SELECT n AS ID, 'x' AS Name, 0 AS Red, 0 AS Green, 0 AS Blue FROM ({ENDLESS})",
    )
    assert path.stat().st_size <= 32 * 1024

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert result.message == (
        "CODERS is a view, not a table; a DNA database is read from its tables only."
    )
    assert not Document.objects.exists()


def test_a_view_of_millions_of_rows_is_refused_without_reading_it(cast, tmp_path):
    path = hostile_file(
        tmp_path / "millions.dna",
        "DATASHORTTEXT",
        "SELECT n AS ID, n AS StatementId, 1 AS VariableId, 1 AS Entity "
        "FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
        "WHERE n < 3000000) SELECT n FROM c)",
    )

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert "DATASHORTTEXT is a view" in result.message


def test_a_real_table_with_more_rows_than_the_limit_is_refused_naming_the_limit(
    cast, tmp_path, monkeypatch
):
    monkeypatch.setattr(dna, "MAX_ROWS", 10)
    path = build_dna(tmp_path / "small.dna")

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert result.message == (
        "The DNA database has more than 10 rows to read; import it in smaller parts."
    )
    assert not Document.objects.exists()


def test_reading_that_takes_too_long_is_stopped_and_refused(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(dna, "MAX_SECONDS", 0.0)
    path = build_dna(tmp_path / "slow.dna")
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO ENTITIES(VariableId, Value) VALUES (?, ?)",
        [(1, f"Entity {n}") for n in range(20000)],
    )
    db.commit()
    db.close()

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert result.message == "Reading the DNA database took longer than 0 seconds; it was stopped."


def test_a_computed_column_that_makes_huge_values_is_refused(cast, tmp_path):
    path = tmp_path / "huge.dna"
    db = sqlite3.connect(path)
    db.executescript(
        schema_without("DOCUMENTS")
        + "CREATE TABLE DOCUMENTS(ID INTEGER PRIMARY KEY, Title TEXT, Coder INTEGER, "
        "Author TEXT, Source TEXT, Section TEXT, Notes TEXT, Type TEXT, Date INTEGER, "
        "Text TEXT GENERATED ALWAYS AS (replace(hex(zeroblob(5000000)), '0', 'xx')) VIRTUAL);"
    )
    db.execute("INSERT INTO DOCUMENTS(ID, Title, Date) VALUES (1, 'Abe', 0)")
    db.commit()
    db.close()

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert "larger than the file" in result.message


def test_triggers_in_a_dna_file_never_run(cast, tmp_path):
    path = build_dna(tmp_path / "trigger.dna")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TRIGGER t AFTER INSERT ON CODERS BEGIN "
        "INSERT INTO CODERS(Name) SELECT Name FROM CODERS; END"
    )
    db.commit()
    db.close()

    result = import_one(cast.project, path)

    assert result.status == "imported"
    assert result.imported == 2


@pytest.mark.parametrize("table", ["DOCUMENTS", "STATEMENTS"])
def test_a_required_table_that_is_a_view_is_refused_as_a_view(cast, tmp_path, table):
    path = hostile_file(tmp_path / "view.dna", table, "SELECT 1 AS ID")
    result = import_one(cast.project, path)
    assert result.status == "rejected"
    assert result.message.startswith(f"{table} is a view, not a table")


def test_a_document_whose_text_is_not_text_is_refused_naming_it(cast, tmp_path):
    path = build_dna(tmp_path / "null.dna")
    db = sqlite3.connect(path)
    db.execute("UPDATE DOCUMENTS SET Text = x'00ff' WHERE ID = 2")
    db.commit()
    db.close()

    result = import_one(cast.project, path)

    assert result.status == "rejected"
    assert result.message == "Document 2 (“Abe on sanctions”): its text is not text."

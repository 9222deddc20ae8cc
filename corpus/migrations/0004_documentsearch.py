"""PostgreSQL: documents' search vectors in a table of their own, filled after they arrive.

Computing a document's vector costs PostgreSQL about as much as everything else an
import does, so a new document comes without one and ``corpus.search.index_documents``
(the task of the same name) adds it afterwards. Until then a search reads the text of
the documents not indexed yet, so none is ever missing from the results. Vectors live
beside the documents rather than in a column of theirs, so that adding one writes a
small row instead of rewriting the document and every index on it. A trigger keeps a
vector current (or adds it) when its document's title or text changes; a vector is deleted
with its document. On SQLite the table stays empty: its search reads the text.
"""

import django.contrib.postgres.search
from django.db import migrations, models


def vector(row: str) -> str:
    """A row's search vector; corpus.search.vector_sql() is the same."""
    return (
        f"(setweight(to_tsvector('english'::regconfig, COALESCE({row}title, '')), 'A') || "
        f"setweight(to_tsvector('english'::regconfig, COALESCE({row}text, '')), 'B'))"
    )


FORWARD = f"""
INSERT INTO corpus_documentsearch (document_id, vector) SELECT id, {vector("")} FROM corpus_document;
CREATE INDEX corpus_documentsearch_vector ON corpus_documentsearch USING gin (vector);
DROP INDEX IF EXISTS corpus_document_search_idx;
CREATE FUNCTION corpus_document_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- An upsert: an indexer that read the old text, concurrently, yields to this vector.
    INSERT INTO corpus_documentsearch (document_id, vector) VALUES (NEW.id, {vector("NEW.")})
    ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END $$;
CREATE TRIGGER corpus_document_search_update AFTER UPDATE OF title, text ON corpus_document
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION corpus_document_search_update();
"""

BACKWARD = f"""
DROP TRIGGER IF EXISTS corpus_document_search_update ON corpus_document;
DROP FUNCTION IF EXISTS corpus_document_search_update();
DROP INDEX IF EXISTS corpus_documentsearch_vector;
CREATE INDEX corpus_document_search_idx ON corpus_document USING gin ({vector("")});
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0003_document_text_lz4")]
    operations = [
        migrations.CreateModel(
            name="DocumentSearch",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=models.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="corpus.document",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]

"""PostgreSQL: a transaction's events are numbered in one statement as it commits.

The deferred trigger of ``0012`` fires once per event row. Its first firing in a
transaction now numbers all of that transaction's provisional rows (the only negative ids
it can see: other transactions' are not yet visible to it) in the order they were
written, and notifies each project once; the firings after it find their row already
numbered and do nothing. An import of thousands of documents thus costs one UPDATE at
commit instead of one per document.
"""

from django.db import migrations

# corpus.events.WRITE_LOCK and CHANNEL, as they were when this was written.
WRITE_LOCK = 7_400_013
CHANNEL = "stancemap_events"

FORWARD = f"""
CREATE OR REPLACE FUNCTION corpus_event_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    notified integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM corpus_event WHERE id = NEW.id) THEN
        RETURN NULL;  -- numbered by an earlier firing of this transaction
    END IF;
    PERFORM pg_advisory_xact_lock({WRITE_LOCK});
    WITH pending AS (
        -- nextval in the select list of an ordered subquery: numbers follow write order.
        SELECT provisional, nextval(pg_get_serial_sequence('corpus_event', 'id')) AS id
        FROM (SELECT id AS provisional FROM corpus_event WHERE id < 0 ORDER BY id DESC) p
    ), numbered AS (
        UPDATE corpus_event e SET id = pending.id FROM pending
        WHERE e.id = pending.provisional
        RETURNING e.project_id
    )
    SELECT count(pg_notify('{CHANNEL}', project_id::text)) INTO notified
        FROM (SELECT DISTINCT project_id FROM numbered) projects;
    RETURN NULL;
END $$;
"""

BACKWARD = f"""
CREATE OR REPLACE FUNCTION corpus_event_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({WRITE_LOCK});
    UPDATE corpus_event SET id = nextval(pg_get_serial_sequence('corpus_event', 'id'))
        WHERE id = NEW.id;
    PERFORM pg_notify('{CHANNEL}', NEW.project_id::text);
    RETURN NULL;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0012_event_commit_order")]

    operations = [migrations.RunPython(forward, backward)]

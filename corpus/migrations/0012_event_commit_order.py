"""PostgreSQL: events are numbered as their transaction commits.

Services write events in the transaction of the change they report (``corpus.events``),
so an event's row exists from early in that transaction. Its id must nevertheless follow
commit order, or a stream could send event N+1 before N commits and never send N. A row
is therefore written with a provisional negative id; a deferred trigger, which runs as
the transaction commits, takes one advisory lock, numbers all of the transaction's
provisional rows in one statement (the only negative ids it can see), in the order they
were written, and notifies each project once; its later firings in that transaction find
their row numbered and do nothing. The lock is held only from that moment until the commit
is done, so writers queue for no more than a commit each. SQLite needs none of this: a
transaction holds the database's one write lock from its first write until it commits.
"""

from django.db import migrations

# corpus.events.WRITE_LOCK and CHANNEL, as they were when this was written.
WRITE_LOCK = 7_400_013
CHANNEL = "stancemap_events"

FORWARD = f"""
CREATE FUNCTION corpus_event_provisional() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.id := -abs(NEW.id);
    RETURN NEW;
END $$;

CREATE TRIGGER corpus_event_provisional BEFORE INSERT ON corpus_event
    FOR EACH ROW EXECUTE FUNCTION corpus_event_provisional();

CREATE FUNCTION corpus_event_number() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER corpus_event_number AFTER INSERT ON corpus_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION corpus_event_number();
"""

BACKWARD = """
DROP TRIGGER corpus_event_number ON corpus_event;
DROP FUNCTION corpus_event_number();
DROP TRIGGER corpus_event_provisional ON corpus_event;
DROP FUNCTION corpus_event_provisional();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0011_jobs_events")]

    operations = [migrations.RunPython(forward, backward)]

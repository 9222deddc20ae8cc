"""PostgreSQL: events are numbered as their transaction commits.

Services write events in the transaction of the change they report (``corpus.events``),
so an event's row exists from early in that transaction. Its id must nevertheless follow
commit order, or a stream could send event N+1 before N commits and never send N. A row
is therefore written with a provisional negative id; a deferred trigger, which runs as
the transaction commits, takes one advisory lock, gives the row its id from the table's
sequence and sends ``NOTIFY``. The lock is held only from that moment until the commit
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
BEGIN
    PERFORM pg_advisory_xact_lock({WRITE_LOCK});
    UPDATE corpus_event SET id = nextval(pg_get_serial_sequence('corpus_event', 'id'))
        WHERE id = NEW.id;
    PERFORM pg_notify('{CHANNEL}', NEW.project_id::text);
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

"""The audit trail is append-only at the database too, and its chain head row always exists."""

from django.db import migrations

PG_GUARD = """
CREATE OR REPLACE FUNCTION panah_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION panah_audit_append_only();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS panah_audit_append_only();
"""
# SQLite: updates are refused in the database; deletes are not, because Django's test flush empties tables with
# DELETE. audit_verify still detects a deleted event (broken link) or a deleted tail (chain head mismatch).
SQLITE_GUARD = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END;
"""
SQLITE_UNGUARD = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def guard(apps, schema_editor):
    sql = {"postgresql": PG_GUARD, "sqlite": SQLITE_GUARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


def unguard(apps, schema_editor):
    sql = {"postgresql": PG_UNGUARD, "sqlite": SQLITE_UNGUARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


def create_head(apps, schema_editor):
    head = apps.get_model("core", "AuditChainHead")
    head.objects.get_or_create(pk=1, defaults={"last_event_id": 0, "last_hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(guard, unguard),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]

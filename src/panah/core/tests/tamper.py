"""What an attacker with direct database access could do to the audit trail, for the tests that must catch it.

Each helper runs inside the test's transaction, so the test's rollback restores the guard and the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_guard_lifted() -> Iterator[None]:
    """Drop (SQLite) or disable (PostgreSQL) the append-only trigger, as an attacker with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
    yield


def raw_set_changes(event_id: int, changes_json: str) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET changes = {cast} WHERE id = %s", [changes_json, event_id])  # noqa: S608


def raw_delete(event_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event_id])

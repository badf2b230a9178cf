"""The hash chain: intact trails verify; altered, removed and truncated ones are caught; the database refuses edits."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from panah.core import audit
from panah.core.audit import Action
from panah.core.models import AuditChainHead, AuditEvent
from panah.core.tests.tamper import audit_guard_lifted, raw_delete, raw_set_changes

pytestmark = pytest.mark.django_db


def _three_events(user) -> list[AuditEvent]:
    return [
        audit.record(
            actor=user, action=Action.CREATE, object_type="demo.thing", object_id="1", changes={"name": [None, "a"]}
        ),
        audit.record(
            actor=user, action=Action.UPDATE, object_type="demo.thing", object_id="1", changes={"name": ["a", "b"]}
        ),
        audit.record(
            actor=user, action=Action.DELETE, object_type="demo.thing", object_id="1", metadata={"why": "dup"}
        ),
    ]


def test_recorded_events_chain_and_verify(make_user):
    user = make_user("im")
    before = audit.verify().checked

    first, second, third = _three_events(user)

    result = audit.verify()
    assert result.ok
    assert result.problems == []
    assert result.checked == before + 3
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditChainHead.objects.get(pk=audit.HEAD_PK)
    assert (head.last_event_id, head.last_hash) == (third.pk, third.hash)


def test_event_names_actor_and_organisation(make_user):
    user = make_user("im", username="sara")

    event = audit.record(actor=user, action=Action.READ, object_type="demo.thing", object_id="7")

    event.refresh_from_db()
    assert (event.actor_id, event.actor_username, event.actor_organisation) == (user.pk, "sara", "IOM")
    assert audit.compute_hash(event) == event.hash


def test_values_the_json_column_normalises_still_verify(make_user):
    # PostgreSQL's jsonb rewrites 1e+16 as 10000000000000000 and -0.0 as 0.0; the hash must survive that.
    changes = {"big": [1e16, 1e20], "zero": [-0.0, 0.5], "odd": [float("nan"), float("inf")], "tiny": [2.5e-7, None]}

    event = audit.record(actor=make_user("im"), action=Action.UPDATE, object_type="demo.thing", changes=changes)

    event.refresh_from_db()
    assert event.changes == {
        "big": [10**16, 10**20],
        "zero": [0.0, 0.5],
        "odd": ["nan", "inf"],
        "tiny": [2.5e-7, None],
    }
    assert audit.verify().ok


def test_altered_changes_are_reported_for_that_event_only(make_user):
    _, second, _ = _three_events(make_user("im"))

    with audit_guard_lifted():
        raw_set_changes(second.pk, '{"name": ["a", "forged"]}')

    result = audit.verify()
    assert not result.ok
    assert result.problems == [f"event {second.pk}: content does not match its hash (altered)"]


def test_event_deleted_in_the_middle_breaks_the_link(make_user):
    _, second, third = _three_events(make_user("im"))

    with audit_guard_lifted():
        raw_delete(second.pk)

    result = audit.verify()
    assert result.problems == [f"event {third.pk}: does not follow the event before it (missing or reordered events)"]


def test_last_event_deleted_is_a_head_mismatch(make_user):
    _, second, third = _three_events(make_user("im"))

    with audit_guard_lifted():
        raw_delete(third.pk)

    result = audit.verify()
    assert result.problems == [
        f"chain head names event {third.pk} but the last event is {second.pk} (events removed from the end)"
    ]


def test_event_of_a_rolled_back_transaction_is_gone_with_it(make_user):
    user = make_user("im")
    head_before = AuditChainHead.objects.get(pk=audit.HEAD_PK).last_hash
    count_before = AuditEvent.objects.count()

    def change_that_fails() -> None:
        with transaction.atomic():
            audit.record(actor=user, action=Action.UPDATE, object_type="demo.thing", object_id="9")
            raise RuntimeError("change failed")

    with pytest.raises(RuntimeError, match="change failed"):
        change_that_fails()

    assert AuditEvent.objects.count() == count_before
    assert not AuditEvent.objects.filter(object_type="demo.thing", object_id="9").exists()
    assert AuditChainHead.objects.get(pk=audit.HEAD_PK).last_hash == head_before
    assert audit.verify().ok


def test_database_refuses_update_of_an_event(make_user):
    event = audit.record(actor=make_user("im"), action=Action.UPDATE, object_type="demo.thing", object_id="1")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")

    event.refresh_from_db()
    assert event.action == Action.UPDATE
    assert audit.verify().ok


def test_database_refuses_delete_on_postgresql_and_verify_catches_it_on_sqlite(make_user):
    _, second, third = _three_events(make_user("im"))

    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=second.pk).delete()
        assert AuditEvent.objects.filter(pk=second.pk).exists()
        assert audit.verify().ok
    else:
        # SQLite keeps DELETE open because the test runner empties tables with it; the chain still tells.
        AuditEvent.objects.filter(pk=second.pk).delete()
        assert audit.verify().problems == [
            f"event {third.pk}: does not follow the event before it (missing or reordered events)"
        ]


def test_verify_of_an_empty_trail_is_ok():
    with audit_guard_lifted():
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.filter(pk=audit.HEAD_PK).update(last_event_id=0, last_hash=audit.GENESIS_HASH)

    result = audit.verify()

    assert (result.checked, result.ok) == (0, True)

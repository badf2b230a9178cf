"""Chain verification as a background task, on the immediate backend (tests) and the database one (`make run`)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from panah.core import audit
from panah.core.audit import Action
from panah.core.audit_tasks import verification_request, verification_status, verify_audit_chain
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_task_records_its_outcome_as_a_verify_event(make_user):
    auditor = make_user("auditor", username="audra")

    result = verify_audit_chain.enqueue(requested_by_id=auditor.pk)

    event = AuditEvent.objects.get(pk=result.return_value["event_id"])
    assert event.action == Action.VERIFY
    assert event.actor_username == "audra"
    assert event.object_type == "core.auditevent"
    assert event.metadata == {
        "checked": AuditEvent.objects.filter(pk__lt=event.pk).count(),
        "ok": True,
        "problem_count": 0,
        "problems": [],
        "task_id": result.id,
    }
    assert audit.verify().ok  # the VERIFY event extends the chain like any other


def test_scheduled_run_without_requester_is_recorded_as_system():
    result = verify_audit_chain.enqueue()

    event = AuditEvent.objects.get(pk=result.return_value["event_id"])
    assert (event.actor_id, event.actor_username) == (None, "")


def test_only_audit_roles_may_request_or_read_a_verification(make_user):
    im = make_user("im")

    with pytest.raises(ApplicationError) as refused:
        verification_request(actor=im)

    assert refused.value.status == 404
    assert not AuditEvent.objects.filter(action=Action.VERIFY).exists()
    done = verification_request(actor=make_user("dpo"))
    with pytest.raises(ApplicationError):
        verification_status(actor=im, task_id=done.task_id)


def test_with_the_database_backend_status_goes_from_queued_to_done(client, make_user, bearer, monkeypatch):
    headers = bearer(make_user("auditor"))
    # The worker closes connections between tasks; inside the test's transaction that would end the test's
    # connection (PostgreSQL), so the worker runs here without it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    with override_settings(TASKS=DATABASE_BACKEND):
        queued = client.post("/api/audit/verify", **headers).json()
        waiting = client.get(f"/api/audit/verify/{queued['task_id']}", **headers).json()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        done = client.get(f"/api/audit/verify/{queued['task_id']}", **headers).json()
        unknown = client.get("/api/audit/verify/0b6f4c4e-0000-4000-8000-000000000000", **headers)

    assert (queued["status"], queued["finished"], queued["checked"]) == ("READY", False, None)
    assert waiting["status"] == "READY"
    assert (done["status"], done["finished"], done["ok"]) == ("SUCCESSFUL", True, True)
    assert AuditEvent.objects.get(pk=done["event_id"]).metadata["task_id"] == queued["task_id"]
    assert unknown.status_code == 404


def test_page_panel_polls_while_the_run_is_queued(sign_in, make_user):
    client = sign_in(make_user("auditor"))

    with override_settings(TASKS=DATABASE_BACKEND):
        response = client.post("/audit/verify/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'hx-trigger="load delay:2s"' in html
    assert 'hx-get="/audit/verify/' in html

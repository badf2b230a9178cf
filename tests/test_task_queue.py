"""The database-backed task queue runs on whichever database Panah uses (SQLite or PostgreSQL)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from panah.core.audit_tasks import verify_audit_chain
from panah.core.models import AuditEvent

# Committed transactions, as in production: the worker closes and reopens connections between tasks, which a test
# wrapped in one transaction would not survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_enqueued_task_waits_in_the_database_until_a_worker_runs_it(settings, make_user):
    from panah.geo.services import reference_load

    reference_load()  # transactional tests start from empty tables
    settings.TASKS = DATABASE_TASKS
    auditor = make_user("auditor")

    result = verify_audit_chain.using(backend="default").enqueue(requested_by_id=auditor.pk)
    queued = DBTaskResult.objects.get(id=result.id)
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=StringIO(), stderr=StringIO()
    )
    done = DBTaskResult.objects.get(id=result.id)

    assert queued.status == "READY"
    assert done.status == "SUCCESSFUL"
    assert done.return_value["ok"] is True
    assert AuditEvent.objects.filter(action="audit.verify", actor_id=auditor.pk).count() == 1

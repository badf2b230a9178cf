"""Verifying the audit chain in the background; each check writes its outcome to the trail it checked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import TaskContext, TaskResult, TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from panah.core import audit
from panah.core.audit import Action
from panah.core.audit_selectors import Verification, verification_get
from panah.core.errors import not_found
from panah.core.models import AuditEvent
from panah.core.permissions import Perm, can

# The event keeps the first problems only: a badly broken chain would otherwise write a huge row.
PROBLEMS_KEPT = 20


def chain_verify(*, actor: Any, task_id: str = "") -> dict[str, Any]:
    """Walk the whole chain; writes a VERIFY event with the outcome, so every check is itself on the trail."""
    result = audit.verify()
    outcome: dict[str, Any] = {
        "checked": result.checked,
        "ok": result.ok,
        "problem_count": len(result.problems),
        "problems": result.problems[:PROBLEMS_KEPT],
    }
    if task_id:
        outcome["task_id"] = task_id
    event = audit.record(
        actor=actor, action=Action.VERIFY, object_type=audit.object_type_of(AuditEvent), metadata=outcome
    )
    return {**outcome, "event_id": event.pk}


@task(takes_context=True)
def verify_audit_chain(context: TaskContext, requested_by_id: int | None = None) -> dict[str, Any]:
    actor = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    return chain_verify(actor=actor, task_id=context.task_result.id)


def verification_request(*, actor: Any) -> Verification:
    """Queue a chain verification for someone who audits the trail; anyone else gets not-found."""
    if not can(actor, Perm.VIEW, AuditEvent):
        raise not_found("verification")
    # Enqueued at once rather than on commit: the caller needs the id, and the task reads only committed events.
    # With the database backend the queued row belongs to the caller's transaction anyway.
    result = verify_audit_chain.enqueue(requested_by_id=actor.pk)
    return _from_result(result)


def verification_status(*, actor: Any, task_id: str) -> Verification:
    """Status of one verification run; its outcome comes from the VERIFY event it wrote to the trail."""
    if not can(actor, Perm.VIEW, AuditEvent):
        raise not_found("verification")
    finished = verification_get(actor=actor, task_id=task_id)
    if finished is not None:
        return finished
    try:
        result = verify_audit_chain.get_result(task_id)
    except (NotImplementedError, TaskResultDoesNotExist, TaskResultMismatch):
        # NotImplementedError: a backend that keeps no results (the immediate one); its runs are known by their event.
        raise not_found("verification") from None
    return _from_result(result)


def _from_result(result: TaskResult[Any]) -> Verification:
    if result.status != TaskResultStatus.SUCCESSFUL:
        return Verification(task_id=result.id, status=str(result.status), finished_at=result.finished_at)
    value = result.return_value or {}
    return Verification(
        task_id=result.id,
        status=str(result.status),
        checked=value.get("checked"),
        ok=value.get("ok"),
        problem_count=value.get("problem_count"),
        problems=list(value.get("problems", [])),
        event_id=value.get("event_id"),
        finished_at=result.finished_at,
    )

"""Background work of the complaints and feedback mechanism: thin wrappers that call the services."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django_tasks import task

from panah.feedback.escalation import escalate_due


@task()
def escalate_overdue() -> dict[str, Any]:
    """One escalation run (the `feedback_escalate` command does the same from a timer)."""
    return asdict(escalate_due())

"""Service-level escalation: a ticket whose running step has used 80 % of its time goes to the supervisors, one past
its due time to the managers (the background note, section 2.4). Run by the system (no actor) from a timer.

Level 1 (80 % used): the assignee and the complaints officers holding the role over the ticket's area.
Level 2 (breached): the system administrators and complaints officers holding the role over the ticket's province.
A sealed ticket escalates to the PSEA focal points over its area only, at both levels: nobody else may learn of it.
A ticket found already past due that never reached level 1 goes straight to level 2, and its message goes to both
levels' people (the supervisors never heard of it). Each level is reached once per step: the level is kept on the
ticket under a row lock, so a second run, or two runs at once, send nothing twice; a new step starts at level 0.
Messages name the reference, the step and the due time, never what the person said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.selectors import role_holders
from panah.core import audit
from panah.core.notify import email
from panah.core.roles import Role
from panah.feedback import sla
from panah.feedback.choices import EventKind, Step
from panah.feedback.models import Ticket, TicketEvent
from panah.feedback.selectors import area_by_pcode, due_for_escalation

WARNED, BREACHED = 1, 2


@dataclass
class EscalationReport:
    """What one run did: tickets looked at, and the references raised to each level."""

    checked: int = 0
    warned: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)


def level_for(share: float) -> int:
    """0 below 80 % of the target used, 1 from 80 %, 2 from 100 % (due now or past)."""
    if share >= 1.0:
        return BREACHED
    return WARNED if share >= sla.ESCALATE_AT else 0


def escalate_due(*, now: datetime | None = None) -> EscalationReport:
    """Raise the escalation level of every running clock that crossed 80 % or 100 %; notify, record, audit."""
    now = now or timezone.now()
    report = EscalationReport()
    for ticket in due_for_escalation(now=now).prefetch_related("category__sla_targets"):
        report.checked += 1
        if _level_now(ticket, now) <= ticket.escalation_level:
            continue
        reached = _escalate(ticket.pk, now)
        if reached == WARNED:
            report.warned.append(ticket.reference)
        elif reached == BREACHED:
            report.breached.append(ticket.reference)
    return report


def _level_now(ticket: Ticket, now: datetime) -> int:
    # From the clock's own start and due time: a target changed in the settings since does not move it.
    if ticket.sla_started_at is None or ticket.due_at is None or not ticket.sla_step:
        return 0
    used = sla.share_of_clock(ticket.sla_started_at, ticket.due_at, now, working_time=ticket.sla_working_time)
    return level_for(used)


def _escalate(pk: int, now: datetime) -> int | None:
    """Escalate one ticket under its row lock; None when another run (or a step change) got there first."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("area", "category", "assigned_to")
            .prefetch_related("category__sla_targets")
            .get(pk=pk)
        )
        before, level = ticket.escalation_level, _level_now(ticket, now)
        if ticket.due_at is None or level <= before:
            return None
        ticket.escalation_level = level
        ticket.save(update_fields=["escalation_level", "updated_at"])
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.ESCALATION, at=now, level=level)
        audit.record(
            actor=None,
            action=audit.Action.UPDATE,
            obj=ticket,
            changes={"escalation_level": [before, level]},
            metadata={"step": ticket.sla_step, "due_at": ticket.due_at.isoformat()},
        )
        _notify(ticket, before, level)
    return level


def recipients(ticket: Ticket, before: int, level: int) -> list[str]:
    """The addresses told about `ticket` reaching `level` from `before` (see the module docstring)."""
    if ticket.sealed:
        return [u.email for u in role_holders(role=Role.PSEA_FOCAL_POINT, area=ticket.area)]
    users: list[Any] = []
    if before < WARNED <= level:
        if ticket.assigned_to is not None and ticket.assigned_to.is_active:
            users.append(ticket.assigned_to)
        users += role_holders(role=Role.CFM_OFFICER, area=ticket.area)
    if level >= BREACHED:
        province = _province(ticket.area)
        users += role_holders(role=Role.SYSTEM_ADMIN, area=province)
        users += role_holders(role=Role.CFM_OFFICER, area=province)
    return sorted({u.email for u in users if u.email})


def _province(area: Any) -> Any:
    # The province is the second P-code of the path (PK/PK5/...); a ticket placed at country level has none.
    codes = [c for c in area.path.split("/") if c]
    if len(codes) < 2:
        return area
    return area_by_pcode(codes[1]) or area


def _notify(ticket: Ticket, before: int, level: int) -> None:
    due = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M") if ticket.due_at else ""
    step = str(Step(ticket.sla_step).label) if ticket.sla_step in Step.values else ticket.sla_step
    if level >= BREACHED:
        subject = _("Panah: a feedback ticket is overdue")
        body = _("Ticket %(reference)s is past its due time for the step “%(step)s” (due %(due)s).")
    else:
        subject = _("Panah: a feedback ticket is nearly due")
        body = _("Ticket %(reference)s has used 80%% of its time for the step “%(step)s” (due %(due)s).")
    body = body % {"reference": ticket.reference, "step": step, "due": due}
    email(
        recipients=recipients(ticket, before, level),
        subject=subject,
        body=body + "\n\n" + _("Sign in to Panah to see it. Do not forward this message."),
    )

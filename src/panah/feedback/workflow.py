"""The life of an unsealed ticket, one function per step (the background note's state machine, section 5.2).

Triage -> assigned -> in progress (<-> on hold) -> response (four-eyes approval when it is about staff conduct) ->
responded or referred -> loop closed (the person told, or unreachable after three tries) -> reopened if disputed.
Each step checks the actor's right and the ticket's status under a row lock, restarts the service-level clock for
the next step, and writes a history line and an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.notify import email
from panah.core.permissions import Perm, can
from panah.feedback.choices import Closure, ContactMethod, EventKind, Status, Step
from panah.feedback.inputs import clean_text
from panah.feedback.models import Category, Routing, Ticket
from panah.feedback.services import add_event, seal_locked, start_clock, stop_clock

MAX_FAILED_CONTACTS = 3
HANDLING = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})


def _wrong_status(ticket: Ticket) -> ApplicationError:
    return ApplicationError(
        "wrong_status",
        _("Not possible while the ticket is %(status)s.") % {"status": ticket.get_status_display()},
        status=409,
    )


def _locked(actor: Any, ticket: Ticket, action: str, allowed: Collection[str]) -> Ticket:
    if ticket.sealed or not can(actor, action, ticket):
        raise not_found("ticket")
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("category", "area").get(pk=ticket.pk)
    if locked.sealed:
        raise not_found("ticket")
    if locked.status not in allowed:
        raise _wrong_status(locked)
    return locked


def _move(actor: Any, ticket: Ticket, to: str, *, text: str = "", changes: dict[str, Any] | None = None) -> None:
    before = ticket.status
    ticket.status = to
    ticket.save()
    add_event(ticket, actor=actor, kind=EventKind.TRANSITION, text=text, from_status=before, to_status=to)
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=ticket,
        changes={"status": [before, to], **(changes or {})},
    )


def _text(value: str, name: str, *, required: bool, limit: int = 4000) -> str:
    errors: list[FieldError] = []
    text = clean_text(value, name=name, limit=limit, required=required, errors=errors)
    if errors:
        raise invalid(_("The step cannot be recorded as given."), *errors)
    return text


def _route(ticket: Ticket) -> Any:
    """The focal point for the ticket's category in the deepest area that contains the ticket's area."""
    routes = Routing.objects.filter(category=ticket.category).select_related("area", "focal_point")
    best = None
    for route in routes:
        inside = ticket.area.path.startswith(route.area.path) and route.focal_point.is_active
        if inside and (best is None or len(route.area.path) > len(best.area.path)):
            best = route
    return best.focal_point if best else None


def _tell_assignee(t: Ticket) -> None:
    if t.assigned_to is not None:
        email(
            recipients=[t.assigned_to.email],
            subject=f"Panah: feedback {t.reference} is assigned to you",
            body=f"Feedback {t.reference} was assigned to you. The next step is due by {t.due_at:%Y-%m-%d %H:%M}.",
        )


def ticket_triage(*, actor: Any, ticket: Ticket, category: Category, about_staff: bool = False) -> Ticket:
    """Categorise a new ticket: a sensitive category seals it; otherwise it goes to the category's focal point."""
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.NEW, Status.TRIAGED})
        t.category, t.about_staff, t.triaged_at = category, about_staff, timezone.now()
        if category.sensitive:
            t.save(update_fields=["category", "about_staff", "triaged_at"])
            seal_locked(t, actor=actor, reason="category")
            return t
        t.assigned_to = _route(t)
        start_clock(t, Step.RESPOND)
        _tell_assignee(t)
        _move(
            actor,
            t,
            Status.ASSIGNED if t.assigned_to else Status.TRIAGED,
            changes={"category": [None, category.code], "about_staff": [False, about_staff]},
        )
    return t


def ticket_assign(*, actor: Any, ticket: Ticket, assignee: Any) -> Ticket:
    """Give a triaged ticket to a handler who may change it."""
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, HANDLING)
        if not can(assignee, Perm.CHANGE, t):
            raise invalid(
                _("This person cannot handle tickets here."), FieldError("assignee", _("Not a handler here."))
            )
        before = t.assigned_to_id
        t.assigned_to = assignee
        _tell_assignee(t)
        _move(
            actor,
            t,
            Status.ASSIGNED if t.status == Status.TRIAGED else t.status,
            changes={"assigned_to": [before, assignee.pk]},
        )
    return t


def ticket_start(*, actor: Any, ticket: Ticket) -> Ticket:
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.TRIAGED, Status.ASSIGNED, Status.ON_HOLD})
        if t.assigned_to_id is None:
            t.assigned_to = actor
        _move(actor, t, Status.IN_PROGRESS)
    return t


def ticket_hold(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Put a ticket on hold (waiting for information); the clock keeps running, so the wait shows in the figures."""
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.ASSIGNED, Status.IN_PROGRESS})
        _move(actor, t, Status.ON_HOLD, text=_text(reason, "reason", required=True))
    return t


def ticket_respond(*, actor: Any, ticket: Ticket, response: str) -> Ticket:
    """Record the response; one about staff conduct waits for a second person's approval."""
    response = _text(response, "response", required=True)
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.ASSIGNED, Status.IN_PROGRESS})
        t.response, t.response_by = response, actor
        if t.about_staff:
            start_clock(t, Step.APPROVE)
            _move(actor, t, Status.FOR_APPROVAL)
        else:
            t.responded_at = timezone.now()
            start_clock(t, Step.CLOSE_LOOP)
            _move(actor, t, Status.RESPONDED)
    return t


def ticket_approve(*, actor: Any, ticket: Ticket) -> Ticket:
    """Approve a drafted response: never by the person who drafted it (four eyes)."""
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.APPROVE, {Status.FOR_APPROVAL})
        if t.response_by_id == actor.pk:
            raise ApplicationError("four_eyes", _("Someone other than the author must approve this response."), 403)
        t.approved_by, t.responded_at = actor, timezone.now()
        start_clock(t, Step.CLOSE_LOOP)
        _move(actor, t, Status.RESPONDED, changes={"approved_by": [None, actor.pk]})
    return t


def ticket_send_back(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.APPROVE, {Status.FOR_APPROVAL})
        start_clock(t, Step.RESPOND)
        _move(actor, t, Status.IN_PROGRESS, text=_text(reason, "reason", required=True))
    return t


def ticket_refer(*, actor: Any, ticket: Ticket, referred_to: str) -> Ticket:
    """Refer out of scope to another agency: only with the person's consent to be referred."""
    referred_to = _text(referred_to, "referred_to", required=True, limit=200)
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, HANDLING)
        if not t.consent_referral:
            raise invalid(
                _("The person did not consent to a referral."),
                FieldError("consent_referral", _("Consent to referral is needed.")),
            )
        t.referred_to, t.responded_at = referred_to, timezone.now()
        start_clock(t, Step.CLOSE_LOOP)
        _move(actor, t, Status.REFERRED, changes={"referred_to": ["", referred_to]})
    return t


def ticket_contact_attempt(*, actor: Any, ticket: Ticket, succeeded: bool, note: str = "") -> Ticket:
    """Log an attempt to reach the person; the third failed attempt closes the loop as unreachable."""
    note = _text(note, "note", required=False, limit=1000)
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.RESPONDED, Status.REFERRED})
        add_event(t, actor=actor, kind=EventKind.CONTACT, text=note, succeeded=succeeded)
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=t, metadata={"contact_attempt": succeeded})
        failed = t.events.filter(kind=EventKind.CONTACT, succeeded=False, at__gte=t.responded_at or t.received_at)
        if not succeeded and failed.count() >= MAX_FAILED_CONTACTS:
            _close(actor, t, Closure.UNREACHABLE, None, _("Closed after three failed contact attempts."))
    return t


def _close(actor: Any, t: Ticket, closure: str, satisfied: bool | None, text: str) -> None:
    t.closure, t.closed_at, t.satisfied = closure, timezone.now(), satisfied
    stop_clock(t)
    _move(actor, t, Status.CLOSED, text=text, changes={"closure": ["", closure]})


def ticket_close(*, actor: Any, ticket: Ticket, closure: str, note: str = "", satisfied: bool | None = None) -> Ticket:
    """Close the loop: how the person was told. Feedback that needs no answer may close straight from handling."""
    if closure not in Closure.values or closure == Closure.UNREACHABLE:
        raise invalid(_("Choose how the loop was closed."), FieldError("closure", _("Not one of the choices.")))
    note = _text(note, "note", required=False, limit=1000)
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.RESPONDED, Status.REFERRED} | HANDLING)
        if t.status in HANDLING and (t.category is None or t.category.needs_response):
            raise _wrong_status(t)
        if (
            closure == Closure.INFORMED
            and t.contact_method == ContactMethod.NONE
            and t.channel not in {"hotline", "help-desk"}
        ):
            raise invalid(
                _("There is no way to reach this person."),
                FieldError("closure", _("Choose a notice board or no contact.")),
            )
        _close(actor, t, closure, satisfied, note)
    return t


def ticket_reopen(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """The person disputes the outcome: back into handling, with the count of reopenings kept."""
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        t = _locked(actor, ticket, Perm.CHANGE, {Status.CLOSED})
        t.reopen_count += 1
        t.closure, t.closed_at, t.satisfied = "", None, None
        start_clock(t, Step.RESPOND)
        _move(actor, t, Status.IN_PROGRESS, text=reason, changes={"reopen_count": [t.reopen_count - 1, t.reopen_count]})
    return t

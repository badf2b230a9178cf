"""Taking feedback in: one ticket per message, from any channel, with its reference and PIN, sealed at once when it
concerns abuse or misconduct by aid workers. Every write here records its audit event in its own transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.accounts.selectors import role_holders
from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.notify import email
from panah.core.permissions import Perm, can
from panah.core.roles import Role
from panah.feedback import screening, sealing, sla
from panah.feedback.choices import Channel, EventKind, Screening, Status, Step
from panah.feedback.inputs import CleanTicket, TicketInput, clean_text, validate
from panah.feedback.models import BoxOpening, Ticket, TicketEvent

MISSION_KIND = "mission"
SEALING_SCREENS = frozenset({Screening.YES, Screening.UNSURE})
PIN_DIGITS = 6


@dataclass(frozen=True)
class Submitted:
    """A recorded ticket and, the one time it exists in clear, its PIN (None when an idempotent retry found it)."""

    ticket: Ticket
    pin: str | None
    created: bool


def _mission() -> Organisation:
    organisation = Organisation.objects.filter(kind=MISSION_KIND, is_active=True).order_by("pk").first()
    if organisation is None:
        raise not_found("mission organisation")
    return organisation


def start_clock(ticket: Ticket, step: str, start: Any = None) -> None:
    start = start or timezone.now()
    target = sla.target_for(ticket.category, step)
    ticket.sla_step = step
    ticket.sla_started_at = start
    ticket.sla_working_time = target.working_time
    ticket.due_at = sla.add_time(start, target)
    ticket.escalation_level = 0


def stop_clock(ticket: Ticket) -> None:
    ticket.sla_step, ticket.sla_started_at, ticket.due_at, ticket.escalation_level = "", None, None, 0


CLOCK_FIELDS = ["sla_step", "sla_started_at", "sla_working_time", "due_at", "escalation_level"]


def add_event(ticket: Ticket, *, actor: Any, kind: str, text: str = "", **fields: Any) -> TicketEvent:
    """One line of the ticket's history; on a sealed ticket its text goes into the compartment."""
    event = TicketEvent(ticket=ticket, kind=kind, at=timezone.now(), actor=actor if _is_user(actor) else None, **fields)
    if ticket.sealed:
        event.sealed_text = sealing.seal(text) if text else ""
    else:
        event.text = text
    event.save()
    return event


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def ticket_submit(*, actor: Any, data: TicketInput, idempotency_key: str | None = None) -> Submitted:
    """Record one ticket from any channel; seal it when its category or the screening answer says so.

    `actor` is None for the public form and the webhook. A retry with the same idempotency key returns the ticket
    it created, without a PIN and without storing anything again.
    """
    staff = _is_user(actor)
    if staff and not can(actor, Perm.CREATE, Ticket):
        raise not_found("ticket")
    if idempotency_key:
        existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return Submitted(existing, None, created=False)
    clean = validate(data, staff=staff, actor=actor if staff else None)
    pin = _new_pin()
    try:
        with transaction.atomic():
            ticket = _create(actor, clean, pin, idempotency_key)
    except IntegrityError:
        # Two deliveries of one message raced: the other one stored it.
        existing = Ticket.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return Submitted(existing, None, created=False)
    return Submitted(ticket, pin, created=True)


def _create(
    actor: Any, clean: CleanTicket, pin: str, idempotency_key: str | None, box: BoxOpening | None = None
) -> Ticket:
    d = clean.data
    d.screening = screening.screen(d.description, d.screening)
    organisation = getattr(actor, "organisation", None) if _is_user(actor) else None
    ticket = Ticket(
        pin_hash=make_password(pin),
        channel=d.channel,
        language=d.language,
        area=clean.area,
        site=clean.site,
        organisation=organisation or _mission(),
        category=clean.category,
        screening=d.screening,
        about_staff=d.about_staff,
        received_at=d.received_at or timezone.now(),
        sex=d.sex,
        age_group=d.age_group,
        disability=d.disability,
        contact_method=d.contact_method,
        contact_detail=d.contact_detail,
        safe_contact_notes=d.safe_contact_notes,
        consent_contact=d.consent_contact,
        consent_referral=d.consent_referral,
        description=d.description,
        household=clean.household,
        origin=d.origin,
        origin_ref=d.origin_ref,
        referring_agency=d.referring_agency,
        box_opening=box,
        idempotency_key=idempotency_key or None,
        created_by=actor if _is_user(actor) else None,
    )
    if clean.category is not None:
        ticket.triaged_at = timezone.now()
        ticket.status = Status.TRIAGED
        start_clock(ticket, Step.RESPOND, ticket.received_at)
    else:
        start_clock(ticket, Step.TRIAGE, ticket.received_at)
    ticket.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=ticket,
        metadata={"channel": d.channel, "area": clean.area.pcode, "origin": d.origin},
    )
    if d.screening in SEALING_SCREENS or (clean.category is not None and clean.category.sensitive):
        reason = "screening" if d.screening in SEALING_SCREENS else "category"
        # Sealed at intake: the focal point's 24 hours run from when the person told us, not from data entry.
        seal_locked(ticket, actor=actor, reason=reason, clock_from=ticket.received_at)
    return ticket


def box_opening_record(
    *,
    actor: Any,
    area: Any,
    box_label: str,
    opened_at: Any,
    witness: str,
    notes: list[TicketInput],
    site: Any = None,
    idempotency_key: str | None = None,
) -> BoxOpening:
    """Record a complaint box opening and one ticket per note found, all or nothing; every bad note is named
    (notes[2].description). A retry with the same idempotency key returns the opening already stored."""
    if not can(actor, Perm.CREATE, BoxOpening):
        raise not_found("box")
    if idempotency_key and (done := BoxOpening.objects.filter(idempotency_key=idempotency_key).first()) is not None:
        return done
    cleaned, errors = [], []
    for i, note in enumerate(notes):
        note.channel = Channel.BOX
        try:
            cleaned.append(validate(note, staff=True, actor=actor))
        except ApplicationError as error:
            errors += [FieldError(f"notes[{i}].{e.field}", e.message, e.code) for e in error.errors]
    if errors:
        raise invalid("The box opening cannot be recorded as given.", *errors)
    with transaction.atomic():
        box = BoxOpening.objects.create(
            area=area,
            site=site,
            box_label=box_label,
            opened_at=opened_at,
            opened_by=actor,
            witness=witness,
            notes_found=len(notes),
            organisation=actor.organisation or _mission(),
            idempotency_key=idempotency_key or None,
        )
        audit.record(actor=actor, action=audit.Action.CREATE, obj=box, metadata={"notes": len(notes)})
        for clean in cleaned:
            _create(actor, clean, _new_pin(), None, box)
    return box


def _new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def ticket_seal(*, actor: Any, ticket: Ticket, reason: str = "") -> Ticket:
    """Seal a ticket a handler found to be about abuse or misconduct: it leaves their view at once."""
    if not can(actor, Perm.CHANGE, ticket) or ticket.sealed:
        raise not_found("ticket")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.sealed:
            # Sealed meanwhile (by a colleague, or a second click): sealing again would overwrite the compartment
            # with the emptied clear columns.
            raise not_found("ticket")
        seal_locked(locked, actor=actor, reason=reason or "handler")
    return locked


def seal_locked(ticket: Ticket, *, actor: Any, reason: str, clock_from: Any = None) -> None:
    # The narrative, contact details and any drafted response move into the compartment, and so does every note so
    # far; the clear columns are emptied in the same statement (a check constraint enforces it).
    payload = {
        "description": ticket.description,
        "contact_detail": ticket.contact_detail,
        "safe_contact_notes": ticket.safe_contact_notes,
        "response": ticket.response,
        "category": ticket.category.code if ticket.category else "",
    }
    ticket.sealed, ticket.sealed_at = True, timezone.now()
    ticket.sealed_payload = sealing.seal(payload)
    ticket.description = ticket.contact_detail = ticket.safe_contact_notes = ticket.response = ""
    ticket.status, ticket.assigned_to = Status.SEALED, None
    start_clock(ticket, Step.PSEA_NOTIFY, clock_from)
    ticket.save()
    for event in ticket.events.exclude(text=""):
        event.sealed_text, event.text = sealing.seal(event.text), ""
        event.save(update_fields=["sealed_text", "text"])
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=ticket,
        changes={"sealed": [False, True]},
        metadata={"reason": reason},
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.TRANSITION,
        at=timezone.now(),
        actor=actor if _is_user(actor) else None,
        to_status=Status.SEALED,
    )
    notify_psea(ticket, subject="Panah: a confidential report needs your attention")


def notify_psea(ticket: Ticket, *, subject: str) -> None:
    """Tell the PSEA focal points (and alternates: everyone holding the role over the ticket's area)."""
    email(
        recipients=[u.email for u in role_holders(role=Role.PSEA_FOCAL_POINT, area=ticket.area)],
        subject=subject,
        body=(
            f"Report {ticket.reference} was received on {ticket.received_at:%Y-%m-%d %H:%M} and is waiting in the "
            "sealed list. Sign in to Panah to read it. Do not forward this message."
        ),
    )


def ticket_note(*, actor: Any, ticket: Ticket, text: str) -> TicketEvent:
    """Add a note to a ticket the actor handles."""
    if not can(actor, Perm.CHANGE, ticket):
        raise not_found("ticket")
    errors: list[FieldError] = []
    text = clean_text(text, name="text", limit=4000, required=True, errors=errors)
    if errors:
        raise invalid("The note cannot be added.", *errors)
    with transaction.atomic():
        event = add_event(ticket, actor=actor, kind=EventKind.NOTE, text=text)
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=ticket, metadata={"note": event.pk})
    return event

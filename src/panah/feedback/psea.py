"""What the PSEA focal point does with a sealed ticket. The mission records; it never investigates.

So there are no investigation steps here: the focal point records the reference of the report made to the oversight
office (IOM's Office of Internal Oversight through We Are All In, or the Ethics and Conduct Office for retaliation),
with consent a referral for survivor assistance (an opaque reference to a separate protection case), what the person
was told, and the closing. A ticket sealed by a "not sure" screening answer that turns out not to be sensitive can
be released to the complaints team. Everything written lands in the sealed payload.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.permissions import Perm, can
from panah.feedback import sealing
from panah.feedback.choices import EventKind, Status, Step
from panah.feedback.inputs import clean_text
from panah.feedback.models import Category, Ticket
from panah.feedback.services import add_event, start_clock, stop_clock

OVERSIGHT_OFFICES = {"oio": "Office of Internal Oversight (We Are All In)", "eco": "Ethics and Conduct Office"}


def _locked(actor: Any, ticket: Ticket, allowed: set[str]) -> tuple[Ticket, dict[str, Any]]:
    if not ticket.sealed or not can(actor, Perm.CHANGE, ticket):
        raise not_found("ticket")
    t = Ticket.objects.select_for_update(of=("self",)).select_related("area", "category").get(pk=ticket.pk)
    if t.status not in allowed:
        raise ApplicationError("wrong_status", _("Not possible at this stage."), status=409)
    return t, sealing.open_sealed(t.sealed_payload, actor=actor)


def _text(value: str, name: str, limit: int, required: bool = True) -> str:
    errors: list[FieldError] = []
    text = clean_text(value, name=name, limit=limit, required=required, errors=errors)
    if errors:
        raise invalid(_("The step cannot be recorded as given."), *errors)
    return text


def _save(actor: Any, t: Ticket, payload: dict[str, Any], to: str, what: str, text: str = "") -> None:
    before = t.status
    t.sealed_payload = sealing.seal(payload)
    t.status = to
    t.save()
    add_event(t, actor=actor, kind=EventKind.TRANSITION, text=text, from_status=before, to_status=to)
    # The audit event says what kind of step it was, never its content (which is sealed).
    audit.record(
        actor=actor, action=audit.Action.TRANSITION, obj=t, changes={"status": [before, to]}, metadata={"step": what}
    )


def sealed_record_oversight(*, actor: Any, ticket: Ticket, office: str, reference: str) -> Ticket:
    """Record the reference of the report the focal point made to the oversight office."""
    if office not in OVERSIGHT_OFFICES:
        raise invalid(_("Choose the office reported to."), FieldError("office", _("Not one of the choices.")))
    reference = _text(reference, "reference", 100)
    with transaction.atomic():
        t, payload = _locked(actor, ticket, {Status.SEALED, Status.REPORTED})
        payload.setdefault("oversight", []).append(
            {"office": office, "reference": reference, "at": timezone.now().isoformat(), "by": actor.pk}
        )
        stop_clock(t)
        _save(actor, t, payload, Status.REPORTED, "oversight")
    return t


def sealed_refer_survivor(*, actor: Any, ticket: Ticket, service: str, case_reference: str) -> Ticket:
    """With the survivor's consent: a referral for assistance, linked only by an opaque case reference."""
    service = _text(service, "service", 200)
    case_reference = _text(case_reference, "case_reference", 100, required=False)
    with transaction.atomic():
        t, payload = _locked(actor, ticket, {Status.SEALED, Status.REPORTED})
        if not t.consent_referral:
            raise invalid(
                _("The person did not consent to a referral."),
                FieldError("consent_referral", _("Consent to referral is needed.")),
            )
        payload.setdefault("referrals", []).append(
            {"service": service, "case_reference": case_reference, "at": timezone.now().isoformat()}
        )
        _save(actor, t, payload, t.status, "survivor_referral")
    return t


def sealed_note(*, actor: Any, ticket: Ticket, text: str) -> Ticket:
    """A note on the compartment's file (what the person was told, a call back): sealed like the rest."""
    text = _text(text, "text", 4000)
    with transaction.atomic():
        t, _payload = _locked(actor, ticket, {Status.SEALED, Status.REPORTED, Status.SEALED_CLOSED})
        add_event(t, actor=actor, kind=EventKind.NOTE, text=text)
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=t, metadata={"step": "note"})
    return t


def sealed_close(*, actor: Any, ticket: Ticket, note: str, public_note: str = "") -> Ticket:
    """Close a sealed ticket once the oversight office has it; `public_note` is all the status page will say."""
    note = _text(note, "note", 4000)
    public_note = _text(public_note, "public_note", 200, required=False)
    with transaction.atomic():
        t, payload = _locked(actor, ticket, {Status.REPORTED})
        t.closed_at, t.public_note = timezone.now(), public_note
        stop_clock(t)
        _save(actor, t, payload, Status.SEALED_CLOSED, "close", note)
    return t


def sealed_release(*, actor: Any, ticket: Ticket, category: Category, reason: str) -> Ticket:
    """Hand a ticket that is not about abuse or misconduct back to the complaints team, in a non-sensitive category.

    Only a ticket not yet reported to the oversight office; the person's words come back out of the compartment.
    """
    reason = _text(reason, "reason", 1000)
    if category.sensitive:
        raise invalid(_("Choose a category that is not sensitive."), FieldError("category", _("Sensitive category.")))
    with transaction.atomic():
        t, payload = _locked(actor, ticket, {Status.SEALED})
        t.sealed, t.sealed_payload, t.category, t.status = False, "", category, Status.TRIAGED
        t.description = payload.get("description", "")
        t.contact_detail = payload.get("contact_detail", "")
        t.safe_contact_notes = payload.get("safe_contact_notes", "")
        t.response = payload.get("response", "")
        start_clock(t, Step.RESPOND)
        t.save()
        for event in t.events.exclude(sealed_text=""):
            event.text, event.sealed_text = sealing.open_sealed(event.sealed_text, actor=actor), ""
            event.save(update_fields=["text", "sealed_text"])
        add_event(
            t, actor=actor, kind=EventKind.TRANSITION, text=reason, from_status=Status.SEALED, to_status=Status.TRIAGED
        )
        audit.record(
            actor=actor,
            action=audit.Action.TRANSITION,
            obj=t,
            changes={"sealed": [True, False]},
            metadata={"step": "release"},
        )
    return t

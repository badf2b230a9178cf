"""The sealed compartment over the API, for the PSEA focal point only: anyone else gets 404 on every route, as if
there were no compartment at all. Every read here is on the audit trail (hidden from every other audit reader)."""

# No `from __future__ import annotations`: ninja reads the annotations of the handlers at import time.

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import P, PathEx, Router
from ninja.pagination import paginate

from panah.core.errors import not_found
from panah.core.pagination import Pagination
from panah.core.permissions import Perm, can
from panah.core.schemas import ERRORS
from panah.feedback import policy, psea, selectors
from panah.feedback.models import Ticket
from panah.feedback.schemas import (
    REFERENCE,
    NoteIn,
    OversightIn,
    ReleaseIn,
    SealedCloseIn,
    SealedDetailOut,
    SurvivorReferralIn,
    TicketOut,
    category_or_422,
    sealed_detail,
)

router = Router()
Reference = PathEx[str, P(pattern=REFERENCE)]


def _compartment(actor: Any) -> None:
    if not can(actor, policy.VIEW_SEALED, Ticket):
        raise not_found("ticket")


def _sealed(actor: Any, reference: str) -> Ticket:
    _compartment(actor)
    ticket = selectors.ticket_get(actor=actor, reference=reference, action=Perm.CHANGE)
    if not ticket.sealed:
        raise not_found("ticket")
    return ticket


@router.get("", response={200: list[TicketOut], **ERRORS}, url_name="feedback_sealed",
            summary="The sealed compartment, newest first (PSEA focal point only; audited)")  # fmt: skip
@paginate(Pagination)
def sealed_list(request: HttpRequest) -> Any:
    _compartment(request.user)
    return selectors.sealed_list(actor=request.user)


@router.get("/{reference}", response={200: SealedDetailOut, **ERRORS}, url_name="feedback_sealed_ticket",
            summary="A sealed ticket opened (PSEA focal point only; audited)")  # fmt: skip
def sealed_ticket(request: HttpRequest, reference: Reference) -> Any:
    _compartment(request.user)
    view = selectors.ticket_view(actor=request.user, reference=reference)
    if not view.ticket.sealed:
        raise not_found("ticket")
    return sealed_detail(view)


def _step(name: str, path: str, summary: str) -> Callable[[Callable[..., Any]], Any]:
    return router.post(
        f"/{{reference}}/{path}", response={200: TicketOut, **ERRORS}, url_name=f"feedback_sealed_{name}",
        summary=summary,
    )  # fmt: skip


@_step("oversight", "oversight", "Record the reference of the report made to the oversight office")
def oversight(request: HttpRequest, reference: Reference, payload: OversightIn) -> Any:
    ticket = _sealed(request.user, reference)
    return psea.sealed_record_oversight(
        actor=request.user, ticket=ticket, office=payload.office, reference=payload.reference
    )


@_step("referral", "referral", "With consent: a referral for survivor assistance (an opaque case reference)")
def referral(request: HttpRequest, reference: Reference, payload: SurvivorReferralIn) -> Any:
    ticket = _sealed(request.user, reference)
    return psea.sealed_refer_survivor(
        actor=request.user, ticket=ticket, service=payload.service, case_reference=payload.case_reference
    )


@_step("note", "notes", "A note on the sealed file (sealed like the rest)")
def note(request: HttpRequest, reference: Reference, payload: NoteIn) -> Any:
    return psea.sealed_note(actor=request.user, ticket=_sealed(request.user, reference), text=payload.text)


@_step("close", "close", "Close a sealed ticket the oversight office has")
def close(request: HttpRequest, reference: Reference, payload: SealedCloseIn) -> Any:
    ticket = _sealed(request.user, reference)
    return psea.sealed_close(actor=request.user, ticket=ticket, note=payload.note, public_note=payload.public_note)


@_step("release", "release", "Hand a ticket that is not about abuse or misconduct back to the complaints team")
def release(request: HttpRequest, reference: Reference, payload: ReleaseIn) -> Any:
    ticket = _sealed(request.user, reference)
    category = category_or_422(payload.category)
    return psea.sealed_release(actor=request.user, ticket=ticket, category=category, reason=payload.reason)

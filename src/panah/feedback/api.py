"""The complaints and feedback API: staff intake, the team's ticket list and steps, the overdue view and the taxonomy
(the PSEA focal point's sealed compartment is api_sealed.py). Thin: parse, call one selector or service, shape.

A sealed ticket, one outside the caller's scope and one that does not exist all answer 404 alike, on every route here.
"""

# No `from __future__ import annotations`: ninja reads the annotations of the handlers at import time.

from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from panah.accounts.selectors import role_holders
from panah.core.errors import FieldError, invalid, not_found
from panah.core.pagination import Pagination
from panah.core.permissions import Perm
from panah.core.schemas import ERRORS
from panah.feedback import policy, selectors, services, workflow
from panah.feedback.models import Ticket
from panah.feedback.schemas import (
    LINE,
    REFERENCE,
    AssignIn,
    CategoryOut,
    CloseIn,
    ContactAttemptIn,
    NoteIn,
    ReasonIn,
    ReferIn,
    RespondIn,
    SubmittedOut,
    TicketDetailOut,
    TicketFilterIn,
    TicketIn,
    TicketOut,
    TriageIn,
    category_or_422,
    category_out,
    submitted,
    ticket_detail,
)

router = Router()
Reference = PathEx[str, P(pattern=REFERENCE)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=80,
        pattern=LINE,
        description="Your id of this submission: sending it again returns the ticket made the first time (200).",
    ),
]


def _unsealed(actor: Any, reference: str, action: str) -> Ticket:
    # Looked up with the step's own right, so that someone who may not take the step learns nothing (and leaves no
    # read on the trail); a sealed ticket is the PSEA compartment's, reached only under /sealed.
    ticket = selectors.ticket_get(actor=actor, reference=reference, action=action)
    if ticket.sealed:
        raise not_found("ticket")
    return ticket


@router.post("/tickets", response={201: SubmittedOut, 200: SubmittedOut, **ERRORS}, url_name="feedback_ticket_submit",
             summary="Record a ticket from any staff channel (a sealed one answers with its reference only)",
             exclude_none=True)  # fmt: skip
def ticket_submit(request: HttpRequest, payload: TicketIn, idempotency_key: IdempotencyKey = None) -> Any:
    # Keys are the caller's own: another user sending the same key must not be handed this caller's ticket.
    key = f"api:{request.user.pk}:{idempotency_key}" if idempotency_key else None
    done = services.ticket_submit(actor=request.user, data=payload.to_input(), idempotency_key=key)
    return Status(201 if done.created else 200, submitted(done.ticket, done.pin, done.created))


@router.get("/tickets", response={200: list[TicketOut], **ERRORS}, url_name="feedback_tickets",
            summary="Tickets in my scope, newest first (no narrative, never a sealed one)")  # fmt: skip
@paginate(Pagination)
def tickets(request: HttpRequest, filters: Query[TicketFilterIn]) -> Any:
    return selectors.ticket_list(actor=request.user, filters=filters.to_filters())


@router.get("/tickets/{reference}", response={200: TicketDetailOut, **ERRORS}, url_name="feedback_ticket",
            summary="One ticket with its content and history (audited)")  # fmt: skip
def ticket(request: HttpRequest, reference: Reference) -> Any:
    view = selectors.ticket_view(actor=request.user, reference=reference)
    if view.ticket.sealed:
        raise not_found("ticket")
    return ticket_detail(view)


@router.get("/overdue", response={200: list[TicketOut], **ERRORS}, url_name="feedback_overdue",
            summary="Open tickets past their step's due time, most overdue first")  # fmt: skip
@paginate(Pagination)
def overdue(request: HttpRequest) -> Any:
    return selectors.overdue_list(actor=request.user)


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, url_name="feedback_categories",
            summary="The taxonomy, with the service-level target of each step")  # fmt: skip
def categories(request: HttpRequest) -> Any:
    return [category_out(c) for c in selectors.category_list()]


def _step(name: str, path: str, summary: str) -> Callable[[Callable[..., Any]], Any]:
    return router.post(
        f"/tickets/{{reference}}/{path}", response={200: TicketOut, **ERRORS}, url_name=f"feedback_ticket_{name}",
        summary=summary,
    )  # fmt: skip


@_step("triage", "triage", "Categorise a new ticket: a sensitive category seals it, else it is routed")
def triage(request: HttpRequest, reference: Reference, payload: TriageIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    category = category_or_422(payload.category)
    return workflow.ticket_triage(actor=request.user, ticket=ticket, category=category, about_staff=payload.about_staff)


@_step("assign", "assign", "Give the ticket to a handler in its area")
def assign(request: HttpRequest, reference: Reference, payload: AssignIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    holders = [role_holders(role=r, area=ticket.area).filter(username=payload.assignee) for r in policy.HANDLERS]
    assignee = next((u for qs in holders for u in qs), None)
    if assignee is None:
        raise invalid(_("This person cannot handle tickets here."), FieldError("assignee", _("Not a handler here.")))
    return workflow.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee)


@_step("start", "start", "Start working on the ticket")
def start(request: HttpRequest, reference: Reference) -> Any:
    return workflow.ticket_start(actor=request.user, ticket=_unsealed(request.user, reference, Perm.CHANGE))


@_step("hold", "hold", "Put the ticket on hold (waiting for information)")
def hold(request: HttpRequest, reference: Reference, payload: ReasonIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_hold(actor=request.user, ticket=ticket, reason=payload.reason)


@_step("respond", "respond", "Record the response (about staff conduct: it then waits for approval)")
def respond(request: HttpRequest, reference: Reference, payload: RespondIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_respond(actor=request.user, ticket=ticket, response=payload.response)


@_step("approve", "approve", "Approve a drafted response (never its author: 403 four_eyes)")
def approve(request: HttpRequest, reference: Reference) -> Any:
    return workflow.ticket_approve(actor=request.user, ticket=_unsealed(request.user, reference, Perm.APPROVE))


@_step("send_back", "send-back", "Send a drafted response back to its author")
def send_back(request: HttpRequest, reference: Reference, payload: ReasonIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.APPROVE)
    return workflow.ticket_send_back(actor=request.user, ticket=ticket, reason=payload.reason)


@_step("refer", "refer", "Refer out of scope to another agency (needs the person's consent)")
def refer(request: HttpRequest, reference: Reference, payload: ReferIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_refer(actor=request.user, ticket=ticket, referred_to=payload.referred_to)


@_step("contact_attempt", "contact-attempts", "Log an attempt to reach the person (the third failure closes)")
def contact_attempt(request: HttpRequest, reference: Reference, payload: ContactAttemptIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_contact_attempt(
        actor=request.user, ticket=ticket, succeeded=payload.succeeded, note=payload.note
    )


@_step("close", "close", "Close the loop: how the person was told")
def close(request: HttpRequest, reference: Reference, payload: CloseIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_close(
        actor=request.user, ticket=ticket, closure=str(payload.closure), note=payload.note, satisfied=payload.satisfied
    )


@_step("reopen", "reopen", "Reopen a closed ticket the person disputes")
def reopen(request: HttpRequest, reference: Reference, payload: ReasonIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    return workflow.ticket_reopen(actor=request.user, ticket=ticket, reason=payload.reason)


@_step("note", "notes", "Add a note to the ticket's history")
def note(request: HttpRequest, reference: Reference, payload: NoteIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    services.ticket_note(actor=request.user, ticket=ticket, text=payload.text)
    return ticket


@router.post("/tickets/{reference}/seal", response={204: None, **ERRORS}, url_name="feedback_ticket_seal",
             summary="Seal a ticket found to be about abuse or misconduct: it leaves your view at once")  # fmt: skip
def seal(request: HttpRequest, reference: Reference, payload: ReasonIn) -> Any:
    ticket = _unsealed(request.user, reference, Perm.CHANGE)
    services.ticket_seal(actor=request.user, ticket=ticket, reason=payload.reason)
    return Status(204, None)

"""The handling steps on a ticket page: which apply to the ticket's status and the reader's rights, and their posting.

Each step is a small form posted to /cfm/tickets/<reference>/<step>/. The workflow decides: a step posted at the
wrong time comes back as its 409 message, a refusal (approving one's own draft) as its message, bad input as 422 with
the errors next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.accounts.selectors import role_holders
from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.core.roles import Role
from panah.feedback import selectors, services, workflow
from panah.feedback.choices import EventKind, Status
from panah.feedback.forms_steps import (
    AssignForm,
    CloseForm,
    ContactForm,
    NoteForm,
    ReasonForm,
    ReferForm,
    RespondForm,
    SealForm,
    TriageForm,
)
from panah.feedback.models import Ticket
from panah.feedback.views.common import NAV, not_mine, post_only

H = workflow.HANDLING
Run = Callable[[Any, Ticket, Any], Ticket]


def _triage(user: Any, t: Ticket, f: Any) -> Ticket:
    category = selectors.category_by_code(f.cleaned_data["category"])
    if category is None:
        raise invalid(_("Unknown category."), FieldError("category", _("Unknown category.")))
    return workflow.ticket_triage(actor=user, ticket=t, category=category, about_staff=f.cleaned_data["about_staff"])


def _assign(user: Any, t: Ticket, f: Any) -> Ticket:
    assignee = f.handlers.get(f.cleaned_data["assignee"])
    return workflow.ticket_assign(actor=user, ticket=t, assignee=assignee)


def _close(user: Any, t: Ticket, f: Any) -> Ticket:
    d = f.cleaned_data
    return workflow.ticket_close(
        actor=user, ticket=t, closure=d["closure"], note=d["note"], satisfied=f.satisfied_value()
    )


# step -> (form, what it does, when it is offered, the message once done)
STEPS: dict[str, tuple[Any, Run, Callable[[Ticket], bool], Any]] = {
    "triage": (TriageForm, _triage, lambda t: t.status in {Status.NEW, Status.TRIAGED}, gettext_lazy("Triaged.")),
    "assign": (AssignForm, _assign, lambda t: t.status in H, gettext_lazy("Assigned.")),
    "start": (forms.Form, lambda u, t, f: workflow.ticket_start(actor=u, ticket=t),
              lambda t: t.status in {Status.TRIAGED, Status.ASSIGNED, Status.ON_HOLD}, gettext_lazy("Work started.")),
    "hold": (ReasonForm, lambda u, t, f: workflow.ticket_hold(actor=u, ticket=t, reason=f.cleaned_data["reason"]),
             lambda t: t.status in {Status.ASSIGNED, Status.IN_PROGRESS}, gettext_lazy("Put on hold.")),
    "respond": (RespondForm,
                lambda u, t, f: workflow.ticket_respond(actor=u, ticket=t, response=f.cleaned_data["response"]),
                lambda t: t.status in {Status.ASSIGNED, Status.IN_PROGRESS}, gettext_lazy("Response recorded.")),
    "approve": (forms.Form, lambda u, t, f: workflow.ticket_approve(actor=u, ticket=t),
                lambda t: t.status == Status.FOR_APPROVAL, gettext_lazy("Response approved.")),
    "send_back": (ReasonForm,
                  lambda u, t, f: workflow.ticket_send_back(actor=u, ticket=t, reason=f.cleaned_data["reason"]),
                  lambda t: t.status == Status.FOR_APPROVAL, gettext_lazy("Sent back to the drafter.")),
    "refer": (ReferForm,
              lambda u, t, f: workflow.ticket_refer(actor=u, ticket=t, referred_to=f.cleaned_data["referred_to"]),
              lambda t: t.status in H and t.consent_referral, gettext_lazy("Referred.")),
    "contact": (ContactForm, lambda u, t, f: workflow.ticket_contact_attempt(
                    actor=u, ticket=t, succeeded=f.cleaned_data["succeeded"], note=f.cleaned_data["note"]),
                lambda t: t.status in {Status.RESPONDED, Status.REFERRED}, gettext_lazy("Contact attempt logged.")),
    "close": (CloseForm, _close, lambda t: t.status in {Status.RESPONDED, Status.REFERRED} or (
                  t.status in H and t.category is not None and not t.category.needs_response),
              gettext_lazy("Loop closed.")),
    "reopen": (ReasonForm,
               lambda u, t, f: workflow.ticket_reopen(actor=u, ticket=t, reason=f.cleaned_data["reason"]),
               lambda t: t.status == Status.CLOSED, gettext_lazy("Reopened.")),
    "note": (NoteForm, lambda u, t, f: _noted(u, t, f), lambda t: True, gettext_lazy("Note added.")),
    "seal": (SealForm, lambda u, t, f: services.ticket_seal(actor=u, ticket=t, reason=f.cleaned_data["reason"]),
             lambda t: True, ""),
}  # fmt: skip


def _noted(user: Any, t: Ticket, f: Any) -> Ticket:
    services.ticket_note(actor=user, ticket=t, text=f.cleaned_data["text"])
    return t


def handlers_for(ticket: Ticket) -> list[Any]:
    """Complaints and feedback officers over the ticket's area who may handle this very ticket."""
    return [u for u in role_holders(role=Role.CFM_OFFICER, area=ticket.area) if can(u, Perm.CHANGE, ticket)]


def _form(step: str, ticket: Ticket, data: Any = None) -> Any:
    form_class = STEPS[step][0]
    kwargs: dict[str, Any] = {"handlers": handlers_for(ticket)} if form_class is AssignForm else {}
    return form_class(data, prefix=step, **kwargs)


def step_forms(request: HttpRequest, ticket: Ticket, posted: tuple[str, Any] | None = None) -> dict[str, Any]:
    """The steps offered now: the posted form (with its errors) in its place, a blank form for the others."""
    offered = {step: _form(step, ticket) for step, (_f, _r, when, _m) in STEPS.items() if when(ticket)}
    if "approve" in offered and not can(request.user, Perm.APPROVE, ticket):
        del offered["approve"], offered["send_back"]
    if posted is not None:
        offered[posted[0]] = posted[1]
    return offered


def failed_contacts(view: selectors.TicketView) -> int:
    """Failed attempts since the response: the count the third-attempt rule looks at."""
    since = view.ticket.responded_at or view.ticket.received_at
    return sum(1 for e, _t in view.events if e.kind == EventKind.CONTACT and e.succeeded is False and e.at >= since)


def detail_context(
    request: HttpRequest, view: selectors.TicketView, posted: tuple[str, Any] | None = None
) -> dict[str, Any]:
    ticket, user = view.ticket, request.user
    may_change = can(user, Perm.CHANGE, ticket)
    return {
        "view": view, "ticket": ticket, "may_change": may_change, "nav_active": NAV, "now": timezone.now(),
        "failed_contacts": failed_contacts(view), "history": selectors.ticket_history(actor=user, ticket=ticket),
        "forms": step_forms(request, ticket, posted) if may_change else {},
        "drafted_by_me": ticket.response_by_id == user.pk,
    }  # fmt: skip


def _again(request: HttpRequest, reference: str, posted: tuple[str, Any] | None, status: int) -> HttpResponse:
    view = selectors.ticket_view(actor=request.user, reference=reference)
    return render(request, "feedback/ticket.html", detail_context(request, view, posted), status=status)


@page
def ticket_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    if step not in STEPS:
        raise not_found("page")
    ticket = selectors.ticket_get(actor=request.user, reference=reference[:20], action=Perm.CHANGE)
    form = _form(step, ticket, request.POST)
    if not form.is_valid():
        return _again(request, ticket.reference, (step, form), 422)
    try:
        done = STEPS[step][1](request.user, ticket, form)
    except ApplicationError as error:
        not_mine(error)
        if error.status == 422:
            form.add_errors(error)
            return _again(request, ticket.reference, (step, form), 422)
        messages.error(request, error.message)
        return _again(request, ticket.reference, None, error.status)
    if done.sealed:
        messages.success(
            request,
            _("%(reference)s was handed to the PSEA focal point. It has left your view.")
            % {"reference": done.reference},
        )
        return redirect("feedback:tickets")
    if step == "contact" and done.status == Status.CLOSED:
        messages.warning(request, _("Third failed attempt: the loop was closed as unreachable."))
    else:
        messages.success(request, str(STEPS[step][3]))
    return redirect("feedback:ticket", reference=done.reference)

"""The PSEA focal point's pages: the sealed list and a sealed report, with the steps the mission may take on it.

The mission records and refers; it does not investigate (that belongs to the oversight office), so no step here
is an investigation step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.feedback import psea, selectors
from panah.feedback.choices import Status
from panah.feedback.forms_steps import NoteForm, OversightForm, ReleaseForm, SealedCloseForm, SurvivorReferralForm
from panah.feedback.models import Ticket
from panah.feedback.policy import VIEW_SEALED
from panah.feedback.views.common import NAV_SEALED, not_mine, post_only

OPEN = {Status.SEALED, Status.REPORTED}


def _release(user: Any, t: Ticket, f: Any) -> Ticket:
    category = selectors.category_by_code(f.cleaned_data["category"])
    if category is None:
        raise invalid(_("Unknown category."), FieldError("category", _("Unknown category.")))
    return psea.sealed_release(actor=user, ticket=t, category=category, reason=f.cleaned_data["reason"])


# step -> (form, what it does, when it is offered, the message once done)
STEPS: dict[str, tuple[Any, Callable[[Any, Ticket, Any], Ticket], Callable[[Ticket], bool], Any]] = {
    "oversight": (OversightForm, lambda u, t, f: psea.sealed_record_oversight(actor=u, ticket=t, **f.cleaned_data),
                  lambda t: t.status in OPEN, gettext_lazy("Oversight report recorded.")),
    "survivor": (SurvivorReferralForm,
                 lambda u, t, f: psea.sealed_refer_survivor(actor=u, ticket=t, **f.cleaned_data),
                 lambda t: t.status in OPEN and t.consent_referral, gettext_lazy("Referral recorded.")),
    "note": (NoteForm, lambda u, t, f: psea.sealed_note(actor=u, ticket=t, text=f.cleaned_data["text"]),
             lambda t: True, gettext_lazy("Note added.")),
    "close": (SealedCloseForm, lambda u, t, f: psea.sealed_close(actor=u, ticket=t, **f.cleaned_data),
              lambda t: t.status == Status.REPORTED, gettext_lazy("Closed.")),
    "release": (ReleaseForm, _release, lambda t: t.status == Status.SEALED, ""),
}  # fmt: skip


def _compartment_only(request: HttpRequest) -> None:
    if not can(request.user, VIEW_SEALED, Ticket):
        raise not_found("page")


@page
def sealed_list(request: HttpRequest) -> HttpResponse:
    _compartment_only(request)
    tickets = selectors.sealed_list(actor=request.user)[:500]
    return render(request, "feedback/sealed_list.html", {"tickets": tickets, "nav_active": NAV_SEALED})


def _dated(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with the times of its oversight reports and referrals as datetimes (stored as ISO text in JSON),
    so the page shows them in the mission's time zone like every other time."""
    out = dict(payload)
    for key in ("oversight", "referrals"):
        out[key] = [{**item, "at": _when(item.get("at"))} for item in payload.get(key, [])]
    return out


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _page(
    request: HttpRequest, reference: str, posted: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    view = selectors.ticket_view(actor=request.user, reference=reference[:20])
    ticket = view.ticket
    if not ticket.sealed:
        raise not_found("ticket")
    offered = {step: form(prefix=step) for step, (form, _r, when, _m) in STEPS.items() if when(ticket)}
    if posted is not None:
        offered[posted[0]] = posted[1]
    ctx = {
        "view": view, "ticket": ticket, "payload": _dated(view.sealed_fields), "forms": offered,
        "nav_active": NAV_SEALED, "offices": psea.OVERSIGHT_OFFICES,
        "history": selectors.ticket_history(actor=request.user, ticket=ticket),
    }  # fmt: skip
    return render(request, "feedback/sealed_ticket.html", ctx, status=status)


@page
def sealed_ticket(request: HttpRequest, reference: str) -> HttpResponse:
    _compartment_only(request)
    return _page(request, reference)


@page
def sealed_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    _compartment_only(request)
    if step not in STEPS:
        raise not_found("page")
    ticket = selectors.ticket_get(actor=request.user, reference=reference[:20], action=Perm.CHANGE)
    if not ticket.sealed:
        raise not_found("ticket")
    form = STEPS[step][0](request.POST, prefix=step)
    if not form.is_valid():
        return _page(request, ticket.reference, (step, form), 422)
    try:
        done = STEPS[step][1](request.user, ticket, form)
    except ApplicationError as error:
        not_mine(error)
        if error.status == 422:
            form.add_errors(error)
            return _page(request, ticket.reference, (step, form), 422)
        messages.error(request, error.message)
        return _page(request, ticket.reference, None, error.status)
    if not done.sealed:
        messages.success(
            request, _("%(reference)s was released to the complaints team.") % {"reference": done.reference}
        )
        return redirect("feedback:sealed")
    messages.success(request, str(STEPS[step][3]))
    return redirect("feedback:sealed_ticket", reference=done.reference)

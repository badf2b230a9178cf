"""Recording feedback taken in by staff: a landing page with one card per channel, and a form for each.

Every ticket form carries a random key of its own, so a second press of the button (or a resent request on a slow
line) finds the ticket the first press stored instead of storing it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError, not_found
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.feedback import meetings, services
from panah.feedback.choices import Channel
from panah.feedback.forms import DisputeForm, MeetingForm, TicketForm
from panah.feedback.models import BoxOpening, CommunityMeeting, Ticket
from panah.feedback.views.common import NAV, NAV_RECORD
from panah.geo.forms import site_choices
from panah.registry import selectors as registry_selectors

CHANNELS = {
    "hotline": Channel.HOTLINE,
    "desk": Channel.HELP_DESK,
    "staff": Channel.STAFF,
    "referral": Channel.REFERRAL,
}


def nav(user: Any) -> str:
    return NAV if can(user, Perm.VIEW, Ticket) else NAV_RECORD


def _may_record(request: HttpRequest) -> None:
    if not can(request.user, Perm.CREATE, Ticket):
        raise not_found("page")


@page
def landing(request: HttpRequest) -> HttpResponse:
    _may_record(request)
    ctx = {
        "nav_active": nav(request.user),
        "may_box": can(request.user, Perm.CREATE, BoxOpening),
        "may_meeting": can(request.user, Perm.CREATE, CommunityMeeting),
    }
    return render(request, "feedback/record.html", ctx)


@page
def site_options(request: HttpRequest) -> HttpResponse:
    """The sites of the chosen district, as <option>s for the forms' site drop-down."""
    sites = site_choices(request.user, request.GET.get("area", "")[:20])
    return render(request, "feedback/_site_options.html", {"sites": sites})


def _submit(request: HttpRequest, form: TicketForm, kind: str) -> HttpResponse:
    """The form's ticket recorded (once), shown with its reference and PIN; or the form again with its errors."""
    try:
        submitted = services.ticket_submit(actor=request.user, data=form.to_input(), idempotency_key=form.key())
    except ApplicationError as error:
        if error.status != 422:
            raise
        form.add_errors(error)
        return _form_page(request, form, kind, 422)
    ticket = submitted.ticket
    ctx = {
        "reference": ticket.reference, "pin": submitted.pin, "created": submitted.created, "sealed": ticket.sealed,
        "kind": kind, "read_out": kind in ("hotline", "desk"), "nav_active": nav(request.user),
        "may_open": not ticket.sealed and can(request.user, Perm.VIEW, ticket),
    }  # fmt: skip
    return render(request, "feedback/recorded.html", ctx, status=201 if submitted.created else 200)


def _form_page(request: HttpRequest, form: TicketForm, kind: str, status: int = 200) -> HttpResponse:
    ctx = {"form": form, "kind": kind, "channel": form.channel, "nav_active": nav(request.user)}
    return render(request, "feedback/record_form.html", ctx, status=status)


@page
def record_ticket(request: HttpRequest, kind: str) -> HttpResponse:
    _may_record(request)
    if kind not in CHANNELS:
        raise Http404
    form = TicketForm(request.POST if request.method == "POST" else None, actor=request.user, channel=CHANNELS[kind])
    if request.method != "POST":
        return _form_page(request, form, kind)
    if not form.is_valid():
        return _form_page(request, form, kind, 422)
    return _submit(request, form, kind)


def _dispute_initial(request: HttpRequest) -> dict[str, Any]:
    """The merge disputed and, when the user may see the household it concerns, its district."""
    merge_id = request.GET.get("merge", "")
    if not (merge_id.isdigit() and len(merge_id) < 10):
        return {}
    initial: dict[str, Any] = {"merge": int(merge_id), "screening": "no"}
    try:
        merge = registry_selectors.merge_get(actor=request.user, merge_id=int(merge_id))
    except ApplicationError:
        return initial
    source = merge.survivor.sources.select_related("household__area__parent").first()
    area = source.household.area if source else None
    while area is not None and area.level > 2:
        area = area.parent
    if area is not None:
        initial["area"] = area.pcode
    return initial


@page
def record_dispute(request: HttpRequest) -> HttpResponse:
    _may_record(request)
    if request.method != "POST":
        form = DisputeForm(actor=request.user, initial=_dispute_initial(request))
        return _form_page(request, form, "dispute")
    form = DisputeForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _form_page(request, form, "dispute", 422)
    return _submit(request, form, "dispute")


@page
def record_meeting(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.CREATE, CommunityMeeting):
        raise not_found("page")
    form = MeetingForm(request.POST if request.method == "POST" else None, actor=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                meeting = meetings.meeting_record(actor=request.user, data=form.to_input())
            except ApplicationError as error:
                if error.status != 422:
                    raise
                form.add_errors(error)
            else:
                text = _("Meeting of %(date)s recorded: %(n)d participants.")
                messages.success(request, text % {"date": meeting.held_on.isoformat(), "n": meeting.participants})
                return redirect("feedback:record")
    ctx = {"form": form, "nav_active": nav(request.user)}
    return render(request, "feedback/record_meeting.html", ctx, status=status)

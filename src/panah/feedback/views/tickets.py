"""The team's ticket list, the overdue view and the ticket page (its handling steps are in views/steps.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from panah.core.errors import not_found
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.feedback import selectors
from panah.feedback.forms import FilterForm
from panah.feedback.models import Ticket
from panah.feedback.views.common import NAV, PAGE_SIZE
from panah.feedback.views.steps import detail_context


def _team_only(request: HttpRequest) -> None:
    # Those who may not read the team's tickets find no such page (as for a ticket outside their areas).
    if not can(request.user, Perm.VIEW, Ticket):
        raise not_found("page")


@page
def ticket_list(request: HttpRequest) -> HttpResponse:
    _team_only(request)
    form = FilterForm(request.GET or None, actor=request.user)
    tickets = selectors.ticket_list(actor=request.user, filters=form.filters())
    ctx = {
        "form": form, "page_obj": Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page")),
        "now": timezone.now(), "nav_active": NAV, "may_record": can(request.user, Perm.CREATE, Ticket),
    }  # fmt: skip
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "feedback/tickets.html", ctx, status=status)


@page
def overdue(request: HttpRequest) -> HttpResponse:
    _team_only(request)
    now = timezone.now()
    # The PSEA compartment keeps its own list: this page is the team's.
    tickets = selectors.overdue_list(actor=request.user).filter(sealed=False)
    ctx = {"page_obj": Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page")), "now": now, "nav_active": NAV}
    return render(request, "feedback/overdue.html", ctx)


@page
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    view = selectors.ticket_view(actor=request.user, reference=reference[:20])
    if view.ticket.sealed:
        return redirect("feedback:sealed_ticket", reference=view.ticket.reference)
    return render(request, "feedback/ticket.html", detail_context(request, view))

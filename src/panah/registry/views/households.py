"""Registering a household, the household list and page, sharing, and the distribution point's lookup."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError, forbidden
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.geo.forms import site_choices
from panah.registry import policy, selectors, services, tasks
from panah.registry.forms import (
    LookupForm,
    Registration,
    ShareForm,
    vulnerability_labels,
    with_member,
    without_member,
)
from panah.registry.models import Household, Relationship, Sex
from panah.registry.views.common import NAV, PAGE_SIZE, post_only, refused


@page
def register(request: HttpRequest) -> HttpResponse:
    if not policy.may_create(request.user):
        raise forbidden()
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if data is not None and ("add_member" in data or "remove_member" in data):
        # Adding or removing a member row re-shows the form as typed (htmx swaps just the rows; without JS: the page).
        index = data.get("remove_member", "")
        data = without_member(data, int(index)) if index.isdigit() else with_member(data)
        form = Registration(request.user, data)
        return _register_page(request, form)
    form = Registration(request.user, data)
    status = 200
    if data is not None:
        status = 422
        if form.is_valid():
            try:
                registered = tasks.household_register(actor=request.user, data=form.to_input())
            except ApplicationError as error:
                if error.status != 422:
                    raise
                form.add_errors(error)
            else:
                return _registered(request, form, registered)
    return _register_page(request, form, status)


def _register_page(request: HttpRequest, form: Registration, status: int = 200) -> HttpResponse:
    ctx = {"form": form, "nav_active": NAV if can(request.user, Perm.VIEW, Household) else "register"}
    return render(request, "registry/register.html", ctx, status=status)


def _registered(request: HttpRequest, form: Registration, registered: services.Registered) -> HttpResponse:
    household = registered.household
    messages.success(request, _("Household %(id)s registered.") % {"id": household.registration_id})
    for warning in registered.warnings:
        where = form.warning_text(warning.field)
        messages.warning(request, f"{where}: {warning.message}" if where else warning.message)
    if policy.can_household(request.user, Perm.VIEW, household):
        return redirect("registry:household", registration_id=household.registration_id)
    return redirect("registry:register")


@page
def site_options(request: HttpRequest) -> HttpResponse:
    """The sites of the chosen tehsil, as <option>s for the registration form's site drop-down."""
    sites = site_choices(request.user, request.GET.get("area", "")[:20])
    return render(request, "registry/_site_options.html", {"sites": sites})


@page
def household_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.VIEW, Household):
        raise forbidden()
    q = request.GET.get("q", "")[:20]
    households = selectors.household_list(actor=request.user, q=q).order_by("-created_at", "-pk")
    ctx = {"page_obj": Paginator(households, PAGE_SIZE).get_page(request.GET.get("page")), "q": q,
           "can_register": policy.may_create(request.user), "nav_active": NAV}  # fmt: skip
    return render(request, "registry/households.html", ctx)


@page
def household_detail(request: HttpRequest, registration_id: str) -> HttpResponse:
    view = selectors.household_view(actor=request.user, registration_id=registration_id)
    household = view.household
    may_share = household.organisation_id == request.user.organisation_id and policy.can_household(  # type: ignore[union-attr]
        request.user, Perm.CHANGE, household
    )
    today = timezone.localdate()
    members = [
        {"member": m, "vulnerabilities": vulnerability_labels(m.vulnerabilities)
         + ([str(_("Older person (60 or over)"))] if m.individual.is_older_person(today) else [])}
        for m in view.members
    ]  # fmt: skip
    head = next((m.individual for m in view.members if m.individual.relationship == Relationship.HEAD), None)
    ctx = {"view": view, "household": household, "members": members, "nav_active": NAV,
           "female_headed": head is not None and head.sex == Sex.FEMALE,
           "share_form": ShareForm() if may_share else None}  # fmt: skip
    return render(request, "registry/household.html", ctx)


@page
def household_share(request: HttpRequest, registration_id: str) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    household = selectors.household_get(actor=request.user, registration_id=registration_id)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            services.household_share(actor=request.user, household=household, organisations=form.names())
        except ApplicationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Sharing saved."))
    else:
        messages.error(request, _("Name at least one organisation."))
    return redirect("registry:household", registration_id=household.registration_id)


@page
def lookup(request: HttpRequest) -> HttpResponse:
    """Find households by registration id (a GET: the id is on the card) or by document (a POST: never in a URL)."""
    if not can(request.user, Perm.VIEW, Household):
        raise forbidden()
    found: list[Household] | None = None
    q = request.GET.get("q", "").strip()[:20]
    if q:
        found = list(selectors.household_list(actor=request.user, q=q))
        if len(found) == 1:
            return redirect("registry:household", registration_id=found[0].registration_id)
    form = LookupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            found = list(selectors.households_by_document(actor=request.user, **form.cleaned_data))
        except ApplicationError as error:
            for e in error.errors:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            status = 422
    ctx = {"form": form, "found": found, "q": q, "nav_active": NAV}
    return render(request, "registry/lookup.html", ctx, status=status)

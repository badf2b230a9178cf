"""Review of an imported batch: what deduplication found, then merge it into the registry or reject it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError, forbidden
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.registry import policy, review, selectors
from panah.registry.models import BatchReview, ReviewStatus
from panah.registry.views.common import NAV, PAGE_SIZE, post_only, refused


@page
def batch_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.VIEW, BatchReview):
        raise forbidden()
    reviews = selectors.batch_review_list(actor=request.user)
    ctx = {"page_obj": Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page")), "nav_active": NAV,
           "can_import": policy.may_create(request.user)}  # fmt: skip
    return render(request, "registry/batches.html", ctx)


@page
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_review_get(actor=request.user, batch_id=batch_id)
    households = selectors.staged_households(actor=request.user, batch_id=batch_id)
    page_obj = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    undecided = batch.status in (ReviewStatus.READY, ReviewStatus.STOPPED)
    ctx = {"batch": batch, "page_obj": page_obj, "nav_active": NAV,
           "may_decide": undecided and can(request.user, Perm.APPROVE, batch),
           "percent": round(batch.duplicate_rate * 100, 1)}  # fmt: skip
    return render(request, "registry/batch.html", ctx)


@page
def batch_merge(request: HttpRequest, batch_id: int) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    batch = selectors.batch_review_get(actor=request.user, batch_id=batch_id)
    try:
        review.batch_review_merge(actor=request.user, review=batch, confirm_abnormal="confirm_abnormal" in request.POST)
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(request, _("Batch %(id)s merged into the registry.") % {"id": batch_id})
    return redirect("registry:batch", batch_id=batch_id)


@page
def batch_reject(request: HttpRequest, batch_id: int) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    batch = selectors.batch_review_get(actor=request.user, batch_id=batch_id)
    try:
        review.batch_review_reject(actor=request.user, review=batch)
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(
            request, _("Batch %(id)s rejected: its households stay out of the registry.") % {"id": batch_id}
        )
    return redirect("registry:batch", batch_id=batch_id)

"""The KoboToolbox sources page: list and add sources, change or remove one, pull one now.

IM officers and administrators only; anyone else gets the not-found page. The API key is write-only: no page
renders it, and `sensitive_post_parameters` keeps it out of error reports.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.core.permissions import Perm
from panah.intake.kobo import selectors, services, tasks
from panah.intake.kobo.forms import KoboSourceForm
from panah.intake.views import _form_error

ROW_TEMPLATE = "intake/kobo_source_row.html"


@sensitive_post_parameters("token")
@page
def source_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.kobo_source_list(actor=request.user)  # first: it refuses anyone who may not manage sources
    form = KoboSourceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                source = services.kobo_source_create(actor=request.user, **form.service_values())
            except ApplicationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Source “%(name)s” added.") % {"name": source.name})
                return redirect("intake:kobo_sources")
    ctx = {"rows": rows, "form": form, "nav_active": "intake"}
    return render(request, "intake/kobo_sources.html", ctx, status=status)


@sensitive_post_parameters("token")
@page
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.kobo_source_get(actor=request.user, source_id=source_id, action=Perm.CHANGE)
    form = KoboSourceForm(request.POST or None, token_required=False, initial=_initial(source))
    if request.method == "POST" and form.is_valid():
        try:
            services.kobo_source_update(actor=request.user, source=source, **form.service_values())
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Source “%(name)s” saved.") % {"name": source.name})
            return redirect("intake:kobo_sources")
    ctx = {"source": source, "token_hint": selectors.token_hint(source.token), "form": form, "nav_active": "intake"}
    return render(request, "intake/kobo_source_edit.html", ctx, status=422 if form.errors else 200)


def _initial(source: Any) -> dict[str, Any]:
    fields = ("name", "server_url", "asset_uid", "spec_name")
    return {**{name: getattr(source, name) for name in fields}, "round_id": source.context.get("round_id")}


@require_POST
@page
def source_delete(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.kobo_source_get(actor=request.user, source_id=source_id, action=Perm.DELETE)
    try:
        services.kobo_source_delete(actor=request.user, source=source)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Source “%(name)s” removed.") % {"name": source.name})
    return redirect("intake:kobo_sources")


@require_POST
@page
def source_pull(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.kobo_source_get(actor=request.user, source_id=source_id, action=Perm.CHANGE)
    requested = time.time()
    tasks.pull_now(actor=request.user, source=source)
    if request.headers.get("HX-Request"):
        return _row(request, source_id, after=requested)
    messages.info(
        request, _("Pull of “%(name)s” queued: its result shows below once it has run.") % {"name": source.name}
    )
    return redirect("intake:kobo_sources")


@page
def source_row(request: HttpRequest, source_id: int) -> HttpResponse:
    """One source's row, polled by htmx until the pull asked for at `after` (epoch seconds) has run."""
    try:
        after = float(request.GET.get("after", ""))
    except ValueError:
        after = None
    return _row(request, source_id, after=after)


def _row(request: HttpRequest, source_id: int, *, after: float | None) -> HttpResponse:
    row = selectors.kobo_source_row(actor=request.user, source_id=source_id)
    last_run = row.source.last_run_at
    pending = after is not None and (last_run is None or last_run.timestamp() < after)
    return render(request, ROW_TEMPLATE, {"row": row, "pending": pending, "after": after})

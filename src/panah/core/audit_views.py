"""Audit trail pages. Anyone without the right to read the trail gets 404: the pages look like they do not exist."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from panah.core.audit_selectors import EventFilters, event_actions, event_get, event_list, verification_last
from panah.core.audit_tasks import verification_request, verification_status
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.core.permissions import Perm, can

PER_PAGE = 50
VIEW_TEMPLATE = "core/audit_events.html"
PANEL_TEMPLATE = "core/_audit_verification.html"


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor_username = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=100)
    request_id = forms.CharField(label=_("Request id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *((a, a) for a in actions)]  # type: ignore[attr-defined]

    def filters(self) -> EventFilters:
        return EventFilters(**{name: value or None for name, value in self.cleaned_data.items()})


def audit_reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; then 404, never 403, for anyone who may not read the trail."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, Perm.VIEW, AuditEvent):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404 from None
            raise

    return login_required(wrapped)


@require_GET
@audit_reader
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET, actions=event_actions(actor=request.user))
    page, query = None, ""
    if form.is_valid():
        filters = form.filters()
        query = urlencode(filters.as_metadata())
        try:
            qs = event_list(actor=request.user, **asdict(filters))
            page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        except ApplicationError as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
    context = {
        "nav_active": "audit",
        "form": form,
        "page": page,
        "rows": [_row(e) for e in page] if page is not None else [],
        "query": query,
        "export_url": _export_url(request, query) if page is not None else "",
        "verification": verification_last(actor=request.user),
    }
    return render(request, VIEW_TEMPLATE, context)


@require_GET
@audit_reader
def event_detail(request: HttpRequest, id: int) -> HttpResponse:
    event = event_get(actor=request.user, id=id)
    context = {
        "nav_active": "audit",
        "event": event,
        "changes": _change_rows(event.changes),
        "metadata": json.dumps(event.metadata, ensure_ascii=False, indent=2, sort_keys=True),
        "request_query": urlencode({"request_id": event.request_id}) if event.request_id else "",
        "object_query": _object_query(event),
    }
    return render(request, "core/audit_event_detail.html", context)


@require_POST
@audit_reader
def verify(request: HttpRequest) -> HttpResponse:
    verification = verification_request(actor=request.user)
    if request.headers.get("HX-Request"):
        return render(request, PANEL_TEMPLATE, {"verification": verification})
    return redirect("audit:events")


@require_GET
@audit_reader
def verification(request: HttpRequest, task_id: str) -> HttpResponse:
    """The verification panel, polled by htmx until the run has finished."""
    return render(request, PANEL_TEMPLATE, {"verification": verification_status(actor=request.user, task_id=task_id)})


def _export_url(request: HttpRequest, query: str) -> str:
    if not can(request.user, Perm.EXPORT, AuditEvent):
        return ""
    url = reverse("api:audit_events_export")
    return f"{url}?{query}" if query else url


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _change_rows(changes: Any) -> list[dict[str, Any]]:
    """{field: [before, after]} as rows; anything else an older writer left is shown whole rather than dropped."""
    if not isinstance(changes, dict):
        return [{"field": "", "before": "", "after": _shown(changes), "pair": False}]
    rows = []
    for name, pair in sorted(changes.items()):
        if isinstance(pair, list) and len(pair) == 2:
            rows.append({"field": name, "before": _shown(pair[0]), "after": _shown(pair[1]), "pair": True})
        else:
            rows.append({"field": name, "before": "", "after": _shown(pair), "pair": False})
    return rows


def _object_query(event: AuditEvent) -> str:
    params = {"object_type": event.object_type, "object_id": event.object_id}
    return urlencode({k: v for k, v in params.items() if v})


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "event": event,
        "changes": _change_rows(event.changes),
        "object_query": _object_query(event),
        "request_query": urlencode({"request_id": event.request_id}) if event.request_id else "",
    }

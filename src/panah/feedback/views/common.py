"""What the team's pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from panah.core.errors import ApplicationError

NAV = "feedback"
NAV_RECORD = "record_feedback"
NAV_SEALED = "sealed"
PAGE_SIZE = 50


def post_only(request: HttpRequest) -> HttpResponse | None:
    """State changes only by POST: anything else is refused before any lookup."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def not_mine(error: ApplicationError) -> None:
    """A record out of scope (or gone into the sealed compartment) goes on to the wrapper's 404."""
    if error.status == 404:
        raise error


def bound(form_class: Any, request: HttpRequest, step: str, chosen: str, **kwargs: Any) -> Any:
    """The posted form for the step that was posted, a blank one for every other."""
    return form_class(request.POST if step == chosen else None, prefix=step, **kwargs)

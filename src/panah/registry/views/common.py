"""What the registry pages share."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from panah.core.errors import ApplicationError

NAV = "registry"
PAGE_SIZE = 50


def post_only(request: HttpRequest) -> HttpResponse | None:
    """State changes only by POST: anything else is refused before any lookup."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def refused(request: HttpRequest, error: ApplicationError) -> None:
    """A refused change shown as a message on the page the user comes back to; 404/403 go on to the wrapper."""
    if error.status in (403, 404):
        raise error
    messages.error(request, error.message)

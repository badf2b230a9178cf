from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from panah.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_address(request: HttpRequest) -> str:
    """The client's address: behind N trusted proxies, the Nth entry of X-Forwarded-For from the right (entries
    further left are whatever the client claimed); otherwise the connecting address."""
    proxies = getattr(settings, "PANAH_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:45]
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID when well formed) and binds it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = context.bind(context.RequestContext(request_id=request_id, client_ip=client_address(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy from settings on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class SingleValuedApiQueryMiddleware:
    """An API query parameter given twice is refused (422 naming it) instead of silently taking the last value:
    no API parameter is a list, and a client that repeats one has made a mistake it should hear about.

    A NUL character in any query parameter is refused too, on every path: PostgreSQL cannot store or compare it,
    so it would otherwise end as a server error deep in a query (API: 422 naming it; pages: 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        with_nul = sorted(key for key, values in request.GET.lists() if any("\x00" in v for v in values))
        if with_nul and not api:
            return HttpResponseBadRequest("A query parameter contains a NUL character.", content_type="text/plain")
        if api:
            from panah.core.errors import FieldError

            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            errors = [FieldError(key, "Give this parameter once.", "repeated") for key in repeated]
            errors += [FieldError(key, "Must not contain a NUL character.", "null_character") for key in with_nul]
            if errors:
                from panah.core.api import problem

                return problem(422, "invalid", "The request has invalid fields.", errors=errors)
        return self.get_response(request)

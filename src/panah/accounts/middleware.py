from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from panah.accounts import twofactor

# Paths a signed-in user who still owes a second factor may reach: the factor pages, sign-out, static files.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz", "/i18n/", "/about/")


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Pages: a session of a role that needs TOTP goes to the factor page until it is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")  # the API answers 401 itself (see accounts.auth)
            and not twofactor.satisfied(request)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)

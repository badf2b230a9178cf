"""API authentication: a personal token (Bearer) or the browser session (with CSRF, and the second factor when due)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from panah.accounts import services, twofactor


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionWithSecondFactor(SessionAuth):
    """The browser session, refused while a role that needs TOTP has not given its code in this session."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not twofactor.satisfied(request):
            return None
        return user


API_AUTH = [TokenAuth(), SessionWithSecondFactor()]

"""HTTP Basic for OpenRosa clients: the username with either a Panah API token (recommended) or the password.

ODK Collect stores one username and password per server and sends them with Basic after a 401 challenge. A token
in the password field can be revoked alone when a phone is lost. Password sign-ins go through the accounts
service, so lockout and the audit trail apply; roles that must give a second factor may only use a token.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest

from panah.accounts import services, twofactor
from panah.core.errors import ApplicationError

TOKEN_PREFIX = "pnh_"  # noqa: S105 (the scheme of Panah API tokens, not a secret)


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        username, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, secret) if sep and username and secret else None


def authenticate(request: HttpRequest) -> Any:
    """The active user behind the request's Basic credentials, or None."""
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    username, secret = credentials
    if secret.startswith(TOKEN_PREFIX):
        user = services.token_authenticate(secret)
        # The username must name the token's owner: a token pasted under another name is a mistake worth refusing.
        return user if user is not None and user.username.lower() == username.strip().lower() else None
    try:
        user = services.sign_in(request=request, username=username, password=secret)
    except ApplicationError:
        return None
    return None if twofactor.required_for(user) else user

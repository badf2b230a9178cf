"""Fixtures for the core tests: signed-in browser sessions (second factor passed) and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def sign_in(client: Any) -> Callable[[Any], Any]:
    """sign_in(user) -> the test client with a session that has passed the second factor when the role needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def signed_in(user: Any) -> Any:
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return signed_in


@pytest.fixture
def bearer() -> Callable[[Any], dict[str, str]]:
    """bearer(user) -> headers for the test client with a fresh personal API token of that user."""
    from panah.accounts import services

    def headers(user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {services.token_create(actor=user, name='test').secret}"}

    return headers

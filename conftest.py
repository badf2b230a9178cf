"""Shared fixtures. The reference geography is loaded once per test database; each test rolls back its own data."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from panah.geo.services import reference_load

    with django_db_blocker.unblock():
        reference_load()


@pytest.fixture(autouse=True)
def _no_network_outside_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never reach outside this machine: a connection to anything but loopback fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in {"127.0.0.1", "::1", "localhost"} and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach {host}: network outside loopback is blocked in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return


@pytest.fixture
def organisation(db: Any) -> Any:
    from panah.accounts.models import Organisation

    org, _ = Organisation.objects.get_or_create(short_name="IOM", defaults={"name": "IOM Pakistan", "kind": "mission"})
    return org


@pytest.fixture
def other_organisation(db: Any) -> Any:
    from panah.accounts.models import Organisation

    org, _ = Organisation.objects.get_or_create(
        short_name="NRC", defaults={"name": "Norwegian Refugee Council", "kind": "ingo"}
    )
    return org


@pytest.fixture
def make_user(db: Any, organisation: Any) -> Callable[..., Any]:
    """make_user("im", "PK7") -> an active user of IOM holding the role over Sindh (several roles: a list)."""
    from panah.accounts.models import RoleAssignment, User
    from panah.geo.models import AdminArea

    counter = {"n": 0}

    def make(
        roles: str | list[str] | None = None,
        area: str = "PK",
        *,
        org: Any = None,
        username: str | None = None,
        expires_in: timedelta | None = None,
    ) -> Any:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}",
            password="correct horse battery staple",
            organisation=org or organisation,
        )
        for role in [roles] if isinstance(roles, str) else roles or []:
            RoleAssignment.objects.create(
                user=user,
                role=role,
                area=AdminArea.objects.get(pcode=area),
                expires_at=timezone.now() + expires_in if expires_in else None,
            )
        return user

    return make


@pytest.fixture
def area() -> Callable[[str], Any]:
    from panah.geo.models import AdminArea

    return lambda pcode: AdminArea.objects.get(pcode=pcode)


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """Sign a user in on the test client, with a verified second factor (as after a real TOTP sign-in)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "test", "confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in

"""The sealed compartment: what a sealed ticket says, encrypted under keys of its own that only PSEA code paths use.

The PSEA keys (PANAH_PSEA_ENCRYPTION_KEYS) are separate from the field keys, so a copy of the database together with
the field keys still reads no sealed narrative. Opening a sealed value takes the actor and refuses anyone who does not
hold the PSEA focal point role at that moment, whatever else they hold: the system administrator included.
See docs/adr/0009-sealed-psea-compartment.md for what this does and does not protect against.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from panah.core.errors import not_found
from panah.core.permissions import has_role
from panah.core.roles import Role

PREFIX = "psea1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PANAH_PSEA_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _box() -> MultiFernet:
    return _fernet(tuple(settings.PSEA_ENCRYPTION_KEYS))


def seal(value: Any) -> str:
    """Encrypt a JSON value into the compartment. Anyone may seal (intake staff hand a report over); few may open."""
    return PREFIX + _box().encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()


def may_open(actor: Any) -> bool:
    return has_role(actor, Role.PSEA_FOCAL_POINT)


def open_sealed(token: str, *, actor: Any) -> Any:
    """The sealed value, for a PSEA focal point only; anyone else gets the same not-found answer as for no ticket."""
    if not may_open(actor):
        raise not_found("ticket")
    if not token:
        return {}
    if not token.startswith(PREFIX):
        raise ValueError("value is not sealed")
    try:
        return json.loads(_box().decrypt(token[len(PREFIX) :].encode()))
    except InvalidToken as exc:
        raise ValueError("cannot open: no configured PSEA key fits") from exc

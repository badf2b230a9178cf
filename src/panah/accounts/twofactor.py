"""Who must sign in with a second factor, and whether this session has done so."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from panah.core.permissions import roles_of
from panah.core.roles import TWO_FACTOR_ROLES


def required_for(user: Any) -> bool:
    """Roles that see sensitive personal data need TOTP; only demo mode relaxes it."""
    if settings.PANAH_DEMO_MODE:
        return False
    return bool(roles_of(user) & TWO_FACTOR_ROLES) or bool(getattr(user, "is_superuser", False))


def satisfied(request: Any) -> bool:
    user = request.user
    return not required_for(user) or bool(getattr(user, "is_verified", lambda: False)())

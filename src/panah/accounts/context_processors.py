from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from panah.accounts.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_items": items_for(user) if user is not None and user.is_authenticated else [],
        "demo_mode": settings.PANAH_DEMO_MODE,
    }

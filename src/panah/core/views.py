"""Public pages of the core: the health check for load balancers and the About page with the data credits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("panah.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable", extra={"event": "health.database"})
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    # Reads neither session nor user: probes come every few seconds and must not create sessions.
    if _database_ok():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    # AGPL section 13: users of a network service are offered its source; the operator sets where it lives.
    source_url = settings.PANAH_SOURCE_URL
    return render(request, "core/about.html", {"nav_active": "about", "source_url": source_url})

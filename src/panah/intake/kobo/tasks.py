"""Background pulls from KoboToolbox. Thin: the work is in kobo.services."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from panah.intake.kobo import services
from panah.intake.models import KoboSource


@task()
def pull_source(source_id: int) -> int:
    """Pull one source as the person who configured it (their data-entry scope applies). Returns new records."""
    source = KoboSource.objects.select_related("created_by").get(pk=source_id)
    return services.kobo_pull(actor=source.created_by, source=source).new


def pull_now(*, actor: Any, source: KoboSource) -> None:
    """Record the request (services.kobo_source_pull_request) and queue the pull once that is committed."""
    with transaction.atomic():
        services.kobo_source_pull_request(actor=actor, source=source)
        source_id = source.pk
        transaction.on_commit(lambda: pull_source.enqueue(source_id))

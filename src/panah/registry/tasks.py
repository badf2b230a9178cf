"""Background deduplication. Thin: the work is in linking.py; registration wrappers queue it after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from panah.registry import inputs, linking, services
from panah.registry.models import RecordState, Source


@task()
def link_household(household_id: int) -> int:
    return linking.household_link(household_id)


@task()
def link_batch(batch_id: int) -> str:
    return str(linking.batch_link(batch_id).status)


def enqueue_batch_link(batch_id: int) -> None:
    transaction.on_commit(lambda: link_batch.enqueue(batch_id))


def household_register(
    *, actor: Any, data: inputs.HouseholdInput, source: str = Source.PAGE, source_ref: str = ""
) -> services.Registered:
    """Register a household straight into the registry (services.household_register), then deduplicate it."""
    registered = services.household_register(
        actor=actor, data=data, source=source, source_ref=source_ref, state=RecordState.ACTIVE
    )
    if registered.created:
        pk = registered.household.pk
        transaction.on_commit(lambda: link_household.enqueue(pk))
    return registered

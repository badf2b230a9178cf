"""Background processing of import batches. Thin: the work is in services.batch_process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django_tasks import task

from panah.intake import services
from panah.intake.models import ImportBatch


@task()
def process_batch(batch_id: int) -> str:
    return str(services.batch_process(batch_id=batch_id).status)


def _enqueue_on_commit(batch_id: int) -> None:
    transaction.on_commit(lambda: process_batch.enqueue(batch_id))


def batch_upload(
    *, actor: Any, spec_name: str, context: Mapping[str, Any], filename: str, content: bytes, policy: str
) -> services.Upload:
    """Stage the file (services.batch_create) and queue its processing once the batch is committed."""
    upload = services.batch_create(
        actor=actor, spec_name=spec_name, context=context, filename=filename, content=content, policy=policy
    )
    if upload.needs_run:
        _enqueue_on_commit(upload.batch.pk)
    return upload


def batch_decide(*, actor: Any, batch: ImportBatch, policy: str) -> ImportBatch:
    """Record the decision on a batch (services.batch_decide) and queue the import when the clean rows go in."""
    batch = services.batch_decide(actor=actor, batch=batch, policy=policy)
    if batch.status != "rejected":
        _enqueue_on_commit(batch.pk)
    return batch

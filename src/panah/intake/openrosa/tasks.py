"""Background processing of received submissions. Thin: the work is in openrosa.services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django_tasks import task

from panah.intake.openrosa import services


@task()
def process_submission_batch(batch_id: int) -> str:
    return str(services.process(batch_id=batch_id).status)


def submission_receive(*, actor: Any, payload: bytes, attachments: Sequence[File[Any]] = ()) -> services.Receipt:
    """Store the submission (services.submission_receive) and queue its batch once committed."""
    receipt = services.submission_receive(actor=actor, payload=payload, attachments=attachments)
    if receipt.needs_run and receipt.submission.batch_id is not None:
        batch_id = receipt.submission.batch_id
        transaction.on_commit(lambda: process_submission_batch.enqueue(batch_id))
    return receipt

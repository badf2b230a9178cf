"""Receiving form instances: store each once (by instanceID) and stage it as a one-row import batch.

A submission goes through the same spec validation as an uploaded file, with the accept_clean policy: an invalid
one becomes a held row, corrected on the held-row page like any other. The instance, its batch and the audit event
are written in one transaction; a refused submission (no right, closed round) stores nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import conflict
from panah.intake import registry, services
from panah.intake.models import (
    BatchPolicy,
    BatchStatus,
    HeldRow,
    ImportBatch,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)
from panah.intake.openrosa import mapping, xforms
from panah.intake.registry import ImportSpec

FIRST_ROW = 2  # the header is row 1, as on the held-row page


@dataclass
class Receipt:
    submission: Submission
    created: bool  # False: this instanceID was received before with the same content; nothing new was stored
    needs_run: bool  # the submission's batch is to be processed


def rows_csv(spec: ImportSpec, rows: Sequence[Mapping[str, str]]) -> bytes:
    """Rows of a spec as the CSV file the import pipeline reads (header of every column, then the rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spec.column_names)
    writer.writerows([row.get(name, "") for name in spec.column_names] for row in rows)
    return out.getvalue().encode("utf-8")


def submission_receive(*, actor: Any, payload: bytes, attachments: Sequence[File[Any]] = ()) -> Receipt:
    """Store an OpenRosa submission and stage its row; the same instanceID again adds attachments only (409 if the
    XML differs). Refusals of the spec's authorise hook (role, round not a draft) propagate and store nothing."""
    instance = mapping.parse_instance(payload)
    form = xforms.get(instance.form_id)
    digest = hashlib.sha256(payload).hexdigest()
    existing = Submission.objects.filter(instance_id=instance.instance_id).first()
    if existing is not None:
        return _again(actor, existing, digest, attachments)
    spec = registry.get(form.spec_name)
    row = mapping.row_from_values(spec, form, instance.values)
    context = mapping.context_from_values(form, instance.values)
    stored = _save_attachments(instance.instance_id, attachments)
    try:
        with transaction.atomic():
            upload = services.batch_create(
                actor=actor, spec_name=spec.name, context=context, filename=f"{instance.instance_id}.csv",
                content=rows_csv(spec, [row]), policy=BatchPolicy.ACCEPT_CLEAN,
            )  # fmt: skip
            submission = Submission.objects.create(
                source=SubmissionSource.OPENROSA, form_id=form.form_id, instance_id=instance.instance_id,
                sha256=digest, payload=payload.decode("utf-8", errors="replace"), attachments=stored,
                submitted_by=actor, batch=upload.batch, row_number=FIRST_ROW,
                status=SubmissionStatus.RECEIVED if upload.created else _settled_status(upload.batch, FIRST_ROW),
            )  # fmt: skip
            audit.record(actor=actor, action=audit.Action.CREATE, obj=submission, metadata=_about(submission))
    except IntegrityError:
        _delete_files(stored)
        # The same instance arrived twice at once (Collect retries on a slow network): the other request stored it.
        return _again(actor, Submission.objects.get(instance_id=instance.instance_id), digest, attachments)
    except Exception:
        _delete_files(stored)
        raise
    return Receipt(submission=submission, created=True, needs_run=upload.needs_run)


def _about(submission: Submission) -> dict[str, Any]:
    return {"form": submission.form_id, "instance": submission.instance_id, "batch": submission.batch_id,
            "source": submission.source}  # fmt: skip


def _again(actor: Any, submission: Submission, digest: str, attachments: Sequence[File[Any]]) -> Receipt:
    if submission.sha256 != digest:
        raise conflict(_("A different submission with this instanceID was received before; it was not replaced."))
    known = {a["filename"] for a in submission.attachments}
    # Collect splits a large submission into several POSTs that repeat the XML, each with more attachments.
    extra = (
        [f for f in attachments if _clean_name(f.name) not in known] if actor.pk == submission.submitted_by_id else []
    )
    if extra:
        stored = _save_attachments(submission.instance_id, extra)
        with transaction.atomic():
            submission.attachments = [*submission.attachments, *stored]
            submission.save(update_fields=["attachments", "updated_at"])
            names = [a["filename"] for a in stored]
            audit.record(actor=actor, action=audit.Action.UPDATE, obj=submission, metadata={"attachments": names})
    return Receipt(submission=submission, created=False, needs_run=False)


def _clean_name(name: str | None) -> str:
    return get_valid_filename((name or "attachment").replace("\\", "/").rsplit("/", 1)[-1])[:100]


def _save_attachments(instance_id: str, files: Sequence[File[Any]]) -> list[dict[str, Any]]:
    folder = "openrosa/" + hashlib.sha256(instance_id.encode()).hexdigest()[:32]
    stored: list[dict[str, Any]] = []
    try:
        for upload in files:
            filename = _clean_name(upload.name)
            path = default_storage.save(f"{folder}/{filename}", upload)
            content_type = str(getattr(upload, "content_type", "") or "")
            stored.append({"filename": filename, "path": path, "size": upload.size, "content_type": content_type})
    except Exception:
        _delete_files(stored)
        raise
    return stored


def _delete_files(stored: Sequence[Mapping[str, Any]]) -> None:
    for item in stored:
        default_storage.delete(item["path"])


def _settled_status(batch: ImportBatch, row_number: int | None, held: set[int] | None = None) -> str:
    if batch.status in (BatchStatus.VALIDATING, BatchStatus.IMPORTING, BatchStatus.NEEDS_DECISION):
        return SubmissionStatus.RECEIVED
    if batch.status in (BatchStatus.REJECTED, BatchStatus.FAILED):
        return str(batch.status)
    if held is None:
        held = set(HeldRow.objects.filter(batch=batch).values_list("row_number", flat=True))
    return SubmissionStatus.HELD if row_number in held else SubmissionStatus.IMPORTED


def submissions_settle(*, batch_id: int) -> int:
    """Mirror a processed batch's outcome on the submissions staged in it. Returns how many changed."""
    batch = ImportBatch.objects.defer("content").get(pk=batch_id)
    held = set(HeldRow.objects.filter(batch=batch).values_list("row_number", flat=True))
    by_status: dict[str, list[int]] = {}
    rows = Submission.objects.filter(batch=batch).exclude(status=SubmissionStatus.DUPLICATE)
    for pk, status, row_number in rows.values_list("pk", "status", "row_number"):
        settled = _settled_status(batch, row_number, held)
        if settled != status:
            by_status.setdefault(settled, []).append(pk)
    return sum(Submission.objects.filter(pk__in=pks).update(status=s) for s, pks in by_status.items())


def process(*, batch_id: int) -> ImportBatch:
    """Validate and import a staged batch (services.batch_process), then settle its submissions."""
    batch = services.batch_process(batch_id=batch_id)
    submissions_settle(batch_id=batch_id)
    return batch

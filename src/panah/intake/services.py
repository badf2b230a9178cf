"""Writes of the intake app: uploading a file, processing it, deciding on it, and correcting held rows.

Each import is all-or-nothing: rows, held rows, counts and the audit event are written in one transaction, after
every row has been validated. An interrupted attempt leaves nothing behind, and a re-run first removes whatever an
earlier attempt of the same batch may have written (the spec's `forget`, by import_batch_id).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, conflict, invalid
from panah.intake import pipeline, registry
from panah.intake.models import BatchPolicy, BatchStatus, HeldRow, ImportBatch, Resolution
from panah.intake.parsing import read_table
from panah.intake.registry import ImportSpec, context_key

logger = logging.getLogger("panah.intake")

MAX_UPLOAD_BYTES = 60 * 1024 * 1024
HELD_CHUNK = 2000


@dataclass
class Upload:
    batch: ImportBatch
    created: bool  # False: the same file was uploaded before for the same target; nothing changed
    needs_run: bool  # the batch is to be processed (new, or an earlier attempt failed)


def clean_context(spec: ImportSpec, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with exactly the spec's keys, each parsed; a missing or bad one is a 422 naming it."""
    cleaned: dict[str, Any] = {}
    for name, parse in spec.context_fields.items():
        try:
            cleaned[name] = parse(context[name])
        except (KeyError, TypeError, ValueError):
            message = _("A valid %(name)s is required.") % {"name": name}
            raise invalid(message, FieldError(name, message, "required")) from None
    return cleaned


def _check_file(spec: ImportSpec, filename: str, content: bytes) -> None:
    if not content:
        raise invalid(_("The file is empty."), FieldError("file", _("The file is empty."), "empty"))
    if len(content) > MAX_UPLOAD_BYTES:
        message = _("The file is larger than %(mb)s MB: split it.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        raise ApplicationError("too_large", message, status=413, errors=[FieldError("file", message, "too_large")])
    # Reading the header now refuses a wrong file at once, not minutes later in the background.
    read_table(filename, content, spec.column_names, spec.required_columns)


def file_fingerprint(content: bytes) -> str:
    """A keyed hash of an uploaded file, to recognise the same file again. Keyed (HMAC with the deployment's secret)
    because a plain SHA-256 of a one-row file could be brute-forced back to a phone or document number in it."""
    return hmac.new(settings.SECRET_KEY.encode(), content, hashlib.sha256).hexdigest()


def batch_create(
    *, actor: Any, spec_name: str, context: Mapping[str, Any], filename: str, content: bytes, policy: str
) -> Upload:
    """Stage an uploaded file for import; the same file again for the same target returns the earlier batch."""
    spec = registry.get(spec_name)
    ctx = clean_context(spec, context)
    spec.authorise(actor, ctx)
    if policy not in BatchPolicy.values:
        message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(BatchPolicy.values)}
        raise invalid(message, FieldError("policy", message, "choice"))
    _check_file(spec, filename, content)
    digest = file_fingerprint(content)
    key = context_key(ctx)
    existing = ImportBatch.objects.defer("content").filter(spec_name=spec.name, context_key=key, sha256=digest).first()
    if existing is not None:
        return _again(actor, existing)
    batch = ImportBatch(
        spec_name=spec.name, context=ctx, context_key=key, original_filename=filename[:255], sha256=digest,
        content=content, uploaded_by=actor, policy=policy,
    )  # fmt: skip
    try:
        with transaction.atomic():
            batch.save()
            audit.record(actor=actor, action=audit.Action.CREATE, obj=batch, metadata=_about(batch))
    except IntegrityError:
        # Two uploads of one file at the same moment: the other one won, and this one changes nothing.
        existing = ImportBatch.objects.defer("content").get(spec_name=spec.name, context_key=key, sha256=digest)
        return _again(actor, existing)
    return Upload(batch=batch, created=True, needs_run=True)


def _again(actor: Any, batch: ImportBatch) -> Upload:
    if batch.status != BatchStatus.FAILED:
        return Upload(batch=batch, created=False, needs_run=False)
    with transaction.atomic():
        batch.status, batch.progress, batch.error_summary = BatchStatus.VALIDATING, 0, ""
        batch.save(update_fields=["status", "progress", "error_summary", "updated_at"])
        audit.record(actor=actor, action=audit.Action.TRANSITION, obj=batch, metadata={"retry": True})
    return Upload(batch=batch, created=False, needs_run=True)


def _about(batch: ImportBatch) -> dict[str, Any]:
    return {"spec": batch.spec_name, "context": batch.context, "file": batch.original_filename, "sha256": batch.sha256}


def batch_process(*, batch_id: int) -> ImportBatch:
    """Validate every row, then (as the policy says) import the clean rows and hold the rest, in one transaction."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if batch.status not in (BatchStatus.VALIDATING, BatchStatus.IMPORTING):
        return batch  # already processed: a repeated task changes nothing
    try:
        return _process(batch)
    except ApplicationError as error:
        # The round was submitted meanwhile, or the uploader lost the right: refuse, store nothing.
        _finish_refused(batch, BatchStatus.REJECTED, error.message)
    except Exception:
        logger.exception("import batch failed", extra={"event": "intake.batch_failed", "batch_id": batch.pk})
        _finish_refused(
            batch, BatchStatus.FAILED, _("The import stopped on an internal error; upload the file again to retry.")
        )
    batch.refresh_from_db()
    return batch


def _progress(batch_id: int) -> Any:
    def report(percent: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress=percent)

    return report


def _process(batch: ImportBatch) -> ImportBatch:
    spec = registry.get(batch.spec_name)
    actor = batch.uploaded_by
    target = spec.authorise(actor, batch.context)
    with transaction.atomic():
        # Before validating: rows of an earlier attempt would otherwise count as already recorded.
        spec.forget(target, batch.pk)
    validator = spec.validator(actor, batch.context, target)
    outcome = pipeline.validate(
        spec, validator, batch.original_filename, bytes(batch.content), target=target, on_progress=_progress(batch.pk)
    )
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().defer("content").get(pk=batch.pk)
        HeldRow.objects.filter(batch=locked).delete()
        imported = 0
        if not outcome.held or locked.policy == BatchPolicy.ACCEPT_CLEAN:
            imported = spec.persist(actor, target, [row for _, row in outcome.valid], locked.pk)
            status = BatchStatus.DONE
        else:
            status = BatchStatus.REJECTED if locked.policy == BatchPolicy.REJECT_FILE else BatchStatus.NEEDS_DECISION
        _store_held(locked, outcome)
        _store_counts(locked, outcome, imported, status)
        audit.record(actor=actor, action=audit.Action.TRANSITION, obj=locked, metadata=_summary(locked))
    return locked


def _store_held(batch: ImportBatch, outcome: pipeline.Outcome) -> None:
    HeldRow.objects.bulk_create(
        (
            HeldRow(batch=batch, row_number=number, values=raw, errors=[e.as_dict() for e in errors])
            for number, raw, errors in outcome.held
        ),
        batch_size=HELD_CHUNK,
    )


def _store_counts(batch: ImportBatch, outcome: pipeline.Outcome, imported: int, status: str) -> None:
    batch.total_rows, batch.valid_rows, batch.held_rows = outcome.total, len(outcome.valid), len(outcome.held)
    batch.imported_rows, batch.status, batch.progress = imported, status, 100
    batch.finished_at = timezone.now() if status != BatchStatus.NEEDS_DECISION else None
    parts = []
    if outcome.held:
        parts.append(_("%(n)s row(s) with problems.") % {"n": len(outcome.held)})
    if status == BatchStatus.REJECTED:
        parts.append(_("The file was rejected: nothing was imported."))
    if outcome.unknown_columns:
        parts.append(_("Columns ignored: %(names)s.") % {"names": ", ".join(outcome.unknown_columns)})
    batch.error_summary = " ".join(parts)
    fields = ["total_rows", "valid_rows", "held_rows", "imported_rows", "status", "progress", "finished_at"]
    if status in (BatchStatus.DONE, BatchStatus.REJECTED):
        # The file may hold personal data (respondents' numbers, later household members): once its rows are
        # stored or refused it is not needed again. The hash stays, so the same file uploaded again is recognised.
        batch.content = b""
        fields.append("content")
    batch.save(update_fields=[*fields, "error_summary", "updated_at"])


def _summary(batch: ImportBatch) -> dict[str, Any]:
    return {
        "status": batch.status, "total": batch.total_rows, "valid": batch.valid_rows, "held": batch.held_rows,
        "imported": batch.imported_rows, "policy": batch.policy,
    }  # fmt: skip


def _finish_refused(batch: ImportBatch, status: str, message: str) -> None:
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status, error_summary=message, progress=100, finished_at=timezone.now(), updated_at=timezone.now()
        )
        audit.record(actor=batch.uploaded_by, action=audit.Action.TRANSITION, obj=batch, metadata={"status": status})


def batch_decide(*, actor: Any, batch: ImportBatch, policy: str) -> ImportBatch:
    """Settle a batch waiting for a decision: reject it whole, or import its clean rows (the caller then runs it)."""
    if batch.status != BatchStatus.NEEDS_DECISION:
        raise conflict(_("This batch is not waiting for a decision."))
    if policy not in (BatchPolicy.REJECT_FILE, BatchPolicy.ACCEPT_CLEAN):
        message = _("Choose reject_file or accept_clean.")
        raise invalid(message, FieldError("policy", message, "choice"))
    spec = registry.get(batch.spec_name)
    spec.authorise(actor, batch.context)
    with transaction.atomic():
        batch.policy = policy
        if policy == BatchPolicy.REJECT_FILE:
            batch.status, batch.finished_at = BatchStatus.REJECTED, timezone.now()
        else:
            batch.status, batch.progress = BatchStatus.IMPORTING, 0
        batch.save(update_fields=["policy", "status", "finished_at", "progress", "updated_at"])
        audit.record(actor=actor, action=audit.Action.TRANSITION, obj=batch, metadata={"decision": policy})
    return batch


def _editable_row(actor: Any, row: HeldRow) -> tuple[ImportSpec, Any]:
    if row.batch.status != BatchStatus.DONE or row.resolution != Resolution.OPEN:
        raise conflict(_("Only open rows of an imported batch can be corrected or discarded."))
    spec = registry.get(row.batch.spec_name)
    return spec, spec.authorise(actor, row.batch.context)


def _correctable(spec: ImportSpec) -> None:
    if not spec.row_correction:
        raise conflict(_("A row of this import is part of a larger record: correct the file and upload it again."))


def held_row_correct(*, actor: Any, row: HeldRow, values: Mapping[str, Any]) -> list[dict[str, str]]:
    """Re-validate a held row with corrected values; import it when clean. Returns the remaining problems."""
    spec, target = _editable_row(actor, row)
    _correctable(spec)
    raw = {name: str(values.get(name, "") or "").strip() for name in spec.column_names}
    cleaned, errors = spec.validator(actor, row.batch.context, target)(raw)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().defer("content").get(pk=row.batch_id)
        row.values = raw
        row.errors = [e.as_dict() for e in errors]
        if cleaned is not None and not errors:
            spec.persist(actor, target, [cleaned], batch.pk)
            row.resolved, row.resolution = True, Resolution.IMPORTED
            batch.imported_rows += 1
            batch.held_rows -= 1
            batch.save(update_fields=["imported_rows", "held_rows", "updated_at"])
        row.save(update_fields=["values", "errors", "resolved", "resolution", "updated_at"])
        metadata = {"row": row.row_number, "imported": row.resolved, "problems": len(row.errors)}
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=row, metadata=metadata)
    return list(row.errors)


def held_row_discard(*, actor: Any, row: HeldRow) -> HeldRow:
    """Give up on a held row: it stays in the report as discarded and is never imported."""
    _editable_row(actor, row)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().defer("content").get(pk=row.batch_id)
        row.resolved, row.resolution = True, Resolution.DISCARDED
        row.save(update_fields=["resolved", "resolution", "updated_at"])
        batch.held_rows -= 1
        batch.save(update_fields=["held_rows", "updated_at"])
        audit.record(actor=actor, action=audit.Action.DELETE, obj=row, metadata={"row": row.row_number})
    return row

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
from django.db.models import F
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import ApplicationError, conflict
from panah.core.fields import blind_index
from panah.intake import registry, services
from panah.intake.models import (
    BatchPolicy,
    BatchStatus,
    HeldRow,
    ImportBatch,
    Resolution,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)
from panah.intake.openrosa import mapping, xforms
from panah.intake.registry import ImportSpec

FIRST_ROW = 2  # the header is row 1, as on the held-row page
PAYLOAD_PURPOSE = "openrosa-payload"


@dataclass
class Receipt:
    submission: Submission
    created: bool  # False: this instanceID was received before with the same content; nothing new was stored
    needs_run: bool  # the submission's batch is to be processed
    refused: bool = False  # the respondent did not consent: stored as rejected, nothing imported


def rows_csv(spec: ImportSpec, rows: Sequence[Mapping[str, str]]) -> bytes:
    """Rows of a spec as the CSV file the import pipeline reads (header of every column, then the rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spec.column_names)
    writer.writerows([row.get(name, "") for name in spec.column_names] for row in rows)
    return out.getvalue().encode("utf-8")


def submission_receive(*, actor: Any, payload: bytes, attachments: Sequence[File[Any]] = ()) -> Receipt:
    """Store an OpenRosa submission and stage its row; the same instanceID again adds attachments only (409 if the
    XML differs); an edit (meta/deprecatedID) replaces the earlier instance's row while its round is a draft; a
    refused interview is stored as rejected, never imported. Refusals (role, round not a draft) store nothing."""
    incoming = _incoming(payload)
    instance_id = incoming.instance.instance_id
    existing = Submission.objects.filter(instance_id=instance_id).first()
    if existing is not None:
        return _again(actor, existing, incoming.digest, attachments)
    stored = _save_attachments(instance_id, attachments)
    try:
        with transaction.atomic():
            return _store(actor, incoming, stored)
    except IntegrityError:
        _delete_files(stored)
        # The same instance arrived twice at once (Collect retries on a slow network): the other request stored it.
        return _again(actor, Submission.objects.get(instance_id=instance_id), incoming.digest, attachments)
    except Exception:
        _delete_files(stored)
        raise


@dataclass(frozen=True)
class _Incoming:
    instance: mapping.Instance
    form: xforms.XFormSpec
    spec: ImportSpec
    digest: str
    payload: str  # as stored: withheld answers emptied
    context: dict[str, str]


def _incoming(payload: bytes) -> _Incoming:
    instance = mapping.parse_instance(payload)
    form = xforms.get(instance.form_id)
    if form.withheld:
        stored = mapping.withhold(payload, [form.fields.get(p, p) for p in form.withheld])
        # A plain SHA-256 of a one-interview payload could be brute-forced back to the number: key it.
        digest = blind_index(payload.decode("utf-8", errors="replace"), purpose=PAYLOAD_PURPOSE)
    else:
        stored, digest = payload, hashlib.sha256(payload).hexdigest()
    return _Incoming(
        instance=instance, form=form, spec=registry.get(form.spec_name), digest=digest,
        payload=stored.decode("utf-8", errors="replace"), context=mapping.context_from_values(form, instance.values),
    )  # fmt: skip


def _store(actor: Any, incoming: _Incoming, stored: list[dict[str, Any]]) -> Receipt:
    earlier = _earlier(actor, incoming)
    if not _consented(incoming):
        incoming.spec.authorise(actor, services.clean_context(incoming.spec, incoming.context))
        submission = _create(actor, incoming, stored, None, SubmissionStatus.REJECTED, earlier)
        if earlier is not None:
            _release(actor, earlier, keep_batch_id=None)
            _retire(actor, earlier, submission)
        return Receipt(submission=submission, created=True, needs_run=False, refused=True)
    records = mapping.instance_records(incoming.form, incoming.instance)
    rows = [mapping.row_from_values(incoming.spec, incoming.form, values) for values in records]
    upload = services.batch_create(
        actor=actor, spec_name=incoming.spec.name, context=incoming.context,
        filename=f"{incoming.instance.instance_id}.csv", content=rows_csv(incoming.spec, rows),
        policy=BatchPolicy.ACCEPT_CLEAN,
    )  # fmt: skip
    if earlier is not None:
        _release(actor, earlier, keep_batch_id=upload.batch.pk)
    status = SubmissionStatus.RECEIVED if upload.created else _settled_status(upload.batch, FIRST_ROW)
    submission = _create(actor, incoming, stored, upload.batch, status, earlier)
    # An edit is imported in this transaction, so the earlier row is never lost to a failed import; a form with
    # withheld answers too, so the batch's copy of the row (with the number) is emptied before anything commits.
    now = upload.needs_run and (earlier is not None or bool(incoming.form.withheld))
    if now:
        _import_now(upload.batch.pk, strict=earlier is not None)
        submission.refresh_from_db(fields=["status"])
    if earlier is not None:
        _retire(actor, earlier, submission)
    return Receipt(submission=submission, created=True, needs_run=upload.needs_run and not now)


def _create(
    actor: Any, incoming: _Incoming, stored: list[dict[str, Any]], batch: ImportBatch | None, status: str,
    earlier: Submission | None,
) -> Submission:  # fmt: skip
    submission = Submission.objects.create(
        source=SubmissionSource.OPENROSA, form_id=incoming.form.form_id, instance_id=incoming.instance.instance_id,
        sha256=incoming.digest, payload=incoming.payload, attachments=stored, submitted_by=actor, batch=batch,
        row_number=FIRST_ROW if batch is not None else None, status=status,
    )  # fmt: skip
    metadata = _about(submission)
    if earlier is not None:
        metadata["replaces"] = earlier.instance_id
    if status == SubmissionStatus.REJECTED:
        metadata["consent"] = "refused"
    audit.record(actor=actor, action=audit.Action.CREATE, obj=submission, metadata=metadata)
    return submission


def _consented(incoming: _Incoming) -> bool:
    if not incoming.form.consent:
        return True
    return mapping.answer(incoming.instance.values, incoming.form.consent) == "yes"


def _earlier(actor: Any, incoming: _Incoming) -> Submission | None:
    """The submission an edit replaces, locked; None when not an edit or when the earlier one never reached us."""
    deprecated = incoming.instance.deprecated_id
    if not deprecated:
        return None
    earlier = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("batch")
        .filter(instance_id=deprecated)
        .first()
    )
    if earlier is None:
        return None  # e.g. sent to another server first: the edit is taken as a new submission
    if earlier.form_id != incoming.form.form_id:
        raise conflict(_("The edit is of another form than the submission it replaces; it was not applied."))
    if not incoming.form.edits:
        raise conflict(_("Edits of this form are not accepted: correct the record in Panah instead."))
    if earlier.status == SubmissionStatus.REPLACED:
        raise conflict(_("The submission this edit replaces was already replaced by another edit; edit that one."))
    if earlier.status == SubmissionStatus.RECEIVED:
        raise conflict(_("The submission this edit replaces is still being imported: send the edit again shortly."))
    if earlier.batch is not None:
        try:
            registry.get(earlier.batch.spec_name).authorise(actor, earlier.batch.context)
        except ApplicationError as error:
            if error.status != 409:
                raise
            raise conflict(
                _("The edit was not applied: the submission it replaces is in a round that is no longer a draft. "
                  "%(reason)s") % {"reason": error.message}
            ) from None  # fmt: skip
    return earlier


def _release(actor: Any, earlier: Submission, keep_batch_id: int | None) -> None:
    """Take back what the earlier instance put in: its imported row deleted, its open held row discarded."""
    batch = earlier.batch
    if batch is None or batch.pk == keep_batch_id:
        return
    shared = Submission.objects.filter(batch=batch).exclude(pk=earlier.pk).exclude(status=SubmissionStatus.REPLACED)
    if shared.exists():
        return  # another instance with the same values owns this row too
    spec = registry.get(batch.spec_name)
    deleted = spec.forget(spec.authorise(actor, batch.context), batch.pk)
    discarded = HeldRow.objects.filter(batch=batch, resolution=Resolution.OPEN).update(
        resolved=True, resolution=Resolution.DISCARDED
    )
    if discarded:
        ImportBatch.objects.filter(pk=batch.pk).update(held_rows=F("held_rows") - discarded)
    metadata = {"replaced_by_edit": True, "deleted_rows": deleted, "discarded_held_rows": discarded}
    audit.record(actor=actor, action=audit.Action.TRANSITION, obj=batch, metadata=metadata)


def _retire(actor: Any, earlier: Submission, replacement: Submission) -> None:
    earlier.status = SubmissionStatus.REPLACED
    earlier.save(update_fields=["status", "updated_at"])
    metadata = {"status": earlier.status, "replaced_by": replacement.instance_id}
    audit.record(actor=actor, action=audit.Action.TRANSITION, obj=earlier, metadata=metadata)


def _import_now(batch_id: int, *, strict: bool) -> None:
    """Process the batch inside the caller's transaction; a refusal (or, when strict, a held row) rolls it back."""
    batch = services.batch_process(batch_id=batch_id)
    submissions_settle(batch_id=batch_id)
    if batch.status == BatchStatus.FAILED:
        raise RuntimeError(f"import batch {batch_id} failed")  # rolls back; Collect retries later
    if batch.status != BatchStatus.DONE:
        raise conflict(batch.error_summary or _("The submission could not be imported."))
    if strict and batch.held_rows:
        problems = HeldRow.objects.filter(batch_id=batch_id).values_list("errors", flat=True).first() or []
        text = "; ".join(f"{e['column']}: {e['message']}" for e in problems)
        raise ApplicationError(
            "invalid", _("The edit was not applied, the earlier version stays: %(problems)s") % {"problems": text},
            status=422,
        )  # fmt: skip


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

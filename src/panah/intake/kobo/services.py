"""Pulling a KoboToolbox form's new submissions into its import spec, through the same pipeline as files.

Incremental on `_submission_time`; each record is stored once as a Submission (keyed by meta/instanceID, else
_uuid), so a second pull, or a record also sent by Collect to our OpenRosa endpoint, imports nothing twice. New
records of one pull become one batch per context (accept_clean: invalid ones are held rows). The network is read
before the transaction; records, batches, the source's bookmark and the audit event are written together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from panah.core import audit
from panah.core.errors import ApplicationError
from panah.intake import registry, services
from panah.intake.kobo.client import KoboClient, KoboError
from panah.intake.models import BatchPolicy, KoboSource, Submission, SubmissionSource, SubmissionStatus
from panah.intake.openrosa import mapping, xforms
from panah.intake.openrosa import services as openrosa

FIRST_ROW = 2


@dataclass
class PullResult:
    fetched: int = 0
    new: int = 0
    batch_ids: list[int] = field(default_factory=list)
    error: str = ""


def instance_id(record: Mapping[str, Any]) -> str:
    value = record.get("meta/instanceID") or (f"uuid:{record['_uuid']}" if record.get("_uuid") else "")
    return str(value)[:100]


def _client(source: KoboSource) -> KoboClient:
    return KoboClient(source.server_url, source.token)


def kobo_pull(*, actor: Any, source: KoboSource, client: KoboClient | None = None) -> PullResult:
    """Fetch the source's submissions newer than its bookmark, stage and import them; errors are kept on the source."""
    result = PullResult()
    try:
        records = list((client or _client(source)).submissions(source.asset_uid, since=source.last_submission_time))
    except KoboError as error:
        result.error = str(error)
        _record_run(actor, source, result)
        return result
    result.fetched = len(records)
    known = set(Submission.objects.filter(instance_id__in=[instance_id(r) for r in records])
                .values_list("instance_id", flat=True))  # fmt: skip
    fresh = [r for r in records if instance_id(r) and instance_id(r) not in known]
    try:
        with transaction.atomic():
            result.batch_ids = _stage(actor, source, fresh)
            result.new = len(fresh)
            if records:
                source.last_submission_time = max(str(r.get("_submission_time", "")) for r in records)
            _record_run(actor, source, result)
    except ApplicationError as error:
        result.error, result.new, result.batch_ids = error.message, 0, []
        _record_run(actor, source, result)
        return result
    for batch_id in result.batch_ids:
        openrosa.process(batch_id=batch_id)
    return result


def _stage(actor: Any, source: KoboSource, records: Sequence[Mapping[str, Any]]) -> list[int]:
    spec = registry.get(source.spec_name)
    form = xforms.for_spec(spec.name)
    groups: dict[str, tuple[dict[str, Any], list[Mapping[str, Any]]]] = {}
    for record in records:
        # The source's context wins; a key it leaves open (e.g. the round) is read from the record.
        context = {**mapping.context_from_values(form, record), **source.context}
        groups.setdefault(registry.context_key(context), (context, []))[1].append(record)
    batch_ids = []
    for context, group in groups.values():
        rows = [mapping.row_from_values(spec, form, record) for record in group]
        upload = services.batch_create(
            actor=actor, spec_name=spec.name, context=context, filename=f"kobo-{source.asset_uid}-{_first(group)}.csv",
            content=openrosa.rows_csv(spec, rows), policy=BatchPolicy.ACCEPT_CLEAN,
        )  # fmt: skip
        Submission.objects.bulk_create(_submission(actor, source, r, upload.batch.pk, n) for n, r in enumerate(group))
        if upload.needs_run:
            batch_ids.append(upload.batch.pk)
    return batch_ids


def _first(group: Sequence[Mapping[str, Any]]) -> str:
    return str(group[0].get("_id", "")) or hashlib.sha256(instance_id(group[0]).encode()).hexdigest()[:12]


def _submission(actor: Any, source: KoboSource, record: Mapping[str, Any], batch_id: int, index: int) -> Submission:
    payload = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return Submission(
        source=SubmissionSource.KOBO, form_id=str(record.get("_xform_id_string") or source.asset_uid)[:100],
        instance_id=instance_id(record), sha256=hashlib.sha256(payload.encode()).hexdigest(), payload=payload,
        submitted_by=actor, kobo_source=source, batch_id=batch_id, row_number=FIRST_ROW + index,
        status=SubmissionStatus.RECEIVED,
    )  # fmt: skip


def _record_run(actor: Any, source: KoboSource, result: PullResult) -> None:
    with transaction.atomic():
        source.last_run_at, source.last_error = timezone.now(), result.error
        source.save(update_fields=["last_submission_time", "last_run_at", "last_error", "updated_at"])
        metadata = {"fetched": result.fetched, "new": result.new, "batches": result.batch_ids, "error": result.error}
        audit.record(actor=actor, action=audit.Action.TRANSITION, obj=source, metadata=metadata)

"""Writes of displacement tracking: the round lifecycle and the operation's indicator thresholds.

A round moves draft → submitted → published, and a published round is frozen: a correction is a new draft version
that, once published in its turn, supersedes it. Publication needs a second person: whoever submitted a round cannot
approve it. Every change is atomic and writes its audit event in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from panah.accounts.models import Operation
from panah.core import audit
from panah.core.errors import FieldError, conflict, forbidden, invalid
from panah.core.permissions import Perm, can, get_visible, grants_of
from panah.dtm import standards
from panah.dtm.choices import RoundKind, RoundStatus
from panah.dtm.models import FlowCount, FlowSurvey, IndicatorThreshold, LocationAssessment, Round, SiteAssessment
from panah.dtm.policy import ROUND_MANAGERS, SUBMIT

DATA_MODELS: tuple[type[models.Model], ...] = (LocationAssessment, SiteAssessment, FlowCount, FlowSurvey)
COPY_BATCH = 2000


def _manages(actor: Any, operation_id: int) -> bool:
    """Round managers of this operation: a grant in ROUND_MANAGERS, for all operations or this one."""
    return any(g.role in ROUND_MANAGERS and g.operation_id in (None, operation_id) for g in grants_of(actor))


def _transition(actor: Any, round: Round, before: str, fields: list[str], **metadata: Any) -> None:
    round.save(update_fields=[*fields, "status", "updated_at"])
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=round,
        changes={"status": [before, round.status]},
        metadata={"from": before, "to": round.status, **metadata},
    )


def _locked(actor: Any, round: Round | int) -> Round:
    """The round re-read under a row lock, so two reviewers cannot both move it; not found when out of scope."""
    pk = round.pk if isinstance(round, Round) else round
    return get_visible(actor, Round.objects.select_for_update(of=("self",)).select_related("operation"), pk=pk)


def _require_status(round: Round, *allowed: str, doing: str) -> None:
    if round.status not in allowed:
        label = RoundStatus(round.status).label
        raise conflict(f"A round that is {str(label).lower()} cannot be {doing}.")


def _has_data(round: Round) -> bool:
    return any(model._default_manager.filter(round=round).exists() for model in DATA_MODELS)


def _round_errors(operation: Any, kind: str, number: Any, period_start: Any, period_end: Any) -> list[FieldError]:
    errors = []
    if not isinstance(operation, Operation):
        errors.append(FieldError("operation", "Choose an operation.", "required"))
    if kind not in RoundKind.values:
        errors.append(FieldError("kind", f"Kind must be one of: {', '.join(RoundKind.values)}.", "choice"))
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        errors.append(FieldError("number", "The round number must be a whole number from 1.", "invalid"))
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if not isinstance(value, date):
            errors.append(FieldError(name, "Give a date.", "required"))
    if isinstance(period_start, date) and isinstance(period_end, date) and period_end < period_start:
        errors.append(FieldError("period_end", "The period cannot end before it starts.", "order"))
    if not errors and Round.objects.filter(operation=operation, number=number).exists():
        errors.append(FieldError("number", f"This operation already has a round {number}.", "unique"))
    return errors


@transaction.atomic
def round_create(
    *, actor: Any, operation: Operation, kind: str, number: int, period_start: date, period_end: date
) -> Round:
    """Open a draft round of an operation (round managers only); the number is unique within the operation."""
    if not isinstance(operation, Operation) or not _manages(actor, operation.pk):
        raise forbidden("Only an IM officer of this operation may open a round.")
    # The operation row is locked so that two managers opening "round 4" at once cannot both succeed.
    Operation.objects.select_for_update().filter(pk=operation.pk).first()
    errors = _round_errors(operation, kind, number, period_start, period_end)
    if errors:
        raise invalid("The round has invalid fields.", *errors)
    round = Round.objects.create(
        operation=operation,
        kind=kind,
        number=number,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=round,
        changes={"operation": [None, operation.code], "kind": [None, kind], "number": [None, number]},
        metadata={"to": RoundStatus.DRAFT},
    )
    return round


@transaction.atomic
def round_submit(*, actor: Any, round: Round | int) -> Round:
    """Send a draft round with data for approval (needs the submit right); records who submitted it."""
    locked = _locked(actor, round)
    if not can(actor, SUBMIT, locked):
        raise forbidden("Only an IM officer may submit a round.")
    _require_status(locked, RoundStatus.DRAFT, doing="submitted")
    if not _has_data(locked):
        raise conflict("A round without any data cannot be submitted.")
    locked.status = RoundStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    _transition(actor, locked, RoundStatus.DRAFT, ["submitted_by", "submitted_at"])
    return locked


@transaction.atomic
def round_publish(*, actor: Any, round: Round | int) -> Round:
    """Approve a submitted round (a second person, not its submitter); a corrected round supersedes its original."""
    locked = _locked(actor, round)
    if not can(actor, Perm.APPROVE, locked):
        raise forbidden("Only an IM officer may publish a round.")
    _require_status(locked, RoundStatus.SUBMITTED, doing="published")
    if locked.submitted_by_id == actor.pk:
        raise forbidden("A second person approves a round: you submitted this one.")
    locked.status = RoundStatus.PUBLISHED
    locked.published_by = actor
    locked.published_at = timezone.now()
    _transition(actor, locked, RoundStatus.SUBMITTED, ["published_by", "published_at"])
    if locked.supersedes_id is not None:
        original = Round.objects.select_for_update().get(pk=locked.supersedes_id)
        before = original.status
        original.status = RoundStatus.SUPERSEDED
        _transition(actor, original, before, [], superseded_by=locked.pk)
    return locked


@transaction.atomic
def round_return(*, actor: Any, round: Round | int, reason: str) -> Round:
    """Send a submitted round back to draft with the reviewer's reason (needs the approve right)."""
    locked = _locked(actor, round)
    if not can(actor, Perm.APPROVE, locked):
        raise forbidden("Only an IM officer may return a round.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid("Say why the round goes back.", FieldError("reason", "Give a reason.", "required"))
    _require_status(locked, RoundStatus.SUBMITTED, doing="returned")
    locked.status = RoundStatus.DRAFT
    locked.submitted_by = None
    locked.submitted_at = None
    _transition(actor, locked, RoundStatus.SUBMITTED, ["submitted_by", "submitted_at"], reason=reason)
    return locked


def _copy_rows(source: Round, target: Round) -> dict[str, int]:
    copied = {}
    for model in DATA_MODELS:
        count = 0
        batch: list[models.Model] = []
        for row in model._default_manager.filter(round=source).order_by("pk").iterator(chunk_size=COPY_BATCH):
            row.pk = None
            row.round = target  # type: ignore[attr-defined]
            batch.append(row)
            if len(batch) == COPY_BATCH:
                count += len(model._default_manager.bulk_create(batch))
                batch = []
        count += len(model._default_manager.bulk_create(batch))
        copied[model._meta.model_name or model.__name__] = count
    return copied


@transaction.atomic
def round_correct(*, actor: Any, round: Round | int, reason: str) -> Round:
    """Open a correction of a published round: a new draft version with a copy of its data; the original stays
    published (its figures frozen) until the correction is published."""
    original = _locked(actor, round)
    if not _manages(actor, original.operation_id):
        raise forbidden("Only an IM officer of this operation may correct a round.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid("Say what the correction is for.", FieldError("reason", "Give a reason.", "required"))
    _require_status(original, RoundStatus.PUBLISHED, doing="corrected")
    if Round.objects.filter(supersedes=original).exists():
        raise conflict("This round already has a correction in progress.")
    latest = Round.objects.filter(operation_id=original.operation_id, number=original.number).aggregate(
        v=Max("version")
    )["v"]
    correction = Round.objects.create(
        operation_id=original.operation_id,
        kind=original.kind,
        number=original.number,
        version=(latest or original.version) + 1,
        period_start=original.period_start,
        period_end=original.period_end,
        supersedes=original,
        correction_reason=reason,
        created_by=actor,
    )
    copied = _copy_rows(original, correction)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=correction,
        changes={"version": [None, correction.version], "supersedes": [None, original.pk]},
        metadata={"to": RoundStatus.DRAFT, "reason": reason, "copied": copied},
    )
    return correction


def ensure_editable(round: Round | int) -> Round:
    """Refuse (409) to change the data of a round that is no longer a draft; importers call it in their transaction.

    The round row is locked for the rest of the caller's transaction, so it cannot be submitted half-way through."""
    pk = round.pk if isinstance(round, Round) else round
    with transaction.atomic():
        current = Round.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise invalid("Unknown round.", FieldError("round", f"No round has the id {pk!r}.", "unknown"))
    if isinstance(round, Round):
        round.status = current.status
    if not current.is_editable:
        raise conflict(
            f"Round {current.number} is {str(RoundStatus(current.status).label).lower()}: its data cannot change. "
            "Correct a published round to change its figures."
        )
    return current


def _threshold_value(comparator: str, value: Any) -> tuple[Decimal | None, FieldError | None]:
    if comparator == standards.Comparator.YES:
        return None, FieldError("value", "A yes/no indicator has no value to change.", "not_applicable")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None, FieldError("value", "Give a number.", "invalid")
    if not number.is_finite() or number < 0 or number >= Decimal("1e8"):
        return None, FieldError("value", "Give a number from 0 to 99,999,999.", "out_of_range")
    return number.quantize(Decimal("0.01")), None


@transaction.atomic
def threshold_set(*, actor: Any, operation: Operation, indicator: str, value: Any, source: str) -> IndicatorThreshold:
    """Set an operation's own threshold for a site indicator, in place of the Sphere default; audited."""
    if not isinstance(operation, Operation) or not can(actor, Perm.CHANGE, IndicatorThreshold(operation=operation)):
        raise forbidden("Only an IM officer of this operation may change its thresholds.")
    defaults = standards.default_thresholds()
    errors: list[FieldError] = []
    number: Decimal | None = None
    if indicator not in defaults:
        errors.append(FieldError("indicator", f"Indicator must be one of: {', '.join(defaults)}.", "choice"))
    else:
        number, error = _threshold_value(defaults[indicator].comparator, value)
        errors += [error] if error else []
    source = " ".join((source or "").split())
    if not source:
        errors.append(FieldError("source", "Say where the value comes from.", "required"))
    if errors or number is None:
        raise invalid("The threshold has invalid fields.", *errors)
    row = IndicatorThreshold.objects.select_for_update().filter(operation=operation, indicator=indicator).first()
    before = {"value": str(row.value), "source": row.source} if row else {"value": str(defaults[indicator].value)}
    if row is None:
        row = IndicatorThreshold.objects.create(operation=operation, indicator=indicator, value=number, source=source)
        action = audit.Action.CREATE
    else:
        row.value, row.source = number, source
        row.save(update_fields=["value", "source", "updated_at"])
        action = audit.Action.UPDATE
    after = {"value": str(number), "source": source}
    changes = audit.diff(IndicatorThreshold, before, after)
    audit.record(actor=actor, action=action, obj=row, changes=changes, metadata={"indicator": indicator})
    return row

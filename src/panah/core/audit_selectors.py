"""Reads of the audit trail, scoped by the permission policy (only the roles that audit see any of it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from panah.core import audit
from panah.core.audit import Action
from panah.core.errors import FieldError, invalid, not_found
from panah.core.models import AuditEvent
from panah.core.permissions import Perm, can, get_visible, visible_to

# A bound is a date (the whole day, in the mission's time zone) or an exact instant.
Bound = date | datetime


# Task result statuses, as django_tasks names them (READY, RUNNING, FAILED, SUCCESSFUL).
FINISHED = "SUCCESSFUL"
FAILED = "FAILED"


@dataclass(frozen=True)
class Verification:
    """Where one verification run stands and, once finished, what it found."""

    task_id: str
    status: str
    checked: int | None = None
    ok: bool | None = None
    problem_count: int | None = None
    problems: list[str] = field(default_factory=list)
    event_id: int | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in {FINISHED, FAILED}


@dataclass(frozen=True)
class EventFilters:
    """The filters shared by the API, the page and the CSV export; empty values filter nothing."""

    action: str | None = None
    actor_username: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: Bound | None = None
    until: Bound | None = None
    request_id: str | None = None

    def as_metadata(self) -> dict[str, str]:
        """The filters that were set, as strings: what an export event records."""
        return {
            k: v.isoformat() if isinstance(v, date) else str(v) for k, v in asdict(self).items() if v not in (None, "")
        }


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _start(bound: Bound) -> datetime:
    if isinstance(bound, datetime):
        return _aware(bound)
    return timezone.make_aware(datetime.combine(bound, time.min))


def _end_exclusive(bound: Bound) -> datetime:
    # A date as upper bound means "through that day", so the cut is the next midnight; an instant is inclusive.
    if isinstance(bound, datetime):
        return _aware(bound) + timedelta(microseconds=1)
    return timezone.make_aware(datetime.combine(bound + timedelta(days=1), time.min))


def _bound(name: str, value: Bound | None, convert: Callable[[Bound], datetime]) -> datetime | None:
    if value is None:
        return None
    try:
        # Converted to UTC here, because the database would overflow on the first and last representable days.
        return convert(value).astimezone(UTC)
    except OverflowError:
        raise invalid("The period is out of range.", FieldError(name, "Out of range.", "out_of_range")) from None


def _filtered(qs: QuerySet[AuditEvent], f: EventFilters) -> QuerySet[AuditEvent]:
    if f.action:
        qs = qs.filter(action=f.action)
    if f.actor_username:
        qs = qs.filter(actor_username__iexact=f.actor_username.strip())
    if f.object_type:
        qs = qs.filter(object_type=f.object_type.strip().lower())
    if f.object_id:
        qs = qs.filter(object_id=f.object_id.strip())
    if f.request_id:
        qs = qs.filter(request_id=f.request_id.strip())
    start = _bound("since", f.since, _start)
    end = _bound("until", f.until, _end_exclusive)
    if start is not None and end is not None and start >= end:
        raise invalid("The period is empty.", FieldError("until", "Must not be before 'since'.", "period_empty"))
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    return qs


def event_list(
    *,
    actor: Any,
    action: str | None = None,
    actor_username: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: Bound | None = None,
    until: Bound | None = None,
    request_id: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events the actor may view, newest first, narrowed by the filters; empty for anyone who does not audit."""
    filters = EventFilters(action, actor_username, object_type, object_id, since, until, request_id)
    return _filtered(visible_to(actor, AuditEvent.objects.all(), Perm.VIEW), filters).order_by("-id")


def event_get(*, actor: Any, id: int) -> AuditEvent:
    """One event the actor may view; a missing event and a forbidden one raise the same not-found error."""
    return get_visible(actor, AuditEvent.objects.all(), Perm.VIEW, pk=id)


def event_actions(*, actor: Any) -> list[str]:
    """The action names a filter can offer: the known ones plus any other the actor's visible trail holds."""
    if not can(actor, Perm.VIEW, AuditEvent):
        return []
    known = {v for k, v in vars(Action).items() if k.isupper()}
    seen = visible_to(actor, AuditEvent.objects.all(), Perm.VIEW).order_by().values_list("action", flat=True).distinct()
    return sorted(known | set(seen))


def event_export(*, actor: Any, filters: EventFilters, chunk_size: int = 2000) -> tuple[int, Iterator[AuditEvent]]:
    """Events the actor may export, oldest first; records an EXPORT event naming the filters and the row count.

    The export is fixed to the events that existed when it was asked for, so its own EXPORT event (and anything
    written while the file streams) is not in it. Raises not-found when the actor may not export the trail.
    """
    if not can(actor, Perm.EXPORT, AuditEvent):
        raise not_found("audit event")
    qs = _filtered(visible_to(actor, AuditEvent.objects.all(), Perm.EXPORT), filters)
    last_id = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    qs = qs.filter(id__lte=last_id).order_by("id")
    rows = qs.count()
    audit.record(
        actor=actor,
        action=Action.EXPORT,
        object_type=audit.object_type_of(AuditEvent),
        metadata={"format": "csv", "filters": filters.as_metadata(), "rows": rows, "up_to_event": last_id},
    )
    return rows, qs.iterator(chunk_size=chunk_size)


def verification_get(*, actor: Any, task_id: str) -> Verification | None:
    """The outcome of one verification run, from the VERIFY event it wrote; None until it has finished."""
    qs = visible_to(actor, AuditEvent.objects.filter(action=Action.VERIFY), Perm.VIEW)
    event = qs.filter(metadata__task_id=task_id).order_by("-id").first()
    return _verification_of(event) if event is not None else None


def verification_last(*, actor: Any) -> Verification | None:
    """The newest verification outcome the actor may view; None when the chain was never verified."""
    event = visible_to(actor, AuditEvent.objects.filter(action=Action.VERIFY), Perm.VIEW).order_by("-id").first()
    return _verification_of(event) if event is not None else None


def _verification_of(event: AuditEvent) -> Verification:
    meta = event.metadata
    return Verification(
        task_id=str(meta.get("task_id", "")),
        status=FINISHED,
        checked=meta.get("checked"),
        ok=meta.get("ok"),
        problem_count=meta.get("problem_count"),
        problems=[str(p) for p in meta.get("problems", [])],
        event_id=event.pk,
        finished_at=event.occurred_at,
    )

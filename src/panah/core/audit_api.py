"""The audit trail API: read and filter events, export them as CSV, and verify the hash chain."""

# No `from __future__ import annotations` here: ninja's paginate() cannot resolve string annotations such as
# `Query[EventFilterIn]` (the generated query model fails with "name 'Query' is not defined").

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema

from panah.core.audit_selectors import EventFilters, Verification, event_export, event_get, event_list
from panah.core.audit_tasks import verification_request, verification_status
from panah.core.models import AuditEvent
from panah.core.pagination import Pagination
from panah.core.schemas import ERRORS

router = Router()


def _parse_bound(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None  # an empty form field filters nothing
    try:
        parsed = parse_datetime(text) if len(text) > 10 else parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError("Use a date (2025-01-31) or a date and time (2025-01-31T14:00:00+05:00).")
    return parsed


# A date covers the whole day (mission time); a date-time without offset is read in mission time too.
DateBound = Annotated[
    datetime | date,
    BeforeValidator(_parse_bound),
    WithJsonSchema({"type": "string", "description": "A date (whole day) or an ISO 8601 date-time."}),
]


# Control characters never occur in these values, and PostgreSQL refuses NUL outright (a 500, not a 422).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class EventFilterIn(Schema):
    action: str | None = Field(None, max_length=64, pattern=PRINTABLE, description="Exact action, e.g. `update`.")
    actor_username: str | None = Field(None, max_length=150, pattern=PRINTABLE, description="Who acted (any case).")
    object_type: str | None = Field(None, max_length=100, pattern=PRINTABLE, description="`app_label.model`.")
    object_id: str | None = Field(None, max_length=100, pattern=PRINTABLE)
    since: DateBound | None = Field(None, description="From this date or instant (inclusive).")
    until: DateBound | None = Field(None, description="Through this date, or up to this instant (inclusive).")
    request_id: str | None = Field(None, max_length=64, pattern=PRINTABLE, description="All events of one request.")

    def to_filters(self) -> EventFilters:
        return EventFilters(**self.dict())


class EventOut(Schema):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    actor_organisation: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any] = Field(description="{field: [before, after]}; personal values are masked.")
    metadata: dict[str, Any]
    request_id: str
    client_ip: str
    prev_hash: str
    hash: str


class VerificationOut(Schema):
    task_id: str
    status: Literal["READY", "RUNNING", "FAILED", "SUCCESSFUL"]
    finished: bool
    checked: int | None = Field(None, description="Events walked, once finished.")
    ok: bool | None = Field(None, description="True when the chain is intact.")
    problem_count: int | None = None
    problems: list[str] = Field(description="The first problems found (at most 20).")
    event_id: int | None = Field(None, description="The audit event that records this verification.")
    finished_at: datetime | None = None


@router.get("/events", response={200: list[EventOut], **ERRORS}, url_name="audit_events")
@paginate(Pagination)
def events(request: HttpRequest, filters: Query[EventFilterIn]) -> Any:
    """Audit events, newest first. Only system administrators, auditors and data protection officers see any."""
    return event_list(actor=request.auth, **filters.dict())  # type: ignore[attr-defined]


@router.get("/events/export.csv", response={200: None, **ERRORS}, url_name="audit_events_export")
def events_export(request: HttpRequest, filters: Query[EventFilterIn]) -> StreamingHttpResponse:
    """The filtered events as CSV, oldest first, with their hashes. The export is itself an audit event."""
    rows, events = event_export(actor=request.auth, filters=filters.to_filters())  # type: ignore[attr-defined]
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    response["X-Total-Count"] = str(rows)
    return response


@router.get("/events/{int:id}", response={200: EventOut, **ERRORS}, url_name="audit_event")
def event(request: HttpRequest, id: int) -> AuditEvent:
    return event_get(actor=request.auth, id=id)  # type: ignore[attr-defined]


@router.post("/verify", response={202: VerificationOut, **ERRORS}, url_name="audit_verify")
def verify(request: HttpRequest) -> Status[dict[str, Any]]:
    """Queue a walk of the whole hash chain; poll `GET /verify/{task_id}`. The outcome is written to the trail."""
    return Status(202, _verification_out(verification_request(actor=request.auth)))  # type: ignore[attr-defined]


@router.get("/verify/{task_id}", response={200: VerificationOut, **ERRORS}, url_name="audit_verification")
def verification(request: HttpRequest, task_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    return _verification_out(verification_status(actor=request.auth, task_id=task_id))  # type: ignore[attr-defined]


def _verification_out(v: Verification) -> dict[str, Any]:
    return {**asdict(v), "status": str(v.status), "finished": v.finished}


CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_organisation",
    "action",
    "object_type",
    "object_id",
    "changes",
    "metadata",
    "request_id",
    "client_ip",
    "prev_hash",
    "hash",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # A cell that starts like a formula is run by spreadsheet programs; usernames and values are user input.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # the BOM makes spreadsheet programs read UTF-8 (Urdu names)
    for e in events:
        yield writer.writerow(
            [
                e.pk,
                e.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
                e.actor_id if e.actor_id is not None else "",
                *(_cell(v) for v in (e.actor_username, e.actor_organisation, e.action, e.object_type, e.object_id)),
                json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                json.dumps(e.metadata, ensure_ascii=False, sort_keys=True),
                _cell(e.request_id),
                e.client_ip,
                e.prev_hash,
                e.hash,
            ]
        )

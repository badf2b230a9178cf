"""How well tickets were handled, for the monthly trend page: service-level compliance per step, time to close,
repeated issues, reopened tickets, and what community meetings raised. Counts over unsealed tickets received in the
chosen months in the user's report areas (reports.tickets); nothing here names a ticket or a person.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from panah.feedback import sla
from panah.feedback.choices import EventKind, Status, Step
from panah.feedback.models import Category, CommunityMeeting, Ticket, TicketEvent
from panah.feedback.reports import Period, by_district, district_names, month_of, scoped

# While a ticket is in one of these statuses, the clock of that step runs (the steps' clocks are started by the
# workflow on entering them: services.start_clock); any other status (closed, sealed) runs no clock.
STEP_OF_STATUS: dict[str, str] = {
    Status.NEW: Step.TRIAGE,
    Status.TRIAGED: Step.RESPOND,
    Status.ASSIGNED: Step.RESPOND,
    Status.IN_PROGRESS: Step.RESPOND,
    Status.ON_HOLD: Step.RESPOND,
    Status.FOR_APPROVAL: Step.APPROVE,
    Status.RESPONDED: Step.CLOSE_LOOP,
    Status.REFERRED: Step.CLOSE_LOOP,
}
MEASURED_STEPS: list[str] = [Step.TRIAGE, Step.RESPOND, Step.APPROVE, Step.CLOSE_LOOP]


@dataclass(frozen=True)
class _Row:
    received_at: datetime
    status: str


@dataclass
class Compliance:
    step: str
    label: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # not done yet, and past due

    @property
    def measured(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.measured) if self.measured else None


def sla_compliance(queryset: QuerySet[Ticket], *, now: datetime | None = None) -> list[Compliance]:
    """The share of steps done within their target, per step, over the tickets of `queryset`.

    A step is a stretch of a ticket's history during which the same step's clock runs (STEP_OF_STATUS): it starts
    when the ticket enters it (the first one at `received_at`, then at the time of the status-change event) and is
    done when a status-change event moves the ticket to a status of another step (or to none: closed, sealed).
    Its due time is the start plus the target (sla.target_for the ticket's category; triage against the target for
    no category, as its clock started before there was one), in working or elapsed time as the target says.
    Done by the due time: on time; done after it: late; not done and past due at `now`: overdue (counted as missed);
    not done and not yet due: not measured. Compliance = on time / (on time + late + overdue). Putting a ticket on
    hold does not stop the clock, a send-back or reopening starts the response step again.
    """
    now = now or timezone.now()
    results = {s: Compliance(s, str(Step(s).label)) for s in MEASURED_STEPS}
    events: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    rows = TicketEvent.objects.filter(ticket__in=queryset, kind=EventKind.TRANSITION).order_by("at", "id")
    for ticket_id, at, before, after in rows.values_list("ticket_id", "at", "from_status", "to_status"):
        events[ticket_id].append((at, before, after))
    # Plain rows, not model instances: a trend page over tens of thousands of tickets needs only these columns (and
    # a whole ticket would decrypt its narrative for nothing).
    categories = {c.pk: c for c in Category.objects.prefetch_related("sla_targets")}
    targets: dict[tuple[int | None, str], sla.Target] = {}
    for pk, received_at, status, category_id in queryset.values_list("pk", "received_at", "status", "category_id"):
        row = _Row(received_at, status)
        for step, start, end in step_spans(row, events.get(pk, [])):
            key = (None if step == Step.TRIAGE else category_id, step)
            if key not in targets:
                targets[key] = sla.target_for(categories.get(key[0]) if key[0] else None, step)
            due = sla.add_time(start, targets[key])
            result = results[step]
            if end is not None:
                result.on_time += end <= due
                result.late += end > due
            elif now > due:
                result.overdue += 1
    return list(results.values())


def step_spans(ticket: _Row | Ticket, events: list[tuple[datetime, str, str]]) -> list[tuple[str, datetime, Any]]:
    """(step, start, end or None) for each stretch of the ticket's history with a running clock."""
    first = events[0][1] if events and events[0][1] else (ticket.status if not events else "")
    timeline = [(ticket.received_at, first)] + [(at, after) for at, _before, after in events]
    spans: list[tuple[str, datetime, Any]] = []
    current: tuple[str, datetime] | None = None
    for at, status in timeline:
        step = STEP_OF_STATUS.get(status)
        if current is not None and step == current[0]:
            continue
        if current is not None:
            spans.append((current[0], current[1], at))
        current = (step, at) if step else None
    if current is not None:
        spans.append((current[0], current[1], None))
    return spans


@dataclass
class CloseTimes:
    month: date
    closed: int
    median_days: float | None
    p90_days: float | None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def close_times(queryset: QuerySet[Ticket], months: list[date]) -> list[CloseTimes]:
    """Per month of receipt: tickets closed so far, the median and 90th percentile of days from receipt to closing
    (elapsed days, one decimal; the median of an even count is the mean of the middle two)."""
    days: dict[date, list[float]] = defaultdict(list)
    closed = queryset.filter(status=Status.CLOSED, closed_at__isnull=False)
    for received, closed_at in closed.values_list("received_at", "closed_at"):
        if closed_at is not None:
            days[month_of(received)].append((closed_at - received).total_seconds() / 86400)
    out = []
    for month in months:
        values = days.get(month, [])
        out.append(
            CloseTimes(
                month,
                len(values),
                round(statistics.median(values), 1) if values else None,
                round(percentile(values, 90), 1) if values else None,
            )
        )
    return out


@dataclass
class Repeat:
    month: date
    district: str
    district_name: str
    category: str
    count: int


def repeated_issues(queryset: QuerySet[Ticket], minimum: int) -> list[Repeat]:
    """The same category raised at least `minimum` times in one district in one month, most raised first."""
    counts = by_district(queryset.filter(category__isnull=False), "category__code")
    names = district_names(k[1] for k in counts)
    found = [
        Repeat(month, district, names.get(district, district), code, n)
        for (month, district, code), n in counts.items()
        if n >= minimum
    ]
    return sorted(found, key=lambda r: (r.month, -r.count, r.district_name, r.category))


def reopened(queryset: QuerySet[Ticket]) -> dict[str, int]:
    """{category code: tickets reopened at least once} (the person disputed the outcome)."""
    rows = queryset.filter(reopen_count__gt=0).values_list("category__code", flat=True)
    out: dict[str, int] = defaultdict(int)
    for code in rows:
        out[code or ""] += 1
    return dict(out)


@dataclass
class Meetings:
    month: date
    meetings: int = 0
    women: int = 0
    men: int = 0
    girls: int = 0
    boys: int = 0

    @property
    def participants(self) -> int:
        return self.women + self.men + self.girls + self.boys


def meeting_list(paths: list[str], period: Period) -> QuerySet[CommunityMeeting]:
    return scoped(
        CommunityMeeting.objects.filter(held_on__gte=period.first, held_on__lt=period.bounds()[1].date()), paths
    )


def meeting_totals(paths: list[str], period: Period, sensitive: set[str]) -> tuple[list[Meetings], dict[str, int]]:
    """Per month: meetings held and who took part; over the period: {category code: times raised} (sensitive
    categories are never recorded in meetings; any that were are left out)."""
    meetings = meeting_list(paths, period)
    per_month = {m: Meetings(m) for m in period.months()}
    for held_on, women, men, girls, boys in meetings.values_list("held_on", "women", "men", "girls", "boys"):
        line = per_month[month_of(held_on)]
        line.meetings += 1
        line.women, line.men, line.girls, line.boys = (
            line.women + women,
            line.men + men,
            line.girls + girls,
            line.boys + boys,
        )
    issues: dict[str, int] = defaultdict(int)
    for raised in meetings.values_list("issues", flat=True):
        for code, n in (raised or {}).items():
            if code not in sensitive and isinstance(n, int) and n > 0:
                issues[code] += n
    return list(per_month.values()), dict(issues)

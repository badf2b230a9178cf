"""Service-level clocks: when a step is due, and how much of its time is used.

Working time counts Monday to Friday only (24 hours a working day, as the targets are set in working days); elapsed
time counts every hour (for the same-day targets of sealed reports and safety risks). Targets come from `SlaTarget`
rows per category and step; a step without a row uses the defaults below (from the mission's CFM standard
operating procedure draft: triage in one working day, information in three, other answers in ten, approval in two,
closing the loop in five, sealed reports to the oversight office within 24 hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from panah.feedback.choices import Step

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
DAY = 24


@dataclass(frozen=True)
class Target:
    hours: int
    working_time: bool = True


DEFAULTS: dict[str, Target] = {
    Step.TRIAGE: Target(1 * DAY),
    Step.RESPOND: Target(10 * DAY),
    Step.APPROVE: Target(2 * DAY),
    Step.CLOSE_LOOP: Target(5 * DAY),
    Step.PSEA_NOTIFY: Target(24, working_time=False),
}
ESCALATE_AT = 0.8


def target_for(category: object | None, step: str) -> Target:
    """The category's target for `step`, or the default."""
    if category is not None:
        for row in getattr(category, "sla_targets").all():  # noqa: B009 (prefetched by the callers)
            if row.step == step:
                return Target(row.hours, row.working_time)
    return DEFAULTS[step]


def add_time(start: datetime, target: Target) -> datetime:
    """`start` plus the target's hours, skipping weekends when it counts working time."""
    if not target.working_time:
        return start + timedelta(hours=target.hours)
    remaining, cursor = timedelta(hours=target.hours), timezone.localtime(start)
    while remaining > timedelta(0):
        if cursor.weekday() in WEEKEND:
            cursor = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            continue
        day_end = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        step = min(remaining, day_end - cursor)
        cursor += step
        remaining -= step
    return cursor


def working_elapsed(start: datetime, end: datetime, target: Target) -> timedelta:
    """The time between `start` and `end` that counts against `target`."""
    if end <= start:
        return timedelta(0)
    if not target.working_time:
        return end - start
    cursor, end_local, total = timezone.localtime(start), timezone.localtime(end), timedelta(0)
    while cursor < end_local:
        day_end = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        segment_end = min(day_end, end_local)
        if cursor.weekday() not in WEEKEND:
            total += segment_end - cursor
        cursor = segment_end
    return total


def share_used(start: datetime, now: datetime, target: Target) -> float:
    """How much of the target's time has gone (1.0 = due now)."""
    return working_elapsed(start, now, target) / timedelta(hours=target.hours) if target.hours else 1.0


def share_of_clock(start: datetime, due: datetime, now: datetime, *, working_time: bool) -> float:
    """How much of a running clock has gone, from its own start and due time (not today's target for the step)."""
    kind = Target(1, working_time)
    total = working_elapsed(start, due, kind)
    return working_elapsed(start, now, kind) / total if total else 1.0

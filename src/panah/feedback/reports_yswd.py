""" "You said, we did": for community notice boards, per district and month, what people raised most and what was
done about it. Category labels in English and Urdu and counts only (suppressed below the public threshold), plus
the actions recorded for community meetings; never a ticket's words, reference or anything about a person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from panah.feedback.choices import Status
from panah.feedback.models import Category, Ticket
from panah.feedback.reports import (
    NO_DISTRICT,
    Period,
    Scope,
    by_district,
    district_names,
    district_of,
    month_of,
    scoped,
    suppressed,
    tickets,
)
from panah.feedback.reports_quality import meeting_list

TOP_ISSUES = 3


@dataclass
class Item:
    code: str
    label_en: str
    label_ur: str
    count: int

    @property
    def shown(self) -> str:
        return suppressed(self.count)


@dataclass
class Board:
    """One district's notice for one month."""

    month: date
    district: str
    district_name: str
    issues: list[Item] = field(default_factory=list)  # the most raised, by tickets and community meetings
    answered: list[Item] = field(default_factory=list)  # tickets closed that month, by category
    actions: list[str] = field(default_factory=list)  # what community meetings recorded as done


def you_said_we_did(*, scope: Scope, period: Period) -> list[Board]:
    """Boards per district and month (districts by name, months in order), for tickets and meetings in scope."""
    categories = {c.code: c for c in Category.objects.filter(sensitive=False)}
    raised = by_district(tickets(scope.paths, period).filter(category__isnull=False), "category__code")
    answered = by_district(_closed(scope, period), "category__code", date_field="closed_at")
    boards: dict[tuple[date, str], Board] = {}
    names = district_names([k[1] for k in raised] + [k[1] for k in answered] + _meeting_districts(scope, period))

    def board(month: date, district: str) -> Board:
        key = (month, district)
        if key not in boards:
            boards[key] = Board(month, district, names.get(district, district))
        return boards[key]

    issue_counts: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (month, district, code), n in raised.items():
        issue_counts[(month, district)][code] += n
    for meeting in meeting_list(scope.paths, period).select_related("area"):
        key = (month_of(meeting.held_on), district_of(meeting.area.path))
        for code, n in (meeting.issues or {}).items():
            if code in categories and isinstance(n, int) and n > 0:
                issue_counts[key][code] += n
        if meeting.action_taken.strip():
            board(*key).actions.append(meeting.action_taken.strip())
    for key, counts in issue_counts.items():
        top = sorted(counts.items(), key=lambda kv: (-kv[1], categories[kv[0]].position))[:TOP_ISSUES]
        board(*key).issues = [_item(categories[code], n) for code, n in top]
    for (month, district, code), n in sorted(answered.items(), key=lambda kv: _position(categories, kv[0][2])):
        if code in categories:
            board(month, district).answered.append(_item(categories[code], n))
    return sorted(boards.values(), key=lambda b: (b.district == NO_DISTRICT, b.district_name, b.month))


def _closed(scope: Scope, period: Period) -> Any:
    start, end = period.bounds()
    closed = Ticket.objects.filter(
        sealed=False, status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end, category__isnull=False
    )
    return scoped(closed, scope.paths)


def _meeting_districts(scope: Scope, period: Period) -> list[str]:
    return [district_of(p) for p in meeting_list(scope.paths, period).values_list("area__path", flat=True)]


def _position(categories: dict[str, Category], code: str) -> int:
    category = categories.get(code)
    return category.position if category else 1000


def _item(category: Category, n: int) -> Item:
    return Item(category.code, category.label("en"), category.label("ur"), n)

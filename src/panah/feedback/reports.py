"""Aggregate figures of the complaints and feedback mechanism: the monthly trend page and the aggregate exports.

Scope: reports are counts over areas, not reads of tickets. A user reports on the areas of their grants whose role
has the "report" right (policy.ROLES["report"]), for every organisation's tickets there, narrowed by the province or
district chosen. No ticket content, reference or person is ever in a figure.

Sealed tickets appear in one place only: a monthly count of confidential reports, suppressed from 1 to the public
threshold minus one (PANAH_PUBLIC_MIN_COUNT), and never split by category, district, sex, channel or anything else.
Every other figure counts unsealed tickets only, so no difference of two figures reveals a sealed one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core.permissions import grants_of
from panah.feedback.choices import AgeGroup, Channel, Sex
from panah.feedback.models import Category, Ticket
from panah.feedback.policy import REPORT, ROLES
from panah.geo.models import AdminArea

NO_DISTRICT = ""  # tickets placed at province or country level ("prefer not to say")


@dataclass(frozen=True)
class Period:
    """Whole months, from the month of `first` to the month of `last` (both the first day of their month)."""

    first: date
    last: date

    def months(self) -> list[date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = next_month(month)
        return out

    def bounds(self) -> tuple[datetime, datetime]:
        """From midnight (local time) on the first day to midnight on the day after the last month."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.first, time.min, tzinfo=tz),
            datetime.combine(next_month(self.last), time.min, tzinfo=tz),
        )


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def last_months(n: int, today: date | None = None) -> Period:
    """The `n` months up to and including this one."""
    last = (today or timezone.localdate()).replace(day=1)
    year, month = last.year, last.month - (n - 1)
    while month < 1:
        month, year = month + 12, year - 1
    return Period(date(year, month, 1), last)


def threshold() -> int:
    return int(settings.PANAH_PUBLIC_MIN_COUNT)


def suppressed(n: int) -> str:
    """A count as it may be shown: from 1 to the threshold minus one it is "<threshold", never the number."""
    limit = threshold()
    return f"<{limit}" if 0 < n < limit else str(n)


@dataclass(frozen=True)
class Scope:
    """The area paths figures are counted over, and the (wider) ones of the confidential count."""

    paths: list[str]
    confidential_paths: list[str]


def report_scope(actor: Any, area: AdminArea | None = None) -> Scope:
    """The areas `actor` may report on (grants with the report right), narrowed to `area` when given.

    The confidential count is never narrowed below a province: choosing a district must not split it by district.
    """
    province = area
    if area is not None and area.level > 1:
        province = AdminArea.objects.filter(pcode=area.path.split("/")[1]).first()
    return Scope(_paths(actor, area), _paths(actor, province))


def _paths(actor: Any, area: AdminArea | None) -> list[str]:
    paths = {g.area_path for g in grants_of(actor) if g.role in ROLES[REPORT]}
    if area is not None:
        paths = {_narrower(p, area.path) for p in paths if area.path.startswith(p) or p.startswith(area.path)}
    # An area inside another one adds nothing.
    return sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths))


def _narrower(a: str, b: str) -> str:
    return a if len(a) > len(b) else b


def in_paths(paths: Iterable[str], prefix: str = "area__") -> Q | None:
    parts = [Q(**{f"{prefix}path__startswith": p}) for p in paths]
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def scoped(queryset: QuerySet[Any], paths: list[str]) -> QuerySet[Any]:
    q = in_paths(paths)
    return queryset.filter(q) if q is not None else queryset.none()


def tickets(paths: list[str], period: Period) -> QuerySet[Ticket]:
    """Unsealed tickets received in the period in the areas: the base of every figure but the confidential row."""
    start, end = period.bounds()
    return scoped(Ticket.objects.filter(sealed=False, received_at__gte=start, received_at__lt=end), paths)


def month_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def count_by(queryset: QuerySet[Any], *fields: str, date_field: str = "received_at") -> dict[tuple[Any, ...], int]:
    """{(month, *field values): count}, counted by the database."""
    rows = queryset.annotate(month=TruncMonth(date_field)).values("month", *fields).annotate(n=Count("pk"))
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in rows:
        out[(month_of(row["month"]), *(row[f] for f in fields))] += row["n"]
    return out


@dataclass
class Row:
    key: str
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Breakdown:
    """Counts of one dimension (category, channel...) per month, rows in a stable order."""

    months: list[date]
    rows: list[Row] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [sum(r.values[i] for r in self.rows) for i in range(len(self.months))]

    @property
    def total(self) -> int:
        return sum(self.totals)


def breakdown(counts: dict[tuple[Any, ...], int], months: list[date], labels: list[tuple[Any, str]]) -> Breakdown:
    """Rows for the labelled keys that occur (in the order given), plus any key not labelled, by its own name."""
    keys = {k[1] for k in counts}
    ordered = [(key, label) for key, label in labels if key in keys]
    ordered += [(key, str(key)) for key in sorted(keys - {k for k, _l in labels}, key=str)]
    rows = [Row(str(key), label, [counts.get((m, key), 0) for m in months]) for key, label in ordered]
    return Breakdown(months, rows)


def category_labels(language: str) -> list[tuple[Any, str]]:
    labels: list[tuple[Any, str]] = [(c.code, c.label(language)) for c in Category.objects.filter(sensitive=False)]
    return [*labels, (None, _("Not yet categorised"))]


def district_of(area_path: str) -> str:
    """The district P-code an area lies in (PK/PK5/PK506/... -> PK506), or "" above district level."""
    codes = [c for c in area_path.split("/") if c]
    return codes[2] if len(codes) > 2 else NO_DISTRICT


def district_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = [c for c in set(codes) if c]
    names = dict(AdminArea.objects.filter(pcode__in=wanted).values_list("pcode", "name"))
    return {**names, NO_DISTRICT: _("District not given")}


def by_district(queryset: QuerySet[Any], *fields: str, date_field: str = "received_at") -> dict[tuple[Any, ...], int]:
    """count_by with the area folded up to its district: {(month, district P-code, *fields): count}."""
    raw = count_by(queryset, "area__path", *fields, date_field=date_field)
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for (month, path, *rest), n in raw.items():
        out[(month, district_of(path), *rest)] += n
    return out


@dataclass
class TrendCounts:
    categories: Breakdown
    channels: Breakdown
    districts: Breakdown
    sexes: Breakdown
    ages: Breakdown
    disability: Breakdown
    confidential: list[str]  # per month, suppressed


def trend_counts(*, scope: Scope, period: Period, language: str) -> TrendCounts:
    """Monthly counts of unsealed tickets by each dimension, and the suppressed monthly count of sealed ones."""
    qs, months = tickets(scope.paths, period), period.months()
    district_counts = by_district(qs)
    names = district_names(k[1] for k in district_counts)
    districts = sorted(names.items(), key=lambda kv: (kv[0] == NO_DISTRICT, kv[1]))
    not_given: list[tuple[Any, str]] = [("", _("Not given"))]
    return TrendCounts(
        categories=breakdown(count_by(qs, "category__code"), months, category_labels(language)),
        channels=breakdown(count_by(qs, "channel"), months, _labels(Channel.choices)),
        districts=breakdown(district_counts, months, districts),
        sexes=breakdown(count_by(qs, "sex"), months, _labels(Sex.choices) + not_given),
        ages=breakdown(count_by(qs, "age_group"), months, _labels(AgeGroup.choices) + not_given),
        disability=breakdown(
            count_by(qs, "disability"), months, [(True, _("Yes")), (False, _("No")), (None, _("Not given"))]
        ),
        confidential=confidential_counts(paths=scope.confidential_paths, period=period),
    )


def _labels(choices: list[tuple[str, Any]]) -> list[tuple[Any, str]]:
    return [(value, str(label)) for value, label in choices if value]


def confidential_counts(*, paths: list[str], period: Period) -> list[str]:
    """Sealed tickets received per month in the areas, each suppressed below the threshold (nothing else of them)."""
    start, end = period.bounds()
    sealed = scoped(Ticket.objects.filter(sealed=True, received_at__gte=start, received_at__lt=end), paths)
    counts = count_by(sealed)
    return [suppressed(counts.get((m,), 0)) for m in period.months()]

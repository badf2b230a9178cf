"""Disclosure control: the one way figures leave Panah without a sign-in or to partners' tools.

Only aggregates of published rounds go out: admin0/1/2 figures of mobility-tracking rounds and flow totals per
crossing, day, direction and documentation status. Site assessments and flow surveys never do. Counts from 1 to
threshold-1 are suppressed (None); 0 stays 0, because "nobody" discloses nobody.

A suppressed cell must not be recoverable by subtraction, so suppression is completed ("complementary
suppression"): in every group whose total is also published (the districts of one province, the splits of one area,
males and females of one row), a lone suppressed cell takes the smallest positive sibling with it. This protects
against one-step differencing between our own outputs; it is not a full audit against solving several published
tables together (see the module notes in the report for the limits).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum

from panah.accounts.models import Operation
from panah.core.permissions import grants_of
from panah.dtm.aggregation import COUNT_FIELDS, admin_figures
from panah.dtm.choices import RoundKind, RoundStatus
from panah.dtm.models import FlowCount, Round
from panah.dtm.policy import INTERNAL_VIEWERS, PUBLISHED_VIEWERS
from panah.geo.models import AdminArea


def _threshold() -> int:
    # Read when called, so a deployment's PANAH_PUBLIC_MIN_COUNT (and a test's override) applies.
    return int(settings.PANAH_PUBLIC_MIN_COUNT)


SEX_FIELDS = ("males", "females")
AGE_FIELDS = ("children", "adults", "elderly")
FLOW_PEOPLE = ("men", "women", "boys", "girls")

# A grant's reach: an area path prefix and, when the grant is tied to one, an operation id.
Scope = list[tuple[str, int | None]]


def suppress(value: int | None, threshold: int | None = None) -> int | None:
    """The value as it may be published: None when it is a small count (1..threshold-1), otherwise unchanged."""
    threshold = _threshold() if threshold is None else threshold
    if value is None or value == 0 or value >= threshold:
        return value
    return None


def _is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


@dataclass
class PublicRow:
    """One published aggregate: an admin area (or a crossing-day) of one round, with suppressed counts."""

    round: Round
    level: int
    pcode: str
    name: str
    path: str
    parent_pcode: str | None
    key: dict[str, str | None] = field(default_factory=dict)
    counts: dict[str, int | None] = field(default_factory=dict)
    suppressed: set[str] = field(default_factory=set)
    raw: dict[str, int | None] = field(default_factory=dict, repr=False)

    @property
    def note(self) -> str:
        """What was withheld, for the flag column of the exports ("" when nothing)."""
        return ";".join(sorted(self.suppressed))


def published_rounds(
    *,
    kind: str = RoundKind.MOBILITY,
    operation: Operation | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    from_number: int | None = None,
    to_number: int | None = None,
) -> QuerySet[Round]:
    """Published rounds only; a version whose correction is published is out even if its status lags behind."""
    rounds = (
        Round.objects.filter(kind=kind, status=RoundStatus.PUBLISHED)
        .exclude(superseded_by__status=RoundStatus.PUBLISHED)
        .select_related("operation")
    )
    if operation is not None:
        rounds = rounds.filter(operation=operation)
    if from_date is not None:
        rounds = rounds.filter(period_end__gte=from_date)
    if to_date is not None:
        rounds = rounds.filter(period_end__lte=to_date)
    if from_number:
        rounds = rounds.filter(number__gte=from_number)
    if to_number:
        rounds = rounds.filter(number__lte=to_number)
    return rounds.order_by("operation__name", "number", "version")


def public_admin_rows(
    *,
    level: int,
    operation: Operation | None = None,
    rounds: Iterable[Round] | None = None,
    by: Sequence[str] = (),
    population_group: str | None = None,
    scope: Scope | None = None,
    threshold: int | None = None,
) -> list[PublicRow]:
    """Suppressed admin figures of published rounds at `level`, split `by`; `scope` narrows them after suppression.

    Suppression is decided on the whole round before any filter, so a filtered answer is always a subset of the
    unfiltered one and two filtered answers cannot be differenced against each other.
    """
    if population_group is not None and "population_group" not in by:
        by = ("population_group", *by)
    chosen = list(rounds) if rounds is not None else list(published_rounds(operation=operation))
    allowed = {r.pk for r in published_rounds(operation=operation).filter(pk__in=[r.pk for r in chosen])}
    paths = dict(AdminArea.objects.filter(level__lte=2).values_list("pcode", "path"))
    rows: list[PublicRow] = []
    for rnd in chosen:
        if rnd.pk not in allowed:
            continue
        figures = admin_figures(round=rnd, level=level, by=by)
        batch = [
            PublicRow(rnd, f.level, f.pcode, f.name, paths[f.pcode], f.parent_pcode, dict(f.key), raw=dict(f.counts))
            for f in figures
            if population_group is None or f.get("population_group") == population_group
        ]
        split = [k for k in by if k != "population_group"]
        groups = [
            *_groups(batch, lambda r: (r.parent_pcode, tuple(sorted(r.key.items())))),
            *(_groups(batch, lambda r: (r.pcode, r.key.get("population_group"))) if split else []),
        ]
        _apply_suppression(batch, COUNT_FIELDS, groups, threshold)
        rows.extend(batch)
    return [r for r in rows if scope is None or in_scope(r.path, r.round.operation_id, scope)]


def public_flow_rows(
    *, operation: Operation | None = None, rounds: Iterable[Round] | None = None, threshold: int | None = None
) -> list[PublicRow]:
    """Suppressed flow totals of published flow rounds per crossing, day, direction and documentation status."""
    published = published_rounds(kind=RoundKind.FLOW, operation=operation)
    if rounds is not None:
        published = published.filter(pk__in=[r.pk for r in rounds])
    by_id = {r.pk: r for r in published}
    totals = (
        FlowCount.objects.filter(round_id__in=by_id)
        .order_by()
        .values("round_id", "crossing__code", "crossing__name", "date", "direction", "documentation_status")
        .annotate(**{f: Sum(f) for f in FLOW_PEOPLE})
        .order_by("round_id", "date", "crossing__code", "direction", "documentation_status")
    )
    rows = []
    for t in totals:
        key = {
            "date": t["date"].isoformat(),
            "direction": t["direction"],
            "documentation_status": t["documentation_status"],
        }
        individuals = sum(t[f] or 0 for f in FLOW_PEOPLE)
        rows.append(
            PublicRow(
                by_id[t["round_id"]],
                -1,
                t["crossing__code"],
                t["crossing__name"],
                "",
                None,
                key,
                raw={"individuals": individuals},
            )
        )
    # The day's total at a crossing in one direction is what a reader would subtract from.
    groups = _groups(rows, lambda r: (r.round.pk, r.pcode, r.key["date"], r.key["direction"]))
    _apply_suppression(rows, ("individuals",), groups, threshold)
    return rows


def viewer_scope(user: Any) -> Scope:
    """Where a signed-in user or token may see displacement figures: each grant of a DTM-viewing role."""
    roles = INTERNAL_VIEWERS | PUBLISHED_VIEWERS
    return [(g.area_path, g.operation_id) for g in grants_of(user) if g.role in roles]


def in_scope(path: str, operation_id: int | None, scope: Scope) -> bool:
    return any(path.startswith(area) and (op is None or op == operation_id) for area, op in scope)


def _groups(rows: list[PublicRow], key: Any) -> list[list[int]]:
    grouped: dict[Any, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        grouped[key(row)].append(i)
    return [members for members in grouped.values() if len(members) > 1]


def _apply_suppression(
    rows: list[PublicRow], fields: Sequence[str], groups: list[list[int]], threshold: int | None
) -> None:
    threshold = _threshold() if threshold is None else threshold
    for row in rows:
        row.suppressed = {f for f in fields if _is_small(row.raw.get(f), threshold)}
    changed = True
    while changed:
        # Every row is completed before the groups are (sum, unlike any(), does not stop early).
        changed = sum(_complete_row(row) for row in rows) > 0
        for f in fields:
            for members in groups:
                changed = _complete_group(rows, members, f) or changed
    for row in rows:
        row.counts = {f: None if f in row.suppressed else row.raw.get(f) for f in fields}


def _complete_row(row: PublicRow) -> bool:
    """Within one row: hidden individuals hide their splits; one hidden sex or age cell hides its siblings."""
    before = len(row.suppressed)
    if "individuals" in row.suppressed:
        row.suppressed |= {f for f in (*SEX_FIELDS, *AGE_FIELDS) if row.raw.get(f)}
    for part in (SEX_FIELDS, AGE_FIELDS):
        if row.suppressed & set(part):
            row.suppressed |= {f for f in part if row.raw.get(f)}
    return len(row.suppressed) != before


def _complete_group(rows: list[PublicRow], members: list[int], f: str) -> bool:
    hidden = [i for i in members if f in rows[i].suppressed]
    if len(hidden) != 1:
        return False
    candidates = [i for i in members if f not in rows[i].suppressed and (rows[i].raw.get(f) or 0) > 0]
    if not candidates:
        return False
    smallest = min(candidates, key=lambda i: (rows[i].raw.get(f) or 0, i))
    rows[smallest].suppressed.add(f)
    return True

"""Round figures summed up the admin levels, within one round.

Location assessments are summed to their district; where a district has location-level rows in a round they are
used, otherwise its baseline (district) rows, never both, so a district is not counted twice. Districts then roll up
to provinces and the country. Results are Stock values tied to the round (figures.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from panah.dtm.choices import AssessmentLevel, RoundStatus
from panah.dtm.figures import Stock
from panah.dtm.models import LocationAssessment, Round
from panah.geo.models import AdminArea

COUNT_FIELDS = ("households", "individuals", "males", "females", "children", "adults", "elderly")
GROUP_KEYS = ("population_group", "displacement_reason", "origin_admin1")


@dataclass(frozen=True)
class AreaInfo:
    pcode: str
    name: str
    level: int
    ancestors: tuple[str, ...]  # P-codes from the country down to this area


@dataclass
class AreaFigure:
    """The figures of one admin area in one round, optionally split by `key` (population group, reason, origin)."""

    round_id: int
    pcode: str
    name: str
    level: int
    parent_pcode: str | None
    key: tuple[tuple[str, str | None], ...] = ()
    counts: dict[str, int | None] = field(default_factory=dict)
    previous: Stock | None = None

    @property
    def individuals(self) -> Stock:
        return Stock(self.round_id, self.counts.get("individuals") or 0)

    @property
    def households(self) -> Stock:
        return Stock(self.round_id, self.counts.get("households") or 0)

    @property
    def change(self) -> int | None:
        return self.individuals.change_since(self.previous)

    def get(self, name: str) -> Any:
        return dict(self.key).get(name)


def _areas() -> dict[int, AreaInfo]:
    areas: dict[int, AreaInfo] = {}
    for pk, pcode, name, level, path in AdminArea.objects.values_list("pk", "pcode", "name", "level", "path"):
        areas[pk] = AreaInfo(pcode, name, level, tuple(p for p in path.split("/") if p))
    return areas


def _grouped_rows(round_id: int, by: Sequence[str], population_group: str | None) -> list[dict[str, Any]]:
    group = ["admin_area_id", "level", *[("origin_area_id" if k == "origin_admin1" else k) for k in by]]
    rows = LocationAssessment.objects.filter(round_id=round_id)
    if population_group is not None:
        rows = rows.filter(population_group=population_group)
    return list(rows.order_by().values(*group).annotate(**{f: Sum(f) for f in COUNT_FIELDS}))


def _district_sources(rows: Iterable[dict[str, Any]], areas: dict[int, AreaInfo]) -> set[tuple[str, str]]:
    """(district P-code, assessment level) pairs to count: location rows where a district has them, else baseline."""
    levels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        info = areas[row["admin_area_id"]]
        if len(info.ancestors) >= 3:
            levels[info.ancestors[2]].add(row["level"])
    return {
        (district, AssessmentLevel.LOCATION if AssessmentLevel.LOCATION in found else AssessmentLevel.BASELINE)
        for district, found in levels.items()
    }


def _add(counts: dict[str, int | None], row: dict[str, Any]) -> None:
    for f in COUNT_FIELDS:
        value = row[f]
        if f not in counts:
            counts[f] = value
        elif counts[f] is not None:
            # A split (males, children...) is only as complete as its least complete row: unknown stays unknown.
            counts[f] = None if value is None else counts[f] + value


def admin_figures(
    *, round: Round, level: int, by: Sequence[str] = (), population_group: str | None = None
) -> list[AreaFigure]:
    """Figures of every admin area at `level` (0 country, 1 province, 2 district) with rows in `round`, of one
    population group (displaced, returnees) or, with None, of all people the round counted."""
    if level not in (0, 1, 2):
        raise ValueError("figures are published at admin levels 0, 1 and 2")
    unknown = set(by) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"cannot split by {sorted(unknown)}")
    areas = _areas()
    rows = _grouped_rows(round.pk, by, population_group)
    sources = _district_sources(rows, areas)
    totals: dict[tuple[str, tuple[tuple[str, str | None], ...]], dict[str, int | None]] = {}
    for row in rows:
        info = areas[row["admin_area_id"]]
        if len(info.ancestors) < 3 or (info.ancestors[2], row["level"]) not in sources:
            continue
        key = tuple((k, _key_value(k, row, areas)) for k in by)
        _add(totals.setdefault((info.ancestors[level], key), {}), row)
    previous = _previous_individuals(round, level, population_group) if not by else {}
    by_pcode = {info.pcode: info for info in areas.values()}
    figures = []
    for (pcode, key), counts in sorted(totals.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        info = by_pcode[pcode]
        parent = info.ancestors[-2] if len(info.ancestors) > 1 else None
        figures.append(AreaFigure(round.pk, pcode, info.name, info.level, parent, key, counts, previous.get(pcode)))
    return figures


def _key_value(name: str, row: dict[str, Any], areas: dict[int, AreaInfo]) -> str | None:
    if name != "origin_admin1":
        return row[name]  # type: ignore[no-any-return]
    origin = areas.get(row["origin_area_id"]) if row["origin_area_id"] else None
    return origin.ancestors[1] if origin and len(origin.ancestors) > 1 else None


def previous_round(round: Round) -> Round | None:
    """The latest published round of the same operation and kind before this one (the one change is measured from)."""
    return (
        Round.objects.filter(
            operation_id=round.operation_id, kind=round.kind, status=RoundStatus.PUBLISHED, number__lt=round.number
        )
        .order_by("-number", "-version")
        .first()
    )


def _previous_individuals(round: Round, level: int, population_group: str | None) -> dict[str, Stock]:
    earlier = previous_round(round)
    if earlier is None:
        return {}
    return {
        f.pcode: f.individuals for f in admin_figures(round=earlier, level=level, population_group=population_group)
    }

"""Round figures summed up the admin levels, within one round.

Location assessments are summed to their district; where a district has location-level rows in a round they are
used, otherwise its baseline (district) rows, never both, so a district is not counted twice. Districts then roll up
to provinces and the country. Results are Stock values tied to the round (figures.py).
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum

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


@dataclass(frozen=True)
class AreaTree:
    by_pk: dict[int, AreaInfo]
    by_pcode: dict[str, AreaInfo]
    paths: dict[str, str]  # P-code -> materialised path, for permission checks


_tree_cache: tuple[tuple[Any, ...], AreaTree] | None = None


def area_tree() -> AreaTree:
    """Every admin area with its ancestors. Areas change only on a COD import, which always moves updated_at (or the
    count): the tree is kept per process and read again only when that fingerprint changes. Callers must not mutate it.
    """
    global _tree_cache
    stamp = AdminArea.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    key = (connection.alias, connection.settings_dict["NAME"], stamp["n"], stamp["last"])
    cached = _tree_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    by_pk: dict[int, AreaInfo] = {}
    paths: dict[str, str] = {}
    for pk, pcode, name, level, path in AdminArea.objects.values_list("pk", "pcode", "name", "level", "path"):
        by_pk[pk] = AreaInfo(pcode, name, level, tuple(p for p in path.split("/") if p))
        paths[pcode] = path
    tree = AreaTree(by_pk, {info.pcode: info for info in by_pk.values()}, paths)
    _tree_cache = (key, tree)
    return tree


# Published rounds are frozen (services refuse changes to any round that is not a draft; a correction is a new
# round), so their grouped rows can be kept in memory. The key carries the round's creation and publication times,
# so a reused id (a rolled-back test database) or a re-publication never returns another round's rows.
_FROZEN = {RoundStatus.PUBLISHED, RoundStatus.SUPERSEDED}
_frozen_rows: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
_FROZEN_ROWS_KEPT = 64


def _frozen_key(round: Round, by: Sequence[str], population_group: str | None) -> tuple[Any, ...] | None:
    if not settings.PANAH_CACHE_PUBLISHED_FIGURES or round.status not in _FROZEN:
        return None
    return (
        connection.settings_dict["NAME"],
        round.pk,
        round.created_at,
        round.published_at,
        tuple(by),
        population_group,
    )


def _remember(key: tuple[Any, ...], rows: list[dict[str, Any]]) -> None:
    _frozen_rows[key] = rows
    while len(_frozen_rows) > _FROZEN_ROWS_KEPT:
        _frozen_rows.popitem(last=False)


def _round_rows(round: Round, by: Sequence[str], population_group: str | None) -> list[dict[str, Any]]:
    key = _frozen_key(round, by, population_group)
    if key is not None and key in _frozen_rows:
        return _frozen_rows[key]
    rows = _grouped_rows(round.pk, by, population_group)
    if key is not None:
        _remember(key, rows)
    return rows


def _rounds_rows(rounds: Sequence[Round], population_group: str | None) -> dict[int, list[dict[str, Any]]]:
    """Grouped rows of several rounds: the frozen ones from memory, the rest in one query."""
    found: dict[int, list[dict[str, Any]]] = {}
    missing = []
    for rnd in rounds:
        key = _frozen_key(rnd, (), population_group)
        if key is not None and key in _frozen_rows:
            found[rnd.pk] = _frozen_rows[key]
        else:
            missing.append(rnd)
    if missing:
        fetched: dict[int, list[dict[str, Any]]] = {r.pk: [] for r in missing}
        for row in _grouped_rows([r.pk for r in missing], (), population_group):
            fetched[row["round_id"]].append(row)
        for rnd in missing:
            found[rnd.pk] = fetched[rnd.pk]
            key = _frozen_key(rnd, (), population_group)
            if key is not None:
                _remember(key, fetched[rnd.pk])
    return found


def _grouped_rows(
    round_id: int | Sequence[int], by: Sequence[str], population_group: str | None
) -> list[dict[str, Any]]:
    group = ["admin_area_id", "level", *[("origin_area_id" if k == "origin_admin1" else k) for k in by]]
    if isinstance(round_id, int):
        rows = LocationAssessment.objects.filter(round_id=round_id)
    else:  # several rounds in one query, kept apart by round_id
        group.append("round_id")
        rows = LocationAssessment.objects.filter(round_id__in=list(round_id))
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
    return _figures(round, (level,), by, population_group, with_previous=not by)[level]


def figures_by_level(
    *, round: Round, levels: Sequence[int] = (0, 1, 2), population_group: str | None = None, with_previous: bool = True
) -> dict[int, list[AreaFigure]]:
    """The same figures as admin_figures for several levels at once, from one grouped query of the round (and one
    of the previous round): a dashboard needs country, provinces and districts together."""
    if not set(levels) <= {0, 1, 2}:
        raise ValueError("figures are published at admin levels 0, 1 and 2")
    return _figures(round, tuple(levels), (), population_group, with_previous=with_previous)


def figures_of_rounds(
    *, rounds: Sequence[Round], level: int, population_group: str | None = None
) -> dict[int, list[AreaFigure]]:
    """Figures at one level for each of several rounds, read in one query: trends over rounds. Each round's
    figures stay its own (by round id); nothing here adds rounds together."""
    if level not in (0, 1, 2):
        raise ValueError("figures are published at admin levels 0, 1 and 2")
    rows_by_round = _rounds_rows(rounds, population_group)
    return {
        r.pk: _figures(r, (level,), (), population_group, with_previous=False, rows=rows_by_round[r.pk])[level]
        for r in rounds
    }


def _figures(
    round: Round,
    levels: Sequence[int],
    by: Sequence[str],
    population_group: str | None,
    *,
    with_previous: bool,
    rows: list[dict[str, Any]] | None = None,
) -> dict[int, list[AreaFigure]]:
    tree = area_tree()
    areas = tree.by_pk
    if rows is None:
        rows = _round_rows(round, by, population_group)
    sources = _district_sources(rows, areas)
    totals: dict[int, dict[tuple[str, tuple[tuple[str, str | None], ...]], dict[str, int | None]]] = {
        level: {} for level in levels
    }
    for row in rows:
        info = areas[row["admin_area_id"]]
        if len(info.ancestors) < 3 or (info.ancestors[2], row["level"]) not in sources:
            continue
        key = tuple((k, _key_value(k, row, areas)) for k in by)
        for level in levels:
            _add(totals[level].setdefault((info.ancestors[level], key), {}), row)
    previous = _previous_individuals(round, levels, population_group) if with_previous else {}
    return {level: _as_figures(round, totals[level], previous, tree) for level in levels}


def _as_figures(
    round: Round,
    totals: dict[tuple[str, tuple[tuple[str, str | None], ...]], dict[str, int | None]],
    previous: dict[str, Stock],
    tree: Any,
) -> list[AreaFigure]:
    figures = []
    for (pcode, key), counts in sorted(totals.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        info = tree.by_pcode[pcode]
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


def _previous_individuals(round: Round, levels: Sequence[int], population_group: str | None) -> dict[str, Stock]:
    """The previous round's totals by P-code (P-codes of different levels never collide)."""
    earlier = previous_round(round)
    if earlier is None:
        return {}
    # Only the earlier round's own totals are needed, not its change from the round before it.
    figures = _figures(earlier, levels, (), population_group, with_previous=False)
    return {f.pcode: f.individuals for level in levels for f in figures[level]}

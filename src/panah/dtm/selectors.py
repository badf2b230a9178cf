"""Reads of displacement tracking, each scoped by the permission policy (policy.py).

Internal staff see rounds of every status; everyone else sees published rounds only, and figures only for the areas
of their grants. Stocks come back as Stock values and flows as Movements (figures.py), so a caller cannot add up
rounds or mix people with crossings by accident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, Sum

from panah.accounts.models import Operation
from panah.core.errors import FieldError, invalid
from panah.core.permissions import can, get_visible, visible_to
from panah.dtm import standards
from panah.dtm.aggregation import AreaFigure, area_tree, figures_by_level, figures_of_rounds
from panah.dtm.choices import IndicatorStatus, PopulationGroup, ReturnType, RoundKind, RoundStatus
from panah.dtm.figures import Movements, Stock
from panah.dtm.models import FlowCount, LocationAssessment, Round, SiteAssessment
from panah.geo.models import AdminArea, BorderCrossing

FIGURE_LEVELS = (0, 1, 2)
MOVEMENTS = F("men") + F("women") + F("boys") + F("girls")


def _choice(name: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value not in allowed:
        message = f"{name.replace('_', ' ').capitalize()} must be one of: {', '.join(allowed)}."
        raise invalid(message, FieldError(name, message, "choice"))


def _operation(operation: Operation | str | int) -> Operation:
    if isinstance(operation, Operation):
        return operation
    if isinstance(operation, int):
        found = Operation.objects.filter(pk=operation).first()
    else:
        found = Operation.objects.filter(code=str(operation).strip()).first()
    if found is None:
        raise invalid("Unknown operation.", FieldError("operation", f"No operation {operation!r}.", "unknown"))
    return found


def _visible_round(actor: Any, round: Round | int) -> Round:
    pk = round.pk if isinstance(round, Round) else round
    return round_get(actor=actor, round_id=pk)


def round_list(
    *, actor: Any, operation: Operation | str | int | None = None, kind: str | None = None, status: str | None = None
) -> models.QuerySet[Round]:
    """Rounds the actor may see (internal staff: any status; others: published only), latest first."""
    _choice("kind", kind, RoundKind.values)
    _choice("status", status, RoundStatus.values)
    qs = visible_to(actor, Round.objects.select_related("operation", "submitted_by", "published_by"))
    if operation is not None:
        qs = qs.filter(operation=_operation(operation))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("operation__code", "-number", "-version")


def round_get(*, actor: Any, round_id: int) -> Round:
    """One round the actor may see; a missing round and one out of scope are the same not-found error."""
    return get_visible(actor, Round.objects.select_related("operation", "supersedes"), pk=round_id)


def operations_with_rounds(*, actor: Any) -> models.QuerySet[Operation]:
    """Operations that have at least one round the actor may see."""
    rounds = visible_to(actor, Round.objects.all()).values("operation_id")
    return Operation.objects.filter(pk__in=rounds).order_by("-started_on", "code")


def _may_see_area(actor: Any, round: Round, paths: dict[str, str], pcode: str) -> bool:
    # Asked of the policy with a stand-in row of the round in that area, so the rule lives in one place.
    probe = LocationAssessment(round=round, admin_area=AdminArea(pcode=pcode, path=paths[pcode]))
    return can(actor, "view", probe)


def area_figures(
    *, actor: Any, round: Round | int, level: int, population_group: str | None = PopulationGroup.IDP
) -> list[AreaFigure]:
    """Figures of the round at admin `level`, only for areas inside the actor's grants that may view its rows.

    Displaced people by default: maps and key figures show displacement; returnees are asked for by name."""
    if level not in FIGURE_LEVELS:
        message = "Level must be 0 (country), 1 (province) or 2 (district)."
        raise invalid(message, FieldError("level", message, "choice"))
    return area_figures_by_level(actor=actor, round=round, levels=(level,), population_group=population_group)[level]


def area_figures_by_level(
    *,
    actor: Any,
    round: Round | int,
    levels: tuple[int, ...] = FIGURE_LEVELS,
    population_group: str | None = PopulationGroup.IDP,
    with_previous: bool = True,
) -> dict[int, list[AreaFigure]]:
    """area_figures for several levels at once, read with one query of the round."""
    visible = _visible_round(actor, round)
    figures = figures_by_level(
        round=visible, levels=levels, population_group=population_group, with_previous=with_previous
    )
    paths = area_tree().paths
    return {
        level: [f for f in found if _may_see_area(actor, visible, paths, f.pcode)] for level, found in figures.items()
    }


@dataclass(frozen=True)
class TrendPoint:
    round_id: int
    round_number: int
    period_end: date
    pcode: str
    name: str
    individuals: Stock  # one round's stock: compare points, never add them


def province_trends(
    *, actor: Any, operation: Operation | str | int, kind: str = RoundKind.MOBILITY
) -> list[TrendPoint]:
    """Per province, its people in each published round of the operation (oldest round first), never summed."""
    _choice("kind", kind, RoundKind.values)
    rounds = list(
        round_list(actor=actor, operation=operation, kind=kind, status=RoundStatus.PUBLISHED).order_by("number")
    )
    paths = area_tree().paths
    points = []
    for rnd, figures in zip(
        rounds, figures_of_rounds(rounds=rounds, level=1, population_group=PopulationGroup.IDP).values(), strict=True
    ):
        for figure in figures:
            if _may_see_area(actor, rnd, paths, figure.pcode):
                points.append(
                    TrendPoint(rnd.pk, rnd.number, rnd.period_end, figure.pcode, figure.name, figure.individuals)
                )
    return sorted(points, key=lambda p: (p.pcode, p.round_number))


@dataclass(frozen=True)
class DailyFlow:
    date: date
    crossing_code: str
    crossing_name: str
    direction: str
    category: str  # a documentation status or a return type, as the list says
    movements: Movements


@dataclass(frozen=True)
class DailyFlows:
    by_documentation: list[DailyFlow]
    by_return_type: list[DailyFlow]


def _flow_rows(actor: Any, round: Round | int, crossing_code: str | None = None) -> models.QuerySet[FlowCount]:
    visible = _visible_round(actor, round)
    qs = visible_to(actor, FlowCount.objects.filter(round=visible))
    if crossing_code:
        if not BorderCrossing.objects.filter(code=crossing_code).exists():
            message = f"No crossing point has the code {crossing_code!r}."
            raise invalid("Unknown crossing point.", FieldError("crossing_code", message, "unknown"))
        qs = qs.filter(crossing__code=crossing_code)
    return qs


def _daily(qs: models.QuerySet[FlowCount], category: str) -> list[DailyFlow]:
    rows = (
        qs.order_by()
        .values("date", "crossing__code", "crossing__name", "direction", category)
        .annotate(moved=Sum(MOVEMENTS))
        .order_by("date", "crossing__code", "direction", category)
    )
    return [
        DailyFlow(
            r["date"],
            r["crossing__code"],
            r["crossing__name"],
            r["direction"],
            r[category],
            Movements(r["date"], r["date"], r["moved"] or 0),
        )
        for r in rows
    ]


def flow_daily(*, actor: Any, round: Round | int, crossing_code: str | None = None) -> DailyFlows:
    """Movements per day, crossing and direction, split by documentation status and (separately) by return type."""
    qs = _flow_rows(actor, round, crossing_code)
    return DailyFlows(_daily(qs, "documentation_status"), _daily(qs, "return_type"))


@dataclass(frozen=True)
class FlowTotal:
    crossing_code: str
    crossing_name: str
    direction: str
    movements: Movements
    deported: Movements

    @property
    def deported_share(self) -> float | None:
        return None if not self.movements.value else round(self.deported.value / self.movements.value, 4)


def flow_totals(*, actor: Any, round: Round | int) -> list[FlowTotal]:
    """Movements of the round per crossing and direction, with how many of them were deportations."""
    rows = (
        _flow_rows(actor, round)
        .order_by()
        .values("crossing__code", "crossing__name", "direction", "return_type")
        .annotate(first=models.Min("date"), last=models.Max("date"), moved=Sum(MOVEMENTS))
    )
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[(r["crossing__code"], r["crossing__name"], r["direction"])].append(r)
    totals = []
    for (code, name, direction), parts in sorted(grouped.items()):
        moves = [Movements(p["first"], p["last"], p["moved"] or 0) for p in parts]
        deported = [m for m, p in zip(moves, parts, strict=True) if p["return_type"] == ReturnType.DEPORTED]
        whole = sum(moves[1:], moves[0])
        totals.append(
            FlowTotal(code, name, direction, whole, sum(deported[1:], deported[0]) if deported else _none(whole))
        )
    return totals


def _none(period: Movements) -> Movements:
    return Movements(period.first_day, period.last_day, 0)


@dataclass(frozen=True)
class SiteGap:
    assessment_id: int
    site_id: int
    site_name: str
    site_kind: str
    pcode: str
    area_name: str
    households: int
    individuals: int
    managing_agency: str
    results: list[standards.IndicatorResult]

    @property
    def not_met(self) -> int:
        return sum(r.status == IndicatorStatus.NOT_MET for r in self.results)

    @property
    def no_service(self) -> int:
        return sum(r.status == IndicatorStatus.NO_SERVICE for r in self.results)

    @property
    def gaps(self) -> int:
        """Indicators below standard, counting those with no service at all."""
        return self.not_met + self.no_service


def site_gaps(*, actor: Any, round: Round | int) -> list[SiteGap]:
    """Each site assessment of the round the actor may see, scored against the operation's thresholds."""
    visible = _visible_round(actor, round)
    thresholds = standards.thresholds_for(visible.operation_id)
    rows = visible_to(
        actor, SiteAssessment.objects.filter(round=visible).select_related("site", "site__admin_area")
    ).order_by("site__name", "pk")
    return [
        SiteGap(
            a.pk,
            a.site_id,
            a.site.name,
            a.site.kind,
            a.site.admin_area.pcode,
            a.site.admin_area.name,
            a.households,
            a.individuals,
            a.managing_agency,
            standards.score_site(a, thresholds),
        )
        for a in rows
    ]

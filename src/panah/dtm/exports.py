"""HXL-tagged CSV and XLSX downloads of round figures.

Public downloads need no sign-in and serve only what publication.py lets out: suppressed admin0/1/2 aggregates of
published mobility rounds and suppressed flow totals of published flow rounds. Internal downloads (site gaps, flow
counts in full) need the round's export right, are narrowed to the user's areas, and leave an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from panah.core import audit
from panah.core.errors import ApplicationError
from panah.core.permissions import Perm, get_visible, visible_to
from panah.dtm import hxl, publication, selectors
from panah.dtm.choices import PopulationGroup, RoundKind
from panah.dtm.models import FlowCount, Round, SiteAssessment
from panah.dtm.standards import IndicatorResult
from panah.geo.models import AdminArea

LEVELS = {"admin0": 0, "admin1": 1, "admin2": 2}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(table: hxl.Table, fmt: str, filename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Unknown format.")
    body: str | bytes = hxl.to_csv(table) if fmt == "csv" else hxl.to_xlsx(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _published_round(round_id: int, kind: str) -> Round:
    rnd = publication.published_rounds(kind=kind).filter(pk=round_id).first()
    if rnd is None:
        raise Http404("No such published round.")
    return rnd


def public_figure_table(*, round: Round, level: int, by_reason: bool = False) -> hxl.Table:
    """The public table of a published round at `level`: suppressed, one line per area (and reason)."""
    by = ("population_group", "displacement_reason") if by_reason else ("population_group",)
    rows = publication.public_admin_rows(level=level, rounds=[round], by=by)
    names = dict(AdminArea.objects.filter(level=1).values_list("pcode", "name"))
    return hxl.figures_table(level=level, rows=hxl.figure_lines(rows, names), by_reason=by_reason)


@require_safe
def public_figures(request: HttpRequest, round_id: int, level: str, fmt: str) -> HttpResponse:
    if level not in LEVELS:
        raise Http404("Unknown admin level.")
    split = request.GET.get("split", "")
    if split not in ("", "reason"):
        return HttpResponse("split must be empty or 'reason'.", status=400, content_type="text/plain")
    rnd = _published_round(round_id, RoundKind.MOBILITY)
    table = public_figure_table(round=rnd, level=LEVELS[level], by_reason=split == "reason")
    return download(table, fmt, f"panah-round-{rnd.pk}-{level}")


@require_safe
def public_flows(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    rnd = _published_round(round_id, RoundKind.FLOW)
    table = hxl.flows_table(rows=publication.public_flow_rows(rounds=[rnd]))
    return download(table, fmt, f"panah-round-{rnd.pk}-flows")


# Internal downloads ---------------------------------------------------------------------------------------------


def internal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and the round exportable by the user; anything else is a 404 that does not say which."""

    @require_safe
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, round_id: int, fmt: str, **kwargs: str) -> HttpResponse:
        try:
            rnd = get_visible(request.user, Round.objects.select_related("operation"), Perm.EXPORT, pk=round_id)
        except ApplicationError:
            raise Http404("No such round.") from None
        return view(request, rnd, fmt, **kwargs)

    return wrapped


@dataclass
class SiteGapLine:
    """One site assessment with its indicators scored (selectors.site_gaps), keyed by indicator."""

    assessment: SiteAssessment
    results: dict[str, IndicatorResult]
    gaps: int


def site_gap_lines(*, actor: Any, round: Round) -> list[SiteGapLine]:
    """Site assessments of a round the actor may export, in their areas, each indicator scored; audited."""
    scored = {g.assessment_id: g for g in selectors.site_gaps(actor=actor, round=round)}
    assessments = (
        visible_to(actor, SiteAssessment.objects.filter(round=round, pk__in=scored), Perm.EXPORT)
        .select_related("site__admin_area", "round__operation")
        .order_by("site__name", "pk")
    )
    lines = [SiteGapLine(a, {r.indicator: r for r in scored[a.pk].results}, scored[a.pk].gaps) for a in assessments]
    audit.record(actor=actor, action=audit.Action.EXPORT, obj=round, metadata={"table": "sites", "rows": len(lines)})
    return lines


def internal_figure_lines(*, actor: Any, round: Round, level: int) -> list[hxl.FigureLine]:
    """Figures of a round at `level` for the actor's areas, displaced and returnees side by side, unsuppressed;
    the export is audited."""
    names = dict(AdminArea.objects.filter(level=1).values_list("pcode", "name"))
    lines: dict[str, hxl.FigureLine] = {}
    for group in PopulationGroup:
        for f in selectors.area_figures(actor=actor, round=round, level=level, population_group=group):
            admin1 = f.pcode if level == 1 else f.parent_pcode if level == 2 else None
            line = lines.setdefault(
                f.pcode, hxl.FigureLine(round, f.pcode, f.name, admin1, names.get(admin1 or ""), None)
            )
            line.counts |= {
                (group.value, k): f.counts.get(k) for k in ("individuals", "households", "females", "males")
            }
    rows = sorted(lines.values(), key=lambda line: (line.admin1_pcode or "", line.pcode))
    metadata = {"table": f"admin{level}", "rows": len(rows)}
    audit.record(actor=actor, action=audit.Action.EXPORT, obj=round, metadata=metadata)
    return rows


@dataclass
class FlowLine:
    round: Round
    pcode: str
    name: str
    key: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def flow_lines(*, actor: Any, round: Round) -> list[FlowLine]:
    """Flow counts of a round the actor may export, in full (unsuppressed), in their areas; the export is audited."""
    counts = (
        visible_to(actor, FlowCount.objects.filter(round=round), Perm.EXPORT)
        .select_related("crossing")
        .order_by("date", "crossing__code", "direction", "documentation_status", "return_type")
    )
    lines = [
        FlowLine(
            round,
            c.crossing.code,
            c.crossing.name,
            {
                "date": c.date.isoformat(),
                "direction": c.direction,
                "documentation_status": c.documentation_status,
                "return_type": c.return_type,
            },
            {"men": c.men, "women": c.women, "boys": c.boys, "girls": c.girls, "individuals": c.total},
        )
        for c in counts
    ]
    audit.record(actor=actor, action=audit.Action.EXPORT, obj=round, metadata={"table": "flows", "rows": len(lines)})
    return lines


@internal
def round_sites(request: HttpRequest, rnd: Round, fmt: str) -> HttpResponse:
    table = hxl.sites_table(rows=site_gap_lines(actor=request.user, round=rnd))
    return download(table, fmt, f"panah-round-{rnd.pk}-site-gaps")


@internal
def round_figures(request: HttpRequest, rnd: Round, fmt: str, level: str = "") -> HttpResponse:
    if level not in LEVELS or rnd.kind != RoundKind.MOBILITY:
        raise Http404("Unknown admin level.")
    rows = internal_figure_lines(actor=request.user, round=rnd, level=LEVELS[level])
    table = hxl.figures_table(level=LEVELS[level], rows=rows, suppressed=False)
    return download(table, fmt, f"panah-round-{rnd.pk}-{level}-internal")


@internal
def round_flows(request: HttpRequest, rnd: Round, fmt: str) -> HttpResponse:
    table = hxl.flows_table(rows=flow_lines(actor=request.user, round=rnd), internal=True)
    return download(table, fmt, f"panah-round-{rnd.pk}-flows-internal")

"""The figures of one round as a report: what the dashboard, the printable situation report and its PDF show.

Everything is read through the permission-scoped selectors, so a partner's report holds only their areas. Charts
are inline SVG (charts.py); the PDF draws the same SVG with reportlab through svglib. Both are pure Python wheels
(reportlab: BSD; svglib: LGPL-3.0, used unmodified as a library), so a fresh machine needs no system libraries, unlike
WeasyPrint's pango and cairo. Their fonts have no Urdu shaping: the PDF is in English; the printable page, printed by
the browser, serves Urdu readers.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # type: ignore[import-untyped]
from svglib.svglib import svg2rlg

from panah.dtm import charts, selectors
from panah.dtm.aggregation import AreaFigure
from panah.dtm.choices import Direction, DocumentationStatus, IndicatorStatus, RoundKind
from panah.dtm.models import Round
from panah.geo import selectors as geo

DOC_COLOURS = {
    DocumentationStatus.POR: "#0072b2",
    DocumentationStatus.ACC: "#009e73",
    DocumentationStatus.TAZKIRA_PASSPORT: "#e69f00",
    DocumentationStatus.UNDOCUMENTED: "#d55e00",
}


@dataclass
class FlowPanel:
    crossing: str
    total: int
    chart: SafeString


@dataclass
class Report:
    round: Round
    province: str = ""
    country: AreaFigure | None = None
    provinces: list[AreaFigure] = field(default_factory=list)
    districts: list[AreaFigure] = field(default_factory=list)
    classes: list[charts.ChartClass] = field(default_factory=list)
    trend_chart: SafeString | None = None
    trend_table: list[tuple[str, list[int | None]]] = field(default_factory=list)
    trend_rounds: list[str] = field(default_factory=list)
    flows: list[FlowPanel] = field(default_factory=list)
    site_gaps: list[selectors.SiteGap] = field(default_factory=list)
    map_svg: SafeString | None = None

    @property
    def is_flow(self) -> bool:
        return self.round.kind == RoundKind.FLOW

    @property
    def headline(self) -> AreaFigure | None:
        """The figure of the whole view: the chosen province, or the country."""
        if self.province:
            return next((p for p in self.provinces if p.pcode == self.province), None)
        return self.country


def _in_province(figures: Sequence[AreaFigure], province: str) -> list[AreaFigure]:
    if not province:
        return list(figures)
    return [f for f in figures if f.pcode == province or f.parent_pcode == province]


def _round_label(number: int, period_end: date | None) -> str:
    label = _("Round %(number)s") % {"number": number}
    return f"{label} ({period_end:%b %Y})" if period_end else label


def _trends(report: Report, *, actor: Any, rtl: bool) -> None:
    """One line per province across rounds: each round's stock is plotted, never added to another round's."""
    points = selectors.province_trends(actor=actor, operation=report.round.operation, kind=report.round.kind)
    rounds: dict[int, str] = {}
    values: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for point in points:
        rounds[point.round_number] = _round_label(point.round_number, point.period_end)
        if not report.province or point.pcode == report.province:
            values[(point.pcode, point.name)][point.round_number] = int(point.individuals)
    numbers = sorted(rounds)
    report.trend_rounds = [rounds[n] for n in numbers]
    report.trend_table = [(name, [v.get(n) for n in numbers]) for (_pcode, name), v in sorted(values.items())]
    if not numbers or not values:
        return
    text = charts.Text(
        _("Displaced people per province, by round"),
        _("Individuals counted in each province at the end of each round. Rounds are compared, never added up."),
        _("Round"),
        _("Individuals"),
    )
    series = [charts.Series(name, vals) for name, vals in report.trend_table]
    report.trend_chart = charts.line_chart(text=text, categories=report.trend_rounds, series=series, rtl=rtl)


def _flows(report: Report, *, actor: Any, rtl: bool) -> None:
    """Per crossing, movements per day stacked by documentation status."""
    by_crossing: dict[tuple[str, str], dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in selectors.flow_daily(actor=actor, round=report.round).by_documentation:
        day = by_crossing[(row.crossing_name, row.direction)][row.date]
        day[row.category] = day.get(row.category, 0) + int(row.movements)
    for (crossing, direction), days in sorted(by_crossing.items()):
        name = f"{crossing} · {Direction(direction).label}"
        dates = sorted(days)
        series = [
            charts.Series(str(label), [days[d].get(code, 0) for d in dates], DOC_COLOURS[DocumentationStatus(code)])
            for code, label in DocumentationStatus.choices
        ]
        text = charts.Text(
            _("Daily movements at %(crossing)s by documentation status") % {"crossing": name},
            _("Movements counted per day; one person crossing twice counts twice."),
            _("Date"),
            _("Movements"),
        )
        chart = charts.stacked_bar_chart(
            text=text, categories=[f"{d:%d %b}" for d in dates], series=series, rtl=rtl, height=320
        )
        total = sum(sum(day.values()) for day in days.values())
        report.flows.append(FlowPanel(name, total, chart))


def _map(report: Report, *, actor: Any) -> None:
    districts = geo.boundaries(actor=actor, level=2)["features"]
    provinces = geo.boundaries(actor=actor, level=1)["features"]
    if report.province:
        districts = [f for f in districts if f["properties"].get("parent_pcode") == report.province]
        provinces = [f for f in provinces if f["properties"]["pcode"] == report.province]
    report.map_svg = charts.choropleth_map(
        text=charts.Text(
            _("Displaced people per district"),
            _("Districts shaded by the number of displaced individuals in this round; grey: no figure."),
        ),
        districts=districts,
        provinces=provinces,
        values={f.pcode: int(f.individuals) for f in report.districts},
        chart_classes=report.classes,
        legend_title=_("Displaced individuals"),
        no_data_label=_("No figure"),
    )


def _scope_total(round: Round, provinces: Sequence[AreaFigure]) -> AreaFigure | None:
    """The provinces a user may see, added up within this one round: their headline when the country is not theirs."""
    if not provinces:
        return None
    counts = {name: sum(int(p.counts.get(name) or 0) for p in provinces) for name in ("individuals", "households")}
    earlier = [p.previous for p in provinces if p.previous is not None]
    previous = sum(earlier[1:], earlier[0]) if len(earlier) == len(provinces) else None
    return AreaFigure(round.pk, "", _("Your areas"), 0, None, (), dict(counts), previous)


def build_report(*, actor: Any, round: Round, province: str = "", rtl: bool = False, with_map: bool = False) -> Report:
    """Everything the pages show for one round, read in the actor's scope."""
    report = Report(round=round, province=province)
    if report.is_flow:
        _flows(report, actor=actor, rtl=rtl)
        return report
    figures = selectors.area_figures_by_level(actor=actor, round=round)
    country = figures[0]
    report.provinces = list(figures[1])
    report.country = country[0] if country else _scope_total(round, report.provinces)
    report.districts = _in_province(figures[2], province)
    report.classes = charts.classes([int(f.individuals) for f in report.districts])
    _trends(report, actor=actor, rtl=rtl)
    report.site_gaps = list(selectors.site_gaps(actor=actor, round=round))
    if with_map:
        _map(report, actor=actor)
    return report


SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=7, leading=8.5)
SOURCES = gettext_lazy(
    "Administrative boundaries and P-codes: Pakistan – Subnational Administrative Boundaries (COD-AB), WFP and OCHA "
    "FISS, via the Humanitarian Data Exchange, CC BY-IGO 3.0. District boundaries © OpenStreetMap contributors, "
    "ODbL 1.0."
)
DISCLAIMER = gettext_lazy(
    "The boundaries and names shown and the designations used do not imply official endorsement or acceptance by "
    "the United Nations."
)


def _drawing(svg: str, width: float) -> Any:
    """An SVG chart as a reportlab drawing scaled to `width` points."""
    drawing = svg2rlg(io.BytesIO(svg.replace(charts.FONT, "Helvetica").encode()))
    if drawing is None:
        raise ValueError("a chart could not be read back as SVG")
    factor = width / drawing.width
    drawing.scale(factor, factor)
    drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    return drawing


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Any:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8dde3")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _pdf_figures(report: Report) -> list[list[str]]:
    figure = report.headline
    change = "–" if figure is None or figure.change is None else f"{figure.change:+,}"
    return [
        [_("Displaced individuals"), _("Displaced households"), _("Change since the previous round")],
        [charts.fmt(int(figure.individuals)) if figure else "–", charts.fmt(int(figure.households)) if figure else "–",
         change],
    ]  # fmt: skip


def _pdf_gaps(report: Report) -> list[list[str]]:
    rows = [[_("Site"), _("People"), _("Gaps"), _("Indicators not met or without service")]]
    below = {IndicatorStatus.NOT_MET, IndicatorStatus.NO_SERVICE}
    for gap in report.site_gaps:
        names = ", ".join(str(r.label) for r in gap.results if r.status in below)
        rows.append([gap.site_name, charts.fmt(gap.individuals), str(gap.gaps), Paragraph(escape(names), SMALL)])
    return rows


def render_pdf(report: Report) -> bytes:
    """The situation report as an A4 PDF: the same key figures, map, charts and tables as the printable page."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    round_ = report.round
    title = f"{round_.operation} – {_('Round %(number)s') % {'number': round_.number}}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, title=title,
                            author="Panah", topMargin=14 * mm, bottomMargin=14 * mm)  # fmt: skip
    width = doc.width
    period = _("Reporting period: %(start)s to %(end)s") % {
        "start": f"{round_.period_start:%d %B %Y}",
        "end": f"{round_.period_end:%d %B %Y}",
    }
    story: list[Any] = [
        Paragraph(escape(_("Displacement Tracking Matrix · Situation report")), styles["Normal"]),
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(f"{period} · {round_.get_status_display()}"), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    if not report.is_flow:
        story += [_table(_pdf_figures(report)), Spacer(1, 4 * mm)]
        if report.map_svg:
            story += [Paragraph(escape(_("Displaced people per district")), styles["Heading2"]),
                      _drawing(report.map_svg, width * 0.8)]  # fmt: skip
        if report.trend_chart:
            story += [Paragraph(escape(_("Trends per province")), styles["Heading2"]),
                      _drawing(report.trend_chart, width)]  # fmt: skip
        rows = [[_("District"), _("P-code"), _("Households"), _("Individuals"), _("Change")]]
        rows += [[f.name, f.pcode, charts.fmt(int(f.households)), charts.fmt(int(f.individuals)),
                  "–" if f.change is None else f"{f.change:+,}"] for f in report.districts]  # fmt: skip
        story += [Paragraph(escape(_("Figures per district")), styles["Heading2"]), _table(rows)]
        if report.site_gaps:
            story += [Paragraph(escape(_("Site gaps against standards")), styles["Heading2"]),
                      _table(_pdf_gaps(report))]  # fmt: skip
    for panel in report.flows:
        story += [Paragraph(escape(f"{panel.crossing}: {charts.fmt(panel.total)}"), styles["Heading2"]),
                  _drawing(panel.chart, width)]  # fmt: skip
    story += [Spacer(1, 4 * mm), Paragraph(escape(str(SOURCES)), styles["Italic"]),
              Paragraph(f"<b>{escape(str(DISCLAIMER))}</b>", styles["Normal"])]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()

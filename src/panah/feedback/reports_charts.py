"""The trend page's charts: the DTM dashboard's server-side SVG charts (dtm.charts), with the figures' tables below
them on the page. Texts are translated here; the charts mirror themselves on right-to-left pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.dtm import charts
from panah.feedback.choices import Channel
from panah.feedback.reports import Breakdown, TrendCounts

# Category names are long: four of them and "Other" are what a legend on one line holds; the table has them all.
STACKED_CATEGORIES = 4
TOP_DISTRICTS = 10
WIDTH = 960


# Under a bar there is room for a word or two: the channels' short names (the table below has the full ones).
SHORT_CHANNELS: dict[str, Any] = {
    Channel.HOTLINE: gettext_lazy("Hotline"),
    Channel.HELP_DESK: gettext_lazy("Help desk"),
    Channel.WEB: gettext_lazy("Web form"),
    Channel.SMS: gettext_lazy("SMS"),
    Channel.WHATSAPP: gettext_lazy("WhatsApp"),
    Channel.BOX: gettext_lazy("Box"),
    Channel.STAFF: gettext_lazy("Staff or partner"),
    Channel.REFERRAL: gettext_lazy("Referral"),
    Channel.SYSTEM: gettext_lazy("Panah"),
}


@dataclass(frozen=True)
class TrendCharts:
    categories: SafeString
    channels: SafeString
    districts: SafeString


def month_labels(breakdown: Breakdown) -> list[str]:
    return [date_format(m, "M Y") for m in breakdown.months]


def _by_category(counts: TrendCounts, rtl: bool) -> SafeString:
    rows = sorted(counts.categories.rows, key=lambda r: -r.total)
    series = [charts.Series(r.label, r.values) for r in rows[:STACKED_CATEGORIES]]
    rest = rows[STACKED_CATEGORIES:]
    if rest:
        other = [sum(r.values[i] for r in rest) for i in range(len(counts.categories.months))]
        series.append(charts.Series(_("Other"), other))
    text = charts.Text(
        title=_("Tickets per month by category"),
        desc=_("Tickets received each month, stacked by category (confidential reports not included)."),
        y_label=_("Tickets"),
    )
    months = month_labels(counts.categories)
    return charts.stacked_bar_chart(text=text, categories=months, series=series, rtl=rtl, width=WIDTH)


def _totals(breakdown: Breakdown, title: str, desc: str, rtl: bool, limit: int | None = None) -> SafeString:
    rows = sorted(breakdown.rows, key=lambda r: -r.total)[:limit]
    text = charts.Text(title=title, desc=desc, y_label=_("Tickets"))
    labels = [str(SHORT_CHANNELS.get(r.key, r.label)) for r in rows]
    return charts.bar_chart(text=text, categories=labels, values=[r.total for r in rows], rtl=rtl, width=WIDTH)


def trend_charts(counts: TrendCounts, *, rtl: bool) -> TrendCharts:
    return TrendCharts(
        categories=_by_category(counts, rtl),
        channels=_totals(
            counts.channels, _("Tickets by channel"), _("Tickets received through each channel, in total."), rtl
        ),
        districts=_totals(
            counts.districts,
            _("Tickets by district"),
            _("The districts with the most tickets received, in total."),
            rtl,
            TOP_DISTRICTS,
        ),
    )

"""Aggregate exports of the complaints and feedback mechanism: the HXL-tagged counts and the "you said, we did" CSV.

Both are services: they check the report right, count only unsealed tickets in the user's report areas, and write
an EXPORT audit event with the filters and the number of rows in the same call.

Disclosure control in the HXL table is primary suppression only: a count from 1 to the threshold minus one is left
empty and flagged `#meta+suppressed`. There is no complementary suppression (a withheld cell could in principle be
recovered from a published total): the table publishes no totals, and its cells are the finest breakdown
(month x district x category x channel), which keeps that risk low; add it before publishing these openly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from panah.core import audit
from panah.core.errors import not_found
from panah.feedback.models import Category, Ticket
from panah.feedback.policy import may_report
from panah.feedback.reports import NO_DISTRICT, Period, Scope, by_district, district_names, threshold, tickets
from panah.feedback.reports_yswd import you_said_we_did
from panah.geo.models import AdminArea

Cell = str | int | None
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HXL_COLUMNS = [
    ("Month", "#date+month"),
    ("Country code", "#country+code"),
    ("Province P-code", "#adm1+code"),
    ("Province", "#adm1+name"),
    ("District P-code", "#adm2+code"),
    ("District", "#adm2+name"),
    ("Category code", "#indicator+category+code"),
    ("Category", "#indicator+category+name"),
    ("Channel", "#meta+channel"),
    ("Tickets", "#indicator+tickets+num"),
    ("Suppressed", "#meta+suppressed"),
]
YSWD_COLUMNS = [
    "month",
    "district_pcode",
    "district",
    "kind",
    "category",
    "label_en",
    "label_ur",
    "count",
    "suppressed",
    "action_taken",
]


@dataclass(frozen=True)
class Export:
    filename: str
    text: str
    rows: int


def safe(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else safe(v) for v in row])
    return out.getvalue()


def hxl_rows(*, scope: Scope, period: Period) -> list[list[Cell]]:
    """One row per month, district, category and channel with tickets (unsealed), suppressed below the threshold."""
    counts = by_district(tickets(scope.paths, period), "category__code", "channel")
    names = district_names(k[1] for k in counts)
    provinces = dict(AdminArea.objects.filter(level=1).values_list("pcode", "name"))
    categories = {c.code: c.name for c in Category.objects.filter(sensitive=False)}
    limit, rows = threshold(), []
    for (month, district, code, channel), n in sorted(counts.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        province = district[:3] if district != NO_DISTRICT else ""
        hidden = 0 < n < limit
        rows.append(
            [
                f"{month:%Y-%m}",
                "PAK",
                province,
                provinces.get(province, ""),
                district,
                names.get(district, "") if district else "",
                code or "uncategorised",
                categories.get(code, "Not yet categorised") if code else "Not yet categorised",
                channel,
                None if hidden else n,
                "yes" if hidden else "",
            ]
        )
    return rows


def feedback_hxl(*, actor: Any, scope: Scope, period: Period, filters: dict[str, str]) -> Export:
    """The HXL CSV of ticket counts for a user with the report right (anyone else: not found); audited."""
    if not may_report(actor):
        raise not_found("export")
    rows = hxl_rows(scope=scope, period=period)
    _audit(actor, "hxl", filters, len(rows))
    header: list[list[Cell]] = [[h for h, _t in HXL_COLUMNS], [t for _h, t in HXL_COLUMNS]]
    return Export(f"feedback-{period.first:%Y-%m}-{period.last:%Y-%m}.hxl.csv", to_csv(header + rows), len(rows))


def yswd_rows(*, scope: Scope, period: Period) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for board in you_said_we_did(scope=scope, period=period):
        where: list[Cell] = [f"{board.month:%Y-%m}", board.district, board.district_name]
        for kind, items in (("raised", board.issues), ("answered", board.answered)):
            for item in items:
                hidden = item.shown != str(item.count)
                count = None if hidden else item.count
                flag = "yes" if hidden else ""
                rows.append([*where, kind, item.code, item.label_en, item.label_ur, count, flag, ""])
        rows += [[*where, "action", "", "", "", None, "", text] for text in board.actions]
    return rows


def you_said_we_did_csv(*, actor: Any, scope: Scope, period: Period, filters: dict[str, str]) -> Export:
    """The "you said, we did" table as CSV for a user with the report right; audited."""
    if not may_report(actor):
        raise not_found("export")
    rows = yswd_rows(scope=scope, period=period)
    _audit(actor, "you-said-we-did", filters, len(rows))
    name = f"you-said-we-did-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    return Export(name, to_csv([YSWD_COLUMNS, *rows]), len(rows))


def _audit(actor: Any, export: str, filters: dict[str, str], rows: int) -> None:
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type=audit.object_type_of(Ticket),
        metadata={"export": export, "filters": filters, "rows": rows},
    )

"""HXL-tagged tables of displacement figures: row 1 headers, row 2 hashtags, then data (dtm.md §3).

Tags follow what DTM data on HDX carries (`#adm1+code`, `#affected+idps+ind`, `#round+code`...), in the standard
`+code` and `#country` forms. Each table has a schema in hxl_schemas/ that the tests check it against with libhxl.
A suppressed count is an empty cell, and `#meta+suppressed` says which counts were withheld, so an empty cell is
never mistaken for "no data" or for zero.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

Cell = str | int | float | None


@dataclass(frozen=True)
class Column:
    header: str
    tag: str
    value: Callable[[Any], Cell]


@dataclass(frozen=True)
class Table:
    """A named export: its columns and rows, written the same way to CSV and XLSX."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Any]

    def matrix(self) -> list[list[Cell]]:
        return [
            [c.header for c in self.columns],
            [c.tag for c in self.columns],
            *([c.value(row) for c in self.columns] for row in self.rows),
        ]


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in table.matrix():
        writer.writerow(["" if v is None else v for v in line])
    return out.getvalue()


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    for line in table.matrix():
        sheet.append([_safe_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe_cell(value: Cell) -> Cell:
    # Names come from data entry, and openpyxl stores a string starting with "=" as a formula.
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def _round_columns() -> list[Column]:
    return [
        Column("Operation", "#operation+name", lambda r: r.round.operation.name),
        Column("Round", "#round+code", lambda r: r.round.number),
        Column("Version", "#round+version", lambda r: r.round.version),
        Column("Reporting date", "#date+reported", lambda r: r.round.period_end.isoformat()),
    ]


def _admin_columns(level: int) -> list[Column]:
    columns = [
        Column("Country code", "#country+code", lambda r: "PAK"),
        Column("Country", "#country+name", lambda r: "Pakistan"),
    ]
    if level >= 1:
        columns += [
            Column("Province P-code", "#adm1+code", lambda r: r.admin1_pcode),
            Column("Province", "#adm1+name", lambda r: r.admin1_name),
        ]
    if level >= 2:
        columns += [
            Column("District P-code", "#adm2+code", lambda r: r.pcode),
            Column("District", "#adm2+name", lambda r: r.name),
        ]
    return columns


COUNT_COLUMNS = [
    ("IDP individuals", "#affected+idps+ind", "idp", "individuals"),
    ("IDP households", "#affected+idps+hh", "idp", "households"),
    ("IDP women and girls", "#affected+idps+ind+f", "idp", "females"),
    ("IDP men and boys", "#affected+idps+ind+m", "idp", "males"),
    ("Returnee individuals", "#affected+returnees+ind", "returnee", "individuals"),
    ("Returnee households", "#affected+returnees+hh", "returnee", "households"),
]


@dataclass
class FigureLine:
    """One area (and reason) of one round with the counts of each population group side by side."""

    round: Any
    pcode: str
    name: str
    admin1_pcode: str | None
    admin1_name: str | None
    reason: str | None
    counts: dict[tuple[str, str], int | None] = field(default_factory=dict)
    suppressed: set[str] = field(default_factory=set)

    def count(self, group: str, name: str) -> int | None:
        return self.counts.get((group, name))

    @property
    def note(self) -> str:
        return ";".join(sorted(self.suppressed))


def figure_lines(rows: Iterable[Any], names: dict[str, str]) -> list[FigureLine]:
    """Public rows split by population group (publication.PublicRow), pivoted to one line per area and reason."""
    lines: dict[tuple[int, str, str | None], FigureLine] = {}
    for row in rows:
        reason = row.key.get("displacement_reason")
        codes = [p for p in row.path.split("/") if p]
        admin1 = codes[1] if len(codes) > 1 else None
        line = lines.setdefault(
            (row.round.pk, row.pcode, reason),
            FigureLine(row.round, row.pcode, row.name, admin1, names.get(admin1) if admin1 else None, reason),
        )
        group = row.key["population_group"]
        line.counts |= {(group, f): v for f, v in row.counts.items()}
        line.suppressed |= {f"{group}.{f}" for f in row.suppressed}
    return list(lines.values())


def figures_table(*, level: int, rows: Iterable[Any], by_reason: bool = False, suppressed: bool = True) -> Table:
    """Admin figures of one round, one row per area (and reason): rows are FigureLine-like objects (exports.py).

    Internal tables pass suppressed=False: nothing is withheld from them, so they carry no `#meta+suppressed`."""
    columns = [*_admin_columns(level), *_round_columns()]
    if by_reason:
        columns.append(Column("Displacement reason", "#cause+type", lambda r: r.reason))
    columns += [Column(h, t, _count(group, f)) for h, t, group, f in COUNT_COLUMNS]
    if suppressed:
        columns.append(Column("Suppressed counts", "#meta+suppressed", lambda r: r.note))
    return Table(["country", "provinces", "districts"][level], columns, rows)


def _count(group: str, field: str) -> Callable[[Any], Cell]:
    return lambda r: r.count(group, field)


def flows_table(*, rows: Iterable[Any], internal: bool = False) -> Table:
    """Flow totals per crossing, day, direction and documentation status; internal tables add return type and sex."""
    columns = [
        Column("Crossing point", "#loc+name", lambda r: r.name),
        Column("Crossing code", "#loc+code", lambda r: r.pcode),
        Column("Operation", "#operation+name", lambda r: r.round.operation.name),
        Column("Round", "#round+code", lambda r: r.round.number),
        Column("Date", "#date", lambda r: r.key["date"]),
        Column("Direction", "#indicator+direction", lambda r: r.key["direction"]),
        Column("Documentation status", "#indicator+documentation", lambda r: r.key["documentation_status"]),
    ]
    if internal:
        columns += [
            Column("Return type", "#indicator+return_type", lambda r: r.key["return_type"]),
            Column("Men", "#affected+ind+m+adults", lambda r: r.counts["men"]),
            Column("Women", "#affected+ind+f+adults", lambda r: r.counts["women"]),
            Column("Boys", "#affected+ind+m+children", lambda r: r.counts["boys"]),
            Column("Girls", "#affected+ind+f+children", lambda r: r.counts["girls"]),
        ]
    columns.append(Column("Movements", "#affected+ind", lambda r: r.counts["individuals"]))
    if not internal:
        columns.append(Column("Suppressed counts", "#meta+suppressed", lambda r: r.note))
    return Table("flows", columns, rows)


# (header, tag of the value, indicator): the threshold and status columns derive their tags from the value's.
SITE_INDICATORS = [
    ("Water (litres per person per day)", "#indicator+num+water+lppd", "water_litres_per_person_day"),
    ("People per water point", "#indicator+num+water+people_per_point", "people_per_water_point"),
    ("People per latrine", "#indicator+num+latrines+people_per_latrine", "people_per_latrine"),
    ("Latrines sex-segregated", "#indicator+latrines+segregated", "latrines_sex_segregated"),
    ("Distance to water (m)", "#indicator+num+water+distance", "distance_to_water_m"),
    ("Covered space (m² per person)", "#indicator+num+shelter+space", "covered_space_m2_per_person"),
    ("Health facility access", "#indicator+health+access", "health_facility_access"),
    ("Waste management", "#indicator+waste", "waste_management"),
    ("Lighting", "#indicator+lighting", "lighting"),
    ("Security incidents (30 days)", "#indicator+num+security+incidents", "security_incidents"),
]
# A ratio over zero water points or latrines is not a number of people: the status ("no_service") says it instead.
_RATIOS = {"people_per_water_point", "people_per_latrine"}


def status_tag(value_tag: str) -> str:
    """#indicator+num+water+lppd -> #status+water+lppd: met, not_met, no_service or no_data."""
    return "#status+" + "+".join(a for a in value_tag.split("+")[1:] if a != "num")


def sites_table(*, rows: Iterable[Any]) -> Table:
    """Internal only: one row per assessed site, each indicator as value, standard and status (SiteGapLine rows)."""
    columns = [
        Column("Site", "#loc+name+site", lambda s: s.assessment.site.name),
        Column("Site type", "#loc+type", lambda s: s.assessment.site.kind),
        Column("District P-code", "#adm2+code", lambda s: _district(s.assessment.site.admin_area)),
        Column("Operation", "#operation+name", lambda s: s.assessment.round.operation.name),
        Column("Round", "#round+code", lambda s: s.assessment.round.number),
        Column("Assessed on", "#date+reported", lambda s: s.assessment.assessed_on.isoformat()),
        Column("Managing agency", "#org+managing", lambda s: s.assessment.managing_agency),
        Column("Households", "#affected+idps+hh", lambda s: s.assessment.households),
        Column("Individuals", "#affected+idps+ind", lambda s: s.assessment.individuals),
    ]
    for header, tag, name in SITE_INDICATORS:
        columns += [
            Column(header, tag, _indicator_value(name)),
            Column(f"{header}: standard", f"{tag}+threshold", _threshold(name)),
            Column(f"{header}: status", status_tag(tag), _status(name)),
        ]
    columns.append(Column("Gaps", "#indicator+num+gaps", lambda s: s.gaps))
    return Table("site gaps", columns, rows)


def _district(area: Any) -> str:
    parts = [p for p in area.path.split("/") if p]
    return str(parts[2]) if len(parts) > 2 else str(area.pcode)


def _cell(v: Any) -> Cell:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None or isinstance(v, int):
        return v
    return round(float(v), 2)


def _indicator_value(name: str) -> Callable[[Any], Cell]:
    def value(line: Any) -> Cell:
        result = line.results[name]
        if name in _RATIOS and str(result.status) == "no_service":
            return None
        return _cell(result.value)

    return value


def _status(name: str) -> Callable[[Any], Cell]:
    return lambda line: str(line.results[name].status)


def _threshold(name: str) -> Callable[[Any], Cell]:
    def value(line: Any) -> Cell:
        threshold = line.results[name].threshold
        if threshold.comparator == "yes":
            return "yes"
        return _cell(threshold.value if threshold.value is not None else 0)

    return value

"""Reads a COD-AB release (CSV table or GeoJSON layer) into area records, or says exactly which cell is wrong.

Accepted columns/properties, case-insensitive: `admN_pcode` with `admN_name` or `admN_en` (N = 1..3; the HDX
tabular names ADM2_PCODE/ADM2_EN are the same thing), optionally `adm0_pcode` and `valid_on`/`validOn`.
Row numbers are the file's line numbers (the header is row 1), as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from panah.core.errors import ApplicationError, FieldError
from panah.geo.reference_data import COUNTRY_PCODE, AreaRecord

LEVELS = (1, 2, 3)
# PK + 1 digit per province, 2 per district, 2 per tehsil (the HDX P-code length table for PAK: 2,1,2,2).
PCODE_PATTERN = {1: re.compile(r"^PK\d$"), 2: re.compile(r"^PK\d{3}$"), 3: re.compile(r"^PK\d{5}$")}
NAME_KEYS = ("en", "name")
VALID_ON_KEYS = ("valid_on", "validon")
MAX_ERRORS = 20


@dataclass
class CodRelease:
    levels: list[int]
    records: dict[str, AreaRecord] = field(default_factory=dict)
    valid_on: date | None = None


class _Problems:
    def __init__(self, unit: str, part: str) -> None:
        self.unit, self.part = unit, part  # "Row"/"column" for CSV, "Feature"/"property" for GeoJSON
        self.errors: list[FieldError] = []

    def add(self, number: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FieldError(column, f"{self.unit} {number}, {self.part} {column}: {message}"))

    def raise_if_any(self) -> None:
        if self.errors:
            more = f" ({len(self.errors) - 1} more problems listed)" if len(self.errors) > 1 else ""
            raise ApplicationError("invalid_file", self.errors[0].message + more, status=422, errors=self.errors)


def _file_error(message: str) -> ApplicationError:
    return ApplicationError("invalid_file", message, status=422, errors=[FieldError("file", message)])


def _columns(keys: list[str]) -> dict[str, str]:
    """lower-case name -> name as written in the file."""
    return {k.strip().lower(): k for k in keys if k}


def _layout(
    columns: Mapping[str, str], problems: _Problems, header_number: int
) -> tuple[list[int], dict[int, tuple[str, str]]]:
    """Which admin levels the file carries, and for each level its (pcode column, name column)."""
    levels: list[int] = []
    layout: dict[int, tuple[str, str]] = {}
    for level in LEVELS:
        pcode_col = columns.get(f"adm{level}_pcode")
        if pcode_col is None:
            continue
        name_col = next((columns[f"adm{level}_{k}"] for k in NAME_KEYS if f"adm{level}_{k}" in columns), None)
        if name_col is None:
            problems.add(
                header_number, f"adm{level}_name", f"the file has {pcode_col} but no adm{level}_name or adm{level}_en"
            )
            continue
        levels.append(level)
        layout[level] = (pcode_col, name_col)
    if not levels and not problems.errors:
        raise _file_error("No admN_pcode column (adm1_pcode, adm2_pcode or adm3_pcode) found: is this a COD-AB file?")
    if levels and levels != list(range(1, levels[-1] + 1)):
        # Parents are read from the same row, so every level above the deepest one must be there.
        missing = next(level for level in LEVELS if level not in levels)
        problems.add(
            header_number, f"adm{missing}_pcode", f"is missing; it is needed for the parents of adm{missing + 1}"
        )
    return levels, layout


def _parse_date(value: str) -> date:
    return date.fromisoformat(value.strip()[:10])


def _read_row(
    release: CodRelease,
    row: Mapping[str, Any],
    number: int,
    layout: dict[int, tuple[str, str]],
    columns: Mapping[str, str],
    problems: _Problems,
) -> None:
    adm0 = columns.get("adm0_pcode")
    if adm0 and str(row.get(adm0) or "").strip().upper() not in ("", COUNTRY_PCODE):
        problems.add(number, adm0, f"{row.get(adm0)!r} is not Pakistan ({COUNTRY_PCODE})")
    parent = COUNTRY_PCODE
    for level in release.levels:
        pcode_col, name_col = layout[level]
        pcode = str(row.get(pcode_col) or "").strip().upper()
        name = " ".join(str(row.get(name_col) or "").split())
        if not PCODE_PATTERN[level].match(pcode):
            problems.add(
                number,
                pcode_col,
                f"{pcode!r} is not an admin{level} P-code (like {_example(level)})" if pcode else "is empty",
            )
            return
        if not name:
            problems.add(number, name_col, "is empty")
            return
        record = AreaRecord(pcode, name, level, parent)
        seen = release.records.setdefault(pcode, record)
        if seen != record:
            problems.add(
                number,
                name_col,
                f"{pcode} is {name!r} under {parent} here but {seen.name!r} under {seen.parent_pcode} earlier",
            )
            return
        parent = pcode
    for key in VALID_ON_KEYS:
        if key in columns and str(row.get(columns[key]) or "").strip():
            try:
                found = _parse_date(str(row[columns[key]]))
            except ValueError:
                problems.add(number, columns[key], f"{row[columns[key]]!r} is not a date (YYYY-MM-DD)")
                return
            release.valid_on = max(release.valid_on or found, found)


def _example(level: int) -> str:
    return {1: "PK5", 2: "PK513", 3: "PK51303"}[level]


def _parse(
    rows: Iterator[tuple[int, Mapping[str, Any]]], keys: list[str], unit: tuple[str, str], header_number: int
) -> CodRelease:
    problems = _Problems(*unit)
    columns = _columns(keys)
    levels, layout = _layout(columns, problems, header_number)
    problems.raise_if_any()
    release = CodRelease(levels=levels)
    count = 0
    for number, row in rows:
        count += 1
        _read_row(release, row, number, layout, columns, problems)
    problems.raise_if_any()
    if not count:
        raise _file_error("The file has no data rows.")
    return release


def _parse_csv(text: str) -> CodRelease:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        keys = list(reader.fieldnames or [])
        # line_num after reading a row is that row's last line in the file (the header is line 1).
        return _parse(((reader.line_num, row) for row in reader), keys, ("Row", "column"), 1)
    except csv.Error as exc:
        raise _file_error(f"Row {reader.line_num}: not readable as CSV ({exc}).") from None


def _properties(feature: Any) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props if isinstance(props, dict) else {}


def _parse_geojson(text: str) -> CodRelease:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _file_error(f"Not valid JSON (line {exc.lineno}, column {exc.colno}).") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise _file_error("Not a GeoJSON FeatureCollection with features.")
    props = [_properties(f) for f in features]
    return _parse(((i, p) for i, p in enumerate(props, start=1)), list(props[0]), ("Feature", "property"), 1)


def read_release(path: str | Path) -> CodRelease:
    """Parse a COD-AB CSV or GeoJSON file; raises ApplicationError naming the row or feature and the column."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise _file_error(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise _file_error("The file is not UTF-8 text. Save it as CSV UTF-8 or GeoJSON.") from None
    is_json = path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{")
    return _parse_geojson(text) if is_json else _parse_csv(text)

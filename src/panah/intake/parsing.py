"""Reading an uploaded table (XLSX or CSV) into rows of text keyed by column name, streaming.

Rows are numbered as in the file (the header is row 1), so a report's row numbers match what the user sees in Excel.
Every value comes out as text: numbers without a spurious ".0", dates as YYYY-MM-DD, empty cells as "".
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from panah.core.errors import FieldError, invalid

XLSX_MAGIC = b"PK\x03\x04"
DATA_SHEET = "Data"


@dataclass
class Table:
    header: list[str]  # column names as matched to the spec (lower-case), "" for columns the spec does not know
    unknown: list[str]  # header cells the spec does not know, as written
    rows: Iterator[tuple[int, dict[str, str]]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decode(content: bytes) -> str:
    # Excel writes UTF-8 with a BOM, or UTF-16 for "Unicode text"; older tools write Windows-1252.
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = _decode(content)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",;\t", key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in row]


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise _unreadable(str(error)) from None
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_text(v) for v in row]
    finally:
        workbook.close()


def _unreadable(reason: str) -> Exception:
    message = _("The file could not be read as XLSX or CSV: %(reason)s") % {"reason": reason}
    return invalid(message, FieldError("file", message, "unreadable"))


def raw_rows(filename: str, content: bytes) -> Iterator[list[str]]:
    """All rows of the file's data sheet (or only sheet), as lists of text; XLSX is recognised by its content."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(content)
    if b"\x00" in content[:1024] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _unreadable(_("binary content"))
    return _csv_rows(content)


def read_table(filename: str, content: bytes, columns: Sequence[str], required: Sequence[str]) -> Table:
    """Match the header to the spec's columns (case and spacing ignored); refuse a file that lacks a required one."""
    rows = raw_rows(filename, content)
    try:
        header_cells = next(rows)
    except StopIteration:
        raise _unreadable(_("the file is empty")) from None
    known = {c.lower(): c for c in columns}
    header = [known.get(cell.strip().lower().replace(" ", "_"), "") for cell in header_cells]
    unknown = [cell for cell, name in zip(header_cells, header, strict=True) if cell and not name]
    missing = [c for c in required if c not in header]
    if missing:
        names = ", ".join(missing)
        message = _("The header row lacks the required column(s): %(names)s.") % {"names": names}
        raise invalid(message, *[FieldError(name, _("Missing column."), "missing_column") for name in missing])
    return Table(header=header, unknown=unknown, rows=_numbered(rows, header))


def _numbered(rows: Iterator[list[str]], header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    named = [(i, name) for i, name in enumerate(header) if name]
    width = len(header)
    for number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue  # blank lines between blocks of data are common in hand-made sheets
        if len(cells) < width:
            cells = [*cells, *([""] * (width - len(cells)))]
        yield number, {name: cells[i] for i, name in named}

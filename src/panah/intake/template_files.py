"""Blank templates for an import spec: an XLSX with drop-downs and notes, and a CSV with the header only."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from panah.intake.parsing import DATA_SHEET
from panah.intake.registry import Column, ImportSpec

LISTS_SHEET = "Lists"
README_SHEET = "README"
# Rows offered with validation; Excel keeps validations on empty rows cheaply.
VALIDATED_ROWS = 100_000


def _values(column: Column, actor: Any, context: Mapping[str, Any]) -> list[str]:
    if column.options is not None:
        return list(column.options(actor, context))
    return list(column.choices)


def _note(column: Column) -> str:
    parts = [str(column.label)]
    if column.required:
        parts.append(_("Required."))
    if column.help:
        parts.append(str(column.help))
    if column.choices and column.kind != "choice":
        parts.append(_("Codes: %(codes)s") % {"codes": ", ".join(column.choices)})
    return "\n".join(parts)


def _add_list(data: Any, lists: Any, index: int, column: Column, values: list[str]) -> None:
    letter = get_column_letter(index)
    lists.cell(row=1, column=index, value=column.name)
    for row, value in enumerate(values, start=2):
        lists.cell(row=row, column=index, value=value)
    source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
    validation.error = _("Choose a value from the list.")
    validation.errorTitle = str(column.label)
    validation.showErrorMessage = True
    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    data.add_data_validation(validation)


def _readme(sheet: Any, spec: ImportSpec) -> None:
    sheet.append([str(spec.label)])
    sheet["A1"].font = Font(bold=True, size=14)
    if spec.description:
        sheet.append([str(spec.description)])
    sheet.append(
        [_("Fill in the sheet %(sheet)s, one row per record; keep the header row as it is.") % {"sheet": DATA_SHEET}]
    )
    sheet.append([_("Dates as YYYY-MM-DD. Leave a cell empty when the value is not known.")])
    sheet.append([])
    sheet.append([_("Column"), _("Label"), _("Required"), _("Help")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        sheet.append([column.name, str(column.label), _("yes") if column.required else "", str(column.help)])


def template_xlsx(spec: ImportSpec, actor: Any, context: Mapping[str, Any]) -> bytes:
    """The spec's XLSX template; drop-down lists hold only the values this actor may use (e.g. their P-codes)."""
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    _readme(workbook.create_sheet(README_SHEET), spec)
    for index, column in enumerate(spec.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.comment = Comment(_note(column), "Panah", width=300, height=150)
        data.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
        values = _values(column, actor, context)
        if values and column.kind in ("choice", "pcode", "boolean"):
            _add_list(data, lists, index, column, values)
    data.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(spec: ImportSpec) -> bytes:
    """The spec's CSV template: the header row, UTF-8 with a BOM so that Excel reads Urdu names correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spec.column_names)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

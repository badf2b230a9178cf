"""The validation pass of a batch: stream the file's rows through the spec's validator, reporting progress.

No writes here except progress: the caller decides, from the outcome and the batch's policy, what is stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from panah.intake.parsing import DATA_SHEET, XLSX_MAGIC, read_table
from panah.intake.registry import CleanRow, ImportSpec, RowError

PROGRESS_EVERY = 5000
# Validation takes this share of the progress bar; the write, in one transaction, takes the rest at once.
VALIDATION_SHARE = 90


@dataclass
class Outcome:
    total: int = 0
    valid: list[tuple[int, CleanRow]] = field(default_factory=list)
    held: list[tuple[int, dict[str, str], list[RowError]]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def estimate_rows(filename: str, content: bytes) -> int:
    """Data rows in the file, cheaply and approximately (for the progress bar only)."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        try:
            sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
            return max(int(sheet.max_row or 1) - 1, 1)
        finally:
            workbook.close()
    return max(content.count(b"\n") - 1, 1)


def validate(
    spec: ImportSpec,
    validator: Any,
    filename: str,
    content: bytes,
    *,
    target: Any = None,
    on_progress: Callable[[int], None] = lambda percent: None,
) -> Outcome:
    """Every row validated once; duplicates of an earlier row of the file are held with a pointer to it."""
    table = read_table(filename, content, spec.column_names, spec.required_columns)
    outcome = Outcome(unknown_columns=table.unknown)
    expected = estimate_rows(filename, content)
    seen: dict[Hashable, int] = {}
    key = validator.key
    for number, raw in table.rows:
        outcome.total += 1
        cleaned, errors = validator(raw)
        if cleaned is not None:
            identity = key(cleaned)
            first = seen.get(identity) if identity is not None else None
            if first is not None:
                errors = [RowError("row", _("Duplicate of row %(row)s.") % {"row": first})]
            elif identity is not None:
                seen[identity] = number
        if errors:
            outcome.held.append((number, dict(raw), errors))
        else:
            outcome.valid.append((number, cleaned))
        if outcome.total % PROGRESS_EVERY == 0:
            on_progress(min(VALIDATION_SHARE, VALIDATION_SHARE * outcome.total // expected))
    if spec.cross_check is not None and outcome.valid:
        _apply_cross_check(outcome, spec.cross_check(target, outcome.valid))
    return outcome


def _apply_cross_check(outcome: Outcome, problems: Mapping[int, list[RowError]]) -> None:
    if not problems:
        return
    kept = []
    for number, cleaned in outcome.valid:
        if number in problems:
            outcome.held.append((number, {k: _as_text(v) for k, v in cleaned.items()}, problems[number]))
        else:
            kept.append((number, cleaned))
    outcome.valid = kept
    outcome.held.sort(key=lambda held: held[0])


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)

"""Turning cell text into values, with the message a spreadsheet user can act on. Fast: called per cell.

Each helper appends to `errors` and returns None on failure, so a validator reports every problem of a row at once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from panah.intake.registry import RowError

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "ہاں"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "نہیں"})


def integer(
    value: str, column: str, errors: list[RowError], *, required: bool = False, minimum: int | None = 0
) -> int | None:
    if value == "":
        if required:
            errors.append(RowError(column, _("Required.")))
        return None
    try:
        number = int(value)
    except ValueError:
        try:
            as_float = float(value)
        except ValueError:
            as_float = 0.5
        if not as_float.is_integer():
            errors.append(RowError(column, _("Not a whole number: %(value)s.") % {"value": value}))
            return None
        number = int(as_float)
    if minimum is not None and number < minimum:
        if minimum == 0:
            errors.append(RowError(column, _("Must be zero or more, not %(value)s.") % {"value": number}))
        else:
            errors.append(RowError(column, _("Must be at least %(min)s.") % {"min": minimum}))
        return None
    return number


def decimal(
    value: str, column: str, errors: list[RowError], *, minimum: Decimal, maximum: Decimal, places: int = 2
) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        errors.append(RowError(column, _("Not a number: %(value)s.") % {"value": value}))
        return None
    if not number.is_finite() or not minimum <= number <= maximum:
        errors.append(RowError(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}))
        return None
    return round(number, places)


def iso_date(value: str, column: str, errors: list[RowError], *, required: bool = False) -> date | None:
    if value == "":
        if required:
            errors.append(RowError(column, _("Required.")))
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        errors.append(RowError(column, _("Not a date in the form YYYY-MM-DD: %(value)s.") % {"value": value}))
        return None


def choice(
    value: str, column: str, errors: list[RowError], choices: frozenset[str], *, required: bool = False
) -> str | None:
    if value == "":
        if required:
            errors.append(RowError(column, _("Required.")))
        return None
    code = value.strip().lower()
    if code in choices:
        return code
    allowed = ", ".join(sorted(choices))
    errors.append(RowError(column, _("%(value)s is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}))
    return None


def code_list(value: str, column: str, errors: list[RowError], choices: frozenset[str]) -> list[str]:
    """A list written as "food; water, shelter", order kept, repeats dropped."""
    codes: list[str] = []
    for part in value.replace(",", ";").split(";"):
        code = part.strip().lower()
        if not code or code in codes:
            continue
        if code not in choices:
            errors.append(RowError(column, _("%(value)s is not a known code.") % {"value": part.strip()}))
            continue
        codes.append(code)
    return codes


def boolean(value: str, column: str, errors: list[RowError]) -> bool | None:
    if value == "":
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(RowError(column, _("Write yes or no, not %(value)s.") % {"value": value}))
    return None

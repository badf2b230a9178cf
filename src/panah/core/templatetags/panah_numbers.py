"""`{{ value|grouped }}`: a whole number with its thousands grouped by commas, in English and in Urdu alike.

Django's intcomma follows the active locale, and Django's Urdu format sets no thousand separator, so 13500 stays
13500 on an Urdu page. Figures are read side by side by both audiences (and copied into reports): the same digits
and grouping in both languages keep them comparable.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def grouped(value: Any) -> str:
    """1234567 -> "1,234,567"; -4500 -> "-4,500"; None or "" -> ""; anything not a number is returned as text."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,}"

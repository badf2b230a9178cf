"""Data classification. Every concrete field of every Panah model is classified (a test enforces it).

A model declares `data_classification = {"field": Sensitivity.PERSONAL, ...}`; fields it leaves out are taken as
INTERNAL only when listed in `INTERNAL_BY_DEFAULT` (ids and timestamps), otherwise the test fails.
"""

from __future__ import annotations

from enum import IntEnum


class Sensitivity(IntEnum):
    PUBLIC = 0  # may be published (P-codes, place names, published figures)
    INTERNAL = 1  # mission staff and partners with a role (operational data without people in it)
    PERSONAL = 2  # identifies a person (names, phone numbers): masked for roles without need
    SENSITIVE = 3  # harm if disclosed (protection details, SEA reports, secrets): encrypted, every read audited


INTERNAL_BY_DEFAULT = frozenset({"id", "created_at", "updated_at"})
MASK = "•••"


def classification_of(model: type, field_name: str) -> Sensitivity | None:
    declared: dict[str, Sensitivity] = getattr(model, "data_classification", {})
    if field_name in declared:
        return declared[field_name]
    if field_name in INTERNAL_BY_DEFAULT:
        return Sensitivity.INTERNAL
    return None


def is_masked_in_audit(model: type, field_name: str) -> bool:
    level = classification_of(model, field_name)
    return level is None or level >= Sensitivity.PERSONAL

"""Site service indicators scored against thresholds.

The defaults are data (data/sphere_thresholds.csv: indicator, comparator, value, unit, phase, source), taken from the
Sphere Handbook for the acute phase; an operation overrides a value with an IndicatorThreshold row (for example the
medium-term 20 people per latrine once the WASH cluster adopts it). Each indicator of a site assessment is then met,
not met, no service (nothing there at all: no functioning water point or latrine, or no water) or no data.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.dtm.choices import IndicatorStatus
from panah.dtm.models import IndicatorThreshold, SiteAssessment

DEFAULTS_FILE = Path(__file__).parent / "data" / "sphere_thresholds.csv"


class Comparator:
    MIN = "min"  # the value must be at least the threshold
    MAX = "max"  # the value must be at most the threshold
    YES = "yes"  # the service must be there
    ZERO = "zero"  # a count that should be zero (at most the threshold, 0 unless an operation says otherwise)

    ALL = (MIN, MAX, YES, ZERO)


LABELS: dict[str, Promise] = {
    "water_litres_per_person_day": _("Water (litres per person per day)"),
    "people_per_water_point": _("People per functioning water point"),
    "people_per_latrine": _("People per functioning latrine"),
    "latrines_sex_segregated": _("Latrines separated by sex"),
    "distance_to_water_m": _("Distance to water (m)"),
    "covered_space_m2_per_person": _("Covered living space (m² per person)"),
    "health_facility_access": _("Access to a health facility"),
    "waste_management": _("Waste management"),
    "lighting": _("Lighting"),
    "security_incidents": _("Security incidents (last 30 days)"),
}


@dataclass(frozen=True)
class Threshold:
    indicator: str
    comparator: str
    value: Decimal | None  # None for yes/no indicators
    unit: str
    source: str

    @property
    def label(self) -> Promise:
        return LABELS[self.indicator]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: str
    label: Promise
    value: float | int | bool | None
    threshold: Threshold
    status: IndicatorStatus


@cache
def _load_defaults() -> dict[str, Threshold]:
    with DEFAULTS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    defaults = {}
    for row in rows:
        if row["indicator"] not in LABELS or row["comparator"] not in Comparator.ALL:
            raise ValueError(f"{DEFAULTS_FILE.name}: unknown indicator or comparator in {row}")
        value = Decimal(row["value"]) if row["value"] else None
        defaults[row["indicator"]] = Threshold(row["indicator"], row["comparator"], value, row["unit"], row["source"])
    if set(defaults) != set(LABELS):
        raise ValueError(f"{DEFAULTS_FILE.name} must define exactly: {sorted(LABELS)}")
    return defaults


def default_thresholds() -> dict[str, Threshold]:
    """The Sphere defaults, one per indicator, in the order they are reported."""
    return dict(_load_defaults())


def thresholds_for(operation_id: int | None) -> dict[str, Threshold]:
    """The defaults with the operation's own values (IndicatorThreshold rows) in their place."""
    thresholds = default_thresholds()
    if operation_id is None:
        return thresholds
    for row in IndicatorThreshold.objects.filter(operation_id=operation_id):
        default = thresholds.get(row.indicator)
        if default is not None and default.comparator != Comparator.YES:
            thresholds[row.indicator] = replace(default, value=row.value, source=row.source)
    return thresholds


def _ratio(people: int, units: int | None) -> float | None:
    if units is None:
        return None
    return 0.0 if units == 0 else round(people / units, 1)


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else int(value)


# How each indicator is read from an assessment, and when its reading means there is no service at all.
_READERS: dict[str, tuple[Callable[[SiteAssessment], Any], Callable[[SiteAssessment], bool]]] = {
    "water_litres_per_person_day": (
        lambda a: _number(a.water_litres_per_person_day),
        lambda a: a.water_litres_per_person_day == 0,
    ),
    "people_per_water_point": (
        lambda a: _ratio(a.individuals, a.functioning_water_points),
        lambda a: a.functioning_water_points == 0,
    ),
    "people_per_latrine": (
        lambda a: _ratio(a.individuals, a.functioning_latrines),
        lambda a: a.functioning_latrines == 0,
    ),
    "latrines_sex_segregated": (lambda a: a.latrines_sex_segregated, lambda a: a.functioning_latrines == 0),
    "distance_to_water_m": (lambda a: a.distance_to_water_m, lambda a: a.functioning_water_points == 0),
    "covered_space_m2_per_person": (lambda a: _number(a.covered_space_m2_per_person), lambda a: False),
    "health_facility_access": (lambda a: a.health_facility_access, lambda a: False),
    "waste_management": (lambda a: a.waste_management, lambda a: False),
    "lighting": (lambda a: a.lighting, lambda a: False),
    "security_incidents": (lambda a: a.security_incidents, lambda a: False),
}


def _meets(value: Any, threshold: Threshold) -> bool:
    if threshold.comparator == Comparator.YES:
        return value is True
    limit = threshold.value if threshold.value is not None else Decimal(0)
    number = Decimal(str(value))
    if threshold.comparator == Comparator.MIN:
        return number >= limit
    return number <= limit  # max, and zero (at most 0 unless overridden)


def score_indicator(assessment: SiteAssessment, threshold: Threshold) -> IndicatorResult:
    """One indicator of one assessment: no service, no data, met or not met (in that order of precedence)."""
    read, no_service = _READERS[threshold.indicator]
    value = read(assessment)
    if no_service(assessment):
        status = IndicatorStatus.NO_SERVICE
    elif value is None:
        status = IndicatorStatus.NO_DATA
    else:
        status = IndicatorStatus.MET if _meets(value, threshold) else IndicatorStatus.NOT_MET
    return IndicatorResult(threshold.indicator, threshold.label, value, threshold, status)


def score_site(assessment: SiteAssessment, thresholds: Mapping[str, Threshold] | None = None) -> list[IndicatorResult]:
    """Every indicator of a site assessment scored against `thresholds` (the Sphere defaults when not given)."""
    chosen = default_thresholds() if thresholds is None else {**default_thresholds(), **thresholds}
    return [score_indicator(assessment, chosen[name]) for name in LABELS]

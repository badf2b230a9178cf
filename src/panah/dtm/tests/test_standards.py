from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from panah.accounts.models import Operation
from panah.dtm.choices import IndicatorStatus
from panah.dtm.models import IndicatorThreshold, SiteAssessment
from panah.dtm.standards import LABELS, default_thresholds, score_site, thresholds_for

MET, NOT_MET, NO_SERVICE, NO_DATA = (
    IndicatorStatus.MET,
    IndicatorStatus.NOT_MET,
    IndicatorStatus.NO_SERVICE,
    IndicatorStatus.NO_DATA,
)


def _assessment(**values):
    fields = {
        "households": 200,
        "individuals": 1000,
        "water_litres_per_person_day": Decimal("15.0"),
        "functioning_water_points": 4,
        "functioning_latrines": 20,
        "latrines_sex_segregated": True,
        "distance_to_water_m": 500,
        "covered_space_m2_per_person": Decimal("3.50"),
        "health_facility_access": True,
        "waste_management": True,
        "lighting": True,
        "security_incidents": 0,
    }
    fields.update(values)
    return SiteAssessment(assessed_on=date(2022, 9, 20), **fields)


def _statuses(results):
    return {r.indicator: r.status for r in results}


def test_defaults_are_the_sphere_values_kept_as_data():
    defaults = default_thresholds()

    assert list(defaults) == list(LABELS)
    assert {k: (t.comparator, t.value) for k, t in defaults.items()} == {
        "water_litres_per_person_day": ("min", Decimal(15)),
        "people_per_water_point": ("max", Decimal(250)),
        "people_per_latrine": ("max", Decimal(50)),
        "latrines_sex_segregated": ("yes", None),
        "distance_to_water_m": ("max", Decimal(500)),
        "covered_space_m2_per_person": ("min", Decimal("3.5")),
        "health_facility_access": ("yes", None),
        "waste_management": ("yes", None),
        "lighting": ("yes", None),
        "security_incidents": ("zero", Decimal(0)),
    }
    assert defaults["people_per_latrine"].source.startswith("Sphere Handbook 2018")


def test_a_site_exactly_at_every_threshold_meets_them_all():
    results = score_site(_assessment())

    assert set(_statuses(results).values()) == {MET}
    assert [(r.indicator, r.value) for r in results][:3] == [
        ("water_litres_per_person_day", 15.0),
        ("people_per_water_point", 250.0),
        ("people_per_latrine", 50.0),
    ]


def test_values_beyond_thresholds_are_not_met():
    assessment = _assessment(
        water_litres_per_person_day=Decimal("14.9"),
        functioning_water_points=3,  # 333.3 people per point
        functioning_latrines=19,  # 52.6 people per latrine
        latrines_sex_segregated=False,
        distance_to_water_m=501,
        covered_space_m2_per_person=Decimal("3.49"),
        health_facility_access=False,
        waste_management=False,
        lighting=False,
        security_incidents=1,
    )

    results = score_site(assessment)

    assert set(_statuses(results).values()) == {NOT_MET}
    assert {r.indicator: r.value for r in results}["people_per_water_point"] == 333.3
    assert {r.indicator: r.value for r in results}["people_per_latrine"] == 52.6


def test_no_water_point_or_latrine_is_no_service_and_unmeasured_is_no_data():
    assessment = _assessment(
        functioning_water_points=0,
        functioning_latrines=0,
        water_litres_per_person_day=None,
        covered_space_m2_per_person=None,
        lighting=None,
    )

    statuses = _statuses(score_site(assessment))

    assert statuses == {
        "water_litres_per_person_day": NO_DATA,
        "people_per_water_point": NO_SERVICE,
        "people_per_latrine": NO_SERVICE,
        "latrines_sex_segregated": NO_SERVICE,
        "distance_to_water_m": NO_SERVICE,
        "covered_space_m2_per_person": NO_DATA,
        "health_facility_access": MET,
        "waste_management": MET,
        "lighting": NO_DATA,
        "security_incidents": MET,
    }


def test_no_water_at_all_is_no_service():
    statuses = _statuses(score_site(_assessment(water_litres_per_person_day=Decimal(0))))

    assert statuses["water_litres_per_person_day"] == NO_SERVICE


@pytest.mark.django_db
def test_an_operation_threshold_overrides_the_default_in_scoring():
    operation = Operation.objects.create(code="floods", name="Floods", started_on=date(2022, 8, 25))
    IndicatorThreshold.objects.create(
        operation=operation, indicator="people_per_latrine", value=Decimal(20), source="WASH cluster, medium term"
    )
    assessment = _assessment(functioning_latrines=40)  # 25 people per latrine

    default_status = _statuses(score_site(assessment, thresholds_for(None)))["people_per_latrine"]
    results = {r.indicator: r for r in score_site(assessment, thresholds_for(operation.pk))}

    assert default_status == MET
    assert results["people_per_latrine"].status == NOT_MET
    assert results["people_per_latrine"].threshold.value == Decimal(20)
    assert results["people_per_latrine"].threshold.source == "WASH cluster, medium term"
    assert results["water_litres_per_person_day"].threshold.value == Decimal(15)

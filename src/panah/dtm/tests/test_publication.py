from __future__ import annotations

from datetime import date

import pytest

from panah.accounts.models import Operation
from panah.dtm.models import FlowCount, LocationAssessment, Round
from panah.dtm.publication import (
    in_scope,
    public_admin_rows,
    public_flow_rows,
    published_rounds,
    suppress,
    viewer_scope,
)
from panah.geo.models import AdminArea, BorderCrossing

pytestmark = pytest.mark.django_db


def make_operation(name="2022 Floods Response", code="floods", ended_on=None):
    return Operation.objects.create(code=code, name=name, started_on=date(2022, 8, 25), ended_on=ended_on)


def make_round(operation, number, status="published", *, version=1, supersedes=None, kind="mobility"):
    return Round.objects.create(
        operation=operation,
        kind=kind,
        number=number,
        version=version,
        supersedes=supersedes,
        period_start=date(2022, 10, number),
        period_end=date(2022, 10, number + 14),
        status=status,
    )


def make_row(rnd, pcode, individuals, *, group="idp", reason="flood", origin=None, males=None, females=None, hh=None):
    return LocationAssessment.objects.create(
        round=rnd,
        level="BA",
        admin_area=AdminArea.objects.get(pcode=pcode),
        population_group=group,
        displacement_reason=reason,
        origin_area=AdminArea.objects.get(pcode=origin) if origin else None,
        households=individuals // 5 if hh is None else hh,
        individuals=individuals,
        males=males,
        females=females,
    )


def make_flow(rnd, crossing, day, documentation, men, *, direction="out", return_type="spontaneous", women=0):
    return FlowCount.objects.create(
        round=rnd,
        crossing=BorderCrossing.objects.get(code=crossing),
        date=day,
        direction=direction,
        documentation_status=documentation,
        return_type=return_type,
        men=men,
        women=women,
    )


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [(0, 5, 0), (1, 5, None), (4, 5, None), (5, 5, 5), (1200, 5, 1200), (None, 5, None), (9, 10, None), (1, 1, 1)],
)
def test_suppress_hides_small_counts_and_keeps_zero(value, threshold, expected):
    assert suppress(value, threshold) == expected


def test_small_district_is_suppressed_with_its_complement_so_the_province_total_does_not_reveal_it():
    rnd = make_round(make_operation(), 1)
    make_row(rnd, "PK703", 1000, males=600, females=400)  # Dadu
    make_row(rnd, "PK711", 3, hh=1)  # Khairpur: small
    make_row(rnd, "PK720", 40, hh=8)  # Shikarpur: the smallest other district of Sindh
    make_row(rnd, "PK207", 200, males=100, females=100)  # Jaffarabad, Balochistan

    districts = {r.pcode: (r.counts, r.suppressed) for r in public_admin_rows(level=2)}
    provinces = {r.pcode: r.counts["individuals"] for r in public_admin_rows(level=1)}

    assert districts["PK711"][0]["individuals"] is None
    assert districts["PK711"][0]["households"] is None
    assert districts["PK720"][0]["individuals"] is None  # complementary: 1043 - 1000 would give 43 otherwise
    assert districts["PK720"][1] == {"households", "individuals"}  # Khairpur has 1 household
    assert districts["PK703"][0] == {
        "households": 200,
        "individuals": 1000,
        "males": 600,
        "females": 400,
        "children": None,
        "adults": None,
        "elderly": None,
    }
    assert districts["PK207"][0]["individuals"] == 200
    assert provinces == {"PK2": 200, "PK7": 1043}


def test_one_small_sex_count_hides_the_other_and_zero_is_kept():
    rnd = make_round(make_operation(), 1)
    make_row(rnd, "PK703", 100, males=97, females=3)
    make_row(rnd, "PK711", 0, hh=0, males=0, females=0)

    rows = {r.pcode: r for r in public_admin_rows(level=2)}

    assert (rows["PK703"].counts["males"], rows["PK703"].counts["females"]) == (None, None)
    assert rows["PK703"].counts["individuals"] == 100
    assert rows["PK703"].note == "females;males"
    assert rows["PK711"].counts["individuals"] == 0
    assert rows["PK711"].note == ""


def test_a_lone_small_split_takes_its_smallest_sibling_split_with_it():
    rnd = make_round(make_operation(), 1)
    make_row(rnd, "PK703", 90, origin="PK7")
    make_row(rnd, "PK703", 3, origin="PK6", hh=1)
    make_row(rnd, "PK703", 30, reason="conflict", origin="PK5")

    rows = public_admin_rows(level=2, by=("displacement_reason", "origin_admin1"), population_group="idp")

    assert [(r.key["displacement_reason"], r.key["origin_admin1"], r.counts["individuals"]) for r in rows] == [
        ("conflict", "PK5", None),
        ("flood", "PK6", None),
        ("flood", "PK7", 90),
    ]


def test_only_the_published_current_version_of_a_round_is_public():
    op = make_operation()
    first = make_round(op, 1, status="superseded")
    correction = make_round(op, 1, version=2, supersedes=first)
    draft = make_round(op, 2, status="draft")
    submitted = make_round(op, 3, status="submitted")
    for rnd, value in [(first, 111), (correction, 222), (draft, 333), (submitted, 444)]:
        make_row(rnd, "PK703", value)

    rows = public_admin_rows(level=0, rounds=[first, correction, draft, submitted])

    assert list(published_rounds()) == [correction]
    assert [(r.round.pk, r.counts["individuals"]) for r in rows] == [(correction.pk, 222)]


def test_a_correction_hides_the_version_it_replaces_even_before_the_status_is_updated():
    op = make_operation()
    first = make_round(op, 1)
    make_round(op, 1, version=2, supersedes=first)

    assert [(r.number, r.version) for r in published_rounds()] == [(1, 2)]


def test_scope_narrows_rows_after_suppression():
    rnd = make_round(make_operation(), 1)
    make_row(rnd, "PK703", 1000)
    make_row(rnd, "PK711", 3)
    make_row(rnd, "PK207", 200)

    rows = public_admin_rows(level=2, scope=[("PK/PK7/PK703/", None)])

    # Dadu is hidden because Khairpur is, whether or not the reader can see Khairpur.
    assert [(r.pcode, r.counts["individuals"]) for r in rows] == [("PK703", None)]


def test_viewer_scope_is_the_areas_of_dtm_viewing_roles(make_user):
    partner = make_user("partner-viewer", "PK7")
    outsider = make_user([])

    assert viewer_scope(partner) == [("PK/PK7/", None)]
    assert viewer_scope(outsider) == []
    assert in_scope("PK/PK7/PK703/", 1, [("PK/PK7/", None)]) is True
    assert in_scope("PK/PK2/PK207/", 1, [("PK/PK7/", None)]) is False
    assert in_scope("PK/PK7/", 1, [("PK/", 2)]) is False


def test_flow_totals_per_crossing_day_direction_and_status_are_suppressed():
    op = make_operation("Afghan Returns Flow Monitoring", "returns")
    rnd = make_round(op, 1, kind="flow")
    draft = make_round(op, 2, kind="flow", status="draft")
    day = date(2023, 11, 1)
    make_flow(rnd, "torkham", day, "undocumented", 700, women=300)
    make_flow(rnd, "torkham", day, "undocumented", 40, return_type="deported")
    make_flow(rnd, "torkham", day, "por", 3)
    make_flow(rnd, "torkham", day, "acc", 0)
    make_flow(rnd, "chaman", day, "undocumented", 12)
    make_flow(draft, "torkham", day, "undocumented", 999)

    rows = [(r.pcode, r.key["documentation_status"], r.counts["individuals"]) for r in public_flow_rows()]

    assert rows == [
        ("chaman", "undocumented", 12),
        ("torkham", "acc", 0),
        ("torkham", "por", None),
        ("torkham", "undocumented", None),  # the day's total at Torkham would give the PoR count away
    ]


def test_threshold_comes_from_the_deployment_setting(settings):
    from panah.dtm.publication import suppress

    settings.PANAH_PUBLIC_MIN_COUNT = 10

    assert [suppress(v) for v in (0, 7, 10)] == [0, None, 10]

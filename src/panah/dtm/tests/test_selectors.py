from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from panah.accounts.models import Operation
from panah.core.errors import ApplicationError
from panah.dtm import selectors
from panah.dtm.figures import MixedFiguresError, Movements, Stock
from panah.dtm.models import FlowCount, IndicatorThreshold, LocationAssessment, Round, SiteAssessment
from panah.geo.models import BorderCrossing, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation():
    return Operation.objects.create(code="floods", name="2022 Floods Response", started_on=date(2022, 8, 25))


def _round(operation, number, status="published", kind="mobility"):
    return Round.objects.create(
        operation=operation,
        kind=kind,
        number=number,
        period_start=date(2022, 9, 1),
        period_end=date(2022, 9, 30) if number == 1 else date(2022, 10, 31),
        status=status,
    )


def _row(rnd, area, individuals, name="UC 1"):
    return LocationAssessment.objects.create(
        round=rnd,
        level="LA",
        admin_area=area,
        location_name=name,
        population_group="idp",
        displacement_reason="flood",
        households=individuals // 5,
        individuals=individuals,
    )


@pytest.fixture
def floods(operation, area):
    """Round 1 and 2 published, round 3 a draft; Dadu (Sindh) and Jaffarabad and Nasirabad (Balochistan)."""
    first, second, draft = _round(operation, 1), _round(operation, 2), _round(operation, 3, status="draft")
    for rnd, scale in ((first, 1), (second, 2), (draft, 3)):
        _row(rnd, area("PK70301"), 3000 // scale)
        _row(rnd, area("PK20701"), 1000 // scale)
        _row(rnd, area("PK22201"), 600 // scale)
    return first, second, draft


def test_partners_see_published_rounds_only_and_staff_see_all(floods, make_user):
    partner, im = make_user("partner-viewer", "PK2"), make_user("im")

    assert [r.number for r in selectors.round_list(actor=partner)] == [2, 1]
    assert [r.number for r in selectors.round_list(actor=im)] == [3, 2, 1]
    assert [r.number for r in selectors.round_list(actor=im, status="draft")] == [3]
    with pytest.raises(ApplicationError) as hidden:
        selectors.round_get(actor=partner, round_id=floods[2].pk)
    assert hidden.value.status == 404
    assert selectors.round_get(actor=partner, round_id=floods[0].pk) == floods[0]


def test_round_list_names_a_bad_filter(floods, make_user):
    with pytest.raises(ApplicationError) as refused:
        selectors.round_list(actor=make_user("im"), status="archived")

    assert (refused.value.status, [e.field for e in refused.value.errors]) == (422, ["status"])


def test_partner_in_balochistan_gets_balochistan_districts_only(floods, make_user):
    partner, im = make_user("partner-viewer", "PK2"), make_user("im")
    first = floods[0]

    districts = [(f.pcode, f.individuals.value) for f in selectors.area_figures(actor=partner, round=first, level=2)]
    provinces = [f.pcode for f in selectors.area_figures(actor=partner, round=first, level=1)]
    country = selectors.area_figures(actor=partner, round=first, level=0)
    national = [(f.pcode, f.individuals.value) for f in selectors.area_figures(actor=im, round=first, level=0)]

    assert districts == [("PK207", 1000), ("PK222", 600)]
    assert (provinces, country) == (["PK2"], [])
    assert national == [("PK", 4600)]


def test_partner_gets_no_figures_of_a_draft_round(floods, make_user):
    with pytest.raises(ApplicationError) as hidden:
        selectors.area_figures(actor=make_user("partner-viewer", "PK2"), round=floods[2], level=2)

    assert hidden.value.status == 404


def test_province_trends_give_one_stock_per_round_never_a_sum(floods, make_user):
    trends = selectors.province_trends(actor=make_user("partner-viewer", "PK2"), operation="floods")

    assert [(p.round_number, p.period_end, p.pcode, p.name, p.individuals.value) for p in trends] == [
        (1, date(2022, 9, 30), "PK2", "Balochistan", 1600),
        (2, date(2022, 10, 31), "PK2", "Balochistan", 800),
    ]
    with pytest.raises(MixedFiguresError):
        sum(p.individuals for p in trends)


def test_operations_with_rounds_lists_those_the_actor_sees(floods, make_user):
    empty = Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 11, 1))
    _round(empty, 1, status="draft", kind="flow")

    assert [o.code for o in selectors.operations_with_rounds(actor=make_user("partner-viewer", "PK2"))] == ["floods"]
    assert [o.code for o in selectors.operations_with_rounds(actor=make_user("im"))] == ["returns", "floods"]


@pytest.fixture
def flows():
    operation = Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 11, 1))
    rnd = Round.objects.create(
        operation=operation,
        kind="flow",
        number=1,
        period_start=date(2023, 11, 1),
        period_end=date(2023, 11, 14),
        status="published",
    )
    torkham, chaman = BorderCrossing.objects.get(code="torkham"), BorderCrossing.objects.get(code="chaman")
    for crossing, day, documents, return_type, men, boys in [
        (torkham, date(2023, 11, 1), "undocumented", "deported", 3000, 1000),
        (torkham, date(2023, 11, 1), "por", "spontaneous", 2000, 2000),
        (torkham, date(2023, 11, 2), "undocumented", "spontaneous", 1500, 500),
        (chaman, date(2023, 11, 1), "acc", "spontaneous", 800, 200),
        (chaman, date(2023, 11, 1), "undocumented", "deported", 500, 0),
    ]:
        FlowCount.objects.create(
            round=rnd,
            crossing=crossing,
            date=day,
            direction="out",
            documentation_status=documents,
            return_type=return_type,
            men=men,
            boys=boys,
        )
    return rnd


def test_flow_totals_per_crossing_with_the_deported_share(flows, make_user):
    totals = selectors.flow_totals(actor=make_user("im"), round=flows)

    assert [(t.crossing_code, t.direction, t.movements, t.deported, t.deported_share) for t in totals] == [
        (
            "chaman",
            "out",
            Movements(date(2023, 11, 1), date(2023, 11, 1), 1500),
            Movements(date(2023, 11, 1), date(2023, 11, 1), 500),
            0.3333,
        ),
        (
            "torkham",
            "out",
            Movements(date(2023, 11, 1), date(2023, 11, 2), 10000),
            Movements(date(2023, 11, 1), date(2023, 11, 1), 4000),
            0.4,
        ),
    ]


def test_flow_totals_keep_crossings_outside_the_partners_areas_out(flows, make_user):
    totals = selectors.flow_totals(actor=make_user("partner-viewer", "PK2"), round=flows)

    assert [(t.crossing_code, t.movements.value) for t in totals] == [("chaman", 1500)]


def test_flow_daily_splits_by_documentation_and_by_return_type(flows, make_user):
    daily = selectors.flow_daily(actor=make_user("im"), round=flows, crossing_code="torkham")

    assert [(d.date.day, d.crossing_code, d.category, d.movements.value) for d in daily.by_documentation] == [
        (1, "torkham", "por", 4000),
        (1, "torkham", "undocumented", 4000),
        (2, "torkham", "undocumented", 2000),
    ]
    assert [(d.date.day, d.category, d.movements.value) for d in daily.by_return_type] == [
        (1, "deported", 4000),
        (1, "spontaneous", 4000),
        (2, "spontaneous", 2000),
    ]


def test_flow_daily_names_an_unknown_crossing(flows, make_user):
    with pytest.raises(ApplicationError) as refused:
        selectors.flow_daily(actor=make_user("im"), round=flows, crossing_code="wagah-typo")

    assert [e.field for e in refused.value.errors] == ["crossing_code"]


def test_site_gaps_score_each_visible_site_against_the_operation_thresholds(floods, area, make_user):
    first = floods[0]
    camp = Site.objects.create(name="Dadu Tent City", kind="camp", admin_area=area("PK703"))
    school = Site.objects.create(name="Jaffarabad School", kind="collective_centre", admin_area=area("PK207"))
    for site, latrines in ((camp, 40), (school, 0)):
        SiteAssessment.objects.create(
            round=first,
            site=site,
            assessed_on=date(2022, 9, 20),
            households=200,
            individuals=1000,
            functioning_latrines=latrines,
            water_litres_per_person_day=Decimal("12.0"),
            lighting=True,
        )
    IndicatorThreshold.objects.create(operation=first.operation, indicator="people_per_latrine", value=20, source="x")

    staff = selectors.site_gaps(actor=make_user("im"), round=first)
    partner = selectors.site_gaps(actor=make_user("partner-viewer", "PK2"), round=first)

    assert [(g.site_name, g.pcode, g.individuals, g.not_met, g.no_service) for g in staff] == [
        ("Dadu Tent City", "PK703", 1000, 2, 0),  # 25 people a latrine against 20; 12 litres against 15
        ("Jaffarabad School", "PK207", 1000, 1, 2),  # no latrine: no service, nor sex-segregated ones
    ]
    assert [g.site_name for g in partner] == ["Jaffarabad School"]
    assert {r.indicator: r.status for r in staff[0].results}["lighting"] == "met"


def test_stocks_from_figures_refuse_to_add_across_rounds(floods, make_user):
    im = make_user("im")
    first, second = floods[0], floods[1]

    a = selectors.area_figures(actor=im, round=first, level=0)[0].individuals
    b = selectors.area_figures(actor=im, round=second, level=0)[0].individuals

    assert (a, b.change_since(a)) == (Stock(first.pk, 4600), -2300)
    with pytest.raises(MixedFiguresError):
        a + b

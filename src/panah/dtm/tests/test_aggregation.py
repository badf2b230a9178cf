from __future__ import annotations

from datetime import date

import pytest

from panah.accounts.models import Operation
from panah.dtm.aggregation import admin_figures
from panah.dtm.figures import MixedFiguresError, Movements, Stock
from panah.dtm.models import LocationAssessment, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation():
    return Operation.objects.create(code="floods", name="2022 Floods Response", started_on=date(2022, 8, 25))


def _round(operation, number, status="published"):
    return Round.objects.create(
        operation=operation,
        number=number,
        period_start=date(2022, 9, number),
        period_end=date(2022, 9, number + 1),
        status=status,
    )


def _row(rnd, area, level, individuals, *, name="", group="idp", households=None, males=None, females=None):
    return LocationAssessment.objects.create(
        round=rnd,
        level=level,
        admin_area=area,
        location_name=name,
        population_group=group,
        displacement_reason="flood",
        households=households or individuals // 5,
        individuals=individuals,
        males=males,
        females=females,
    )


def test_district_uses_location_rows_over_its_baseline_and_rolls_up(operation, area):
    rnd = _round(operation, 1)
    _row(rnd, area("PK703"), "BA", 9000)  # Dadu baseline, superseded by its location rows
    _row(rnd, area("PK70301"), "LA", 3000, name="UC 1", males=1500, females=1500)
    _row(rnd, area("PK70302"), "LA", 2000, name="UC 2", males=900, females=1100)
    _row(rnd, area("PK711"), "BA", 4000)  # Khairpur has a baseline only
    _row(rnd, area("PK207"), "BA", 1000)  # Jaffarabad, Balochistan

    districts = {f.pcode: f for f in admin_figures(round=rnd, level=2)}
    provinces = {f.pcode: f.individuals.value for f in admin_figures(round=rnd, level=1)}
    country = admin_figures(round=rnd, level=0)

    assert districts["PK703"].individuals == Stock(rnd.pk, 5000)
    assert (districts["PK703"].counts["males"], districts["PK703"].counts["females"]) == (2400, 2600)
    assert districts["PK711"].counts["males"] is None
    assert provinces == {"PK2": 1000, "PK7": 9000}
    assert [(f.pcode, f.individuals.value) for f in country] == [("PK", 10000)]


def test_change_since_previous_published_round(operation, area):
    first = _round(operation, 1)
    second = _round(operation, 2, status="draft")
    _row(first, area("PK711"), "BA", 4000)
    _row(second, area("PK711"), "BA", 2500)

    figure = admin_figures(round=second, level=2)[0]

    assert figure.previous == Stock(first.pk, 4000)
    assert figure.change == -1500


def test_stocks_of_two_rounds_do_not_add(operation, area):
    first, second = _round(operation, 1), _round(operation, 2)
    _row(first, area("PK711"), "BA", 4000)
    _row(second, area("PK711"), "BA", 2500)

    with pytest.raises(MixedFiguresError):
        LocationAssessment.objects.all().stock()
    with pytest.raises(MixedFiguresError):
        sum([Stock(first.pk, 1), Stock(second.pk, 1)])
    with pytest.raises(MixedFiguresError):
        Stock(first.pk, 1) + Movements(date(2024, 1, 1), date(2024, 1, 1), 5)

    assert LocationAssessment.objects.for_round(second.pk).stock() == Stock(second.pk, 2500)


def test_movements_add_over_days():
    total = sum([Movements(date(2024, 1, 1), date(2024, 1, 1), 10), Movements(date(2024, 1, 3), date(2024, 1, 4), 20)])

    assert (total.first_day, total.last_day, total.value, total.days, total.per_day) == (
        date(2024, 1, 1),
        date(2024, 1, 4),
        30,
        4,
        7.5,
    )


def test_change_is_measured_from_the_latest_earlier_round_only(operation, area):
    first, second, third = _round(operation, 1), _round(operation, 2), _round(operation, 3, status="draft")
    _row(first, area("PK711"), "BA", 4000)
    _row(second, area("PK711"), "BA", 2500)
    _row(third, area("PK711"), "BA", 3000)

    district = admin_figures(round=third, level=2)[0]
    country = admin_figures(round=third, level=0)[0]

    assert (district.previous, district.change) == (Stock(second.pk, 2500), 500)
    assert (country.previous, country.change) == (Stock(second.pk, 2500), 500)


def test_renamed_area_is_read_again_although_the_area_tree_is_kept(operation, area):
    rnd = _round(operation, 1)
    _row(rnd, area("PK711"), "BA", 4000)
    assert admin_figures(round=rnd, level=2)[0].name == "Khairpur"
    khairpur = area("PK711")
    khairpur.name = "Khairpur Mirs"
    khairpur.save(update_fields=["name", "updated_at"])

    figure = admin_figures(round=rnd, level=2)[0]

    assert (figure.pcode, figure.name) == ("PK711", "Khairpur Mirs")


def test_figures_of_several_rounds_read_together_equal_each_round_read_alone(operation, area):
    from panah.dtm.aggregation import figures_by_level, figures_of_rounds

    first, second = _round(operation, 1), _round(operation, 2)
    _row(first, area("PK703"), "BA", 9000)
    _row(first, area("PK70301"), "LA", 3000, name="UC 1")
    _row(second, area("PK711"), "BA", 2500)
    _row(second, area("PK207"), "BA", 700, group="returnee")

    together = figures_of_rounds(rounds=[first, second], level=1)
    alone = {r.pk: figures_by_level(round=r, levels=(1,), with_previous=False)[1] for r in (first, second)}

    assert {k: [(f.pcode, f.counts) for f in v] for k, v in together.items()} == {
        k: [(f.pcode, f.counts) for f in v] for k, v in alone.items()
    }
    assert [(f.pcode, f.individuals.value) for f in together[first.pk]] == [("PK7", 3000)]


def test_figures_of_a_published_round_are_read_once_and_a_draft_every_time(operation, area, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from panah.dtm import aggregation

    settings.PANAH_CACHE_PUBLISHED_FIGURES = True
    aggregation._frozen_rows.clear()
    published, draft = _round(operation, 1), _round(operation, 2, status="draft")
    _row(published, area("PK711"), "BA", 4000)
    _row(draft, area("PK711"), "BA", 2500)

    with CaptureQueriesContext(connection) as first:
        admin_figures(round=published, level=2)
    with CaptureQueriesContext(connection) as again:
        admin_figures(round=published, level=2)
    _row(draft, area("PK707"), "BA", 100)
    changed = admin_figures(round=draft, level=1)

    assert len(again) < len(first)
    assert not any("dtm_locationassessment" in q["sql"] for q in again.captured_queries)
    assert [f.individuals.value for f in changed] == [2600]
    aggregation._frozen_rows.clear()

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

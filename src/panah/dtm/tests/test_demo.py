from __future__ import annotations

from datetime import date

import pytest

from panah.dtm import selectors
from panah.dtm.demo import SITE_COUNT, seed_dtm_demo
from panah.dtm.models import FlowCount, FlowSurvey, LocationAssessment, Round, SiteAssessment
from panah.geo.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    make_user("im", username="demo-im")  # the second person who approves the demo rounds
    return make_user("admin", username="demo-admin")


def _statuses(code, kind):
    rounds = Round.objects.filter(operation__code=code, kind=kind).order_by("number")
    return [(r.number, r.period_start, r.period_end, r.status) for r in rounds]


def test_floods_rounds_go_through_the_two_person_rule(admin):
    seed_dtm_demo(actor=admin)

    assert _statuses("floods-2022", "mobility") == [
        (1, date(2022, 9, 1), date(2022, 9, 30), "published"),
        (2, date(2022, 10, 1), date(2022, 10, 31), "published"),
        (3, date(2022, 12, 1), date(2022, 12, 31), "submitted"),
    ]
    published = Round.objects.filter(status="published")
    assert {(r.submitted_by.username, r.published_by.username) for r in published} == {("demo-admin", "demo-im")}


def test_displacement_declines_and_sites_fall_short_of_some_standards(admin):
    seed_dtm_demo(actor=admin)
    rounds = list(Round.objects.filter(operation__code="floods-2022").order_by("number"))

    idps = [LocationAssessment.objects.for_round(r.pk).filter(population_group="idp").stock().value for r in rounds]
    provinces = {f.pcode for f in selectors.area_figures(actor=admin, round=rounds[0], level=1)}
    gaps = selectors.site_gaps(actor=admin, round=rounds[0])
    with_splits = LocationAssessment.objects.filter(round=rounds[0], males__isnull=False).count()

    assert idps[0] > idps[1] > idps[2] > 0
    assert provinces == {"PK2", "PK7"}
    assert Site.objects.count() == SITE_COUNT
    assert len(gaps) == SITE_COUNT
    assert 0 < sum(g.gaps > 0 for g in gaps) < SITE_COUNT
    assert with_splits / LocationAssessment.objects.filter(round=rounds[0]).count() > 0.8


def test_flows_cover_180_days_at_torkham_and_chaman_with_a_surge_and_many_deportations(admin):
    seed_dtm_demo(actor=admin)
    statuses = _statuses("afghan-returns", "flow")

    days = FlowCount.objects.values("date").distinct().count()
    crossings = set(FlowCount.objects.values_list("crossing__code", flat=True).distinct())
    peak_round = Round.objects.get(operation__code="afghan-returns", number=3)  # 29 Oct to 11 Nov 2023
    daily = selectors.flow_daily(actor=admin, round=peak_round, crossing_code="torkham")
    torkham_days: dict[date, int] = {}
    for row in daily.by_documentation:
        if row.direction == "out":
            torkham_days[row.date] = torkham_days.get(row.date, 0) + row.movements.value
    totals = [t for r in Round.objects.filter(kind="flow") for t in selectors.flow_totals(actor=admin, round=r)]
    out = [t for t in totals if t.direction == "out"]
    deported_share = sum(t.deported.value for t in out) / sum(t.movements.value for t in out)

    assert (len(statuses), statuses[0][1], statuses[-1][2]) == (13, date(2023, 10, 1), date(2024, 3, 28))
    assert [s[3] for s in statuses] == ["published"] * 12 + ["submitted"]
    assert (days, crossings) == (180, {"torkham", "chaman"})
    assert max(torkham_days.values()) > 10_000
    assert 0.3 < deported_share < 0.4
    assert 350 <= FlowSurvey.objects.count() <= 420
    assert 0 < FlowSurvey.objects.filter(is_repeat=True).count() < 60


def test_demo_is_idempotent(admin):
    first = seed_dtm_demo(actor=admin)
    counts = [m.objects.count() for m in (Round, LocationAssessment, SiteAssessment, FlowCount, FlowSurvey, Site)]

    second = seed_dtm_demo(actor=admin)

    assert len(first) > 0
    assert second == []
    assert [m.objects.count() for m in (Round, LocationAssessment, SiteAssessment, FlowCount, FlowSurvey, Site)] == (
        counts
    )

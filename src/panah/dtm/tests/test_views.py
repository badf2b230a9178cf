"""Pages of displacement tracking: dashboard, rounds, lifecycle buttons and actions, scoping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from panah.accounts.models import Operation
from panah.dtm.choices import AssessmentLevel, DisplacementReason, DocumentationStatus, PopulationGroup, RoundStatus
from panah.dtm.models import FlowCount, LocationAssessment, Round, SiteAssessment
from panah.geo.models import AdminArea, BorderCrossing, Site


def _round(operation, number, status=RoundStatus.PUBLISHED, kind="mobility", month=1):
    return Round.objects.create(
        operation=operation, kind=kind, number=number, status=status,
        period_start=date(2023, month, 1), period_end=date(2023, month, 28),
    )  # fmt: skip


def _row(round, pcode, households, individuals):
    return LocationAssessment.objects.create(
        round=round, level=AssessmentLevel.BASELINE, admin_area=AdminArea.objects.get(pcode=pcode),
        population_group=PopulationGroup.IDP, displacement_reason=DisplacementReason.FLOOD,
        households=households, individuals=individuals,
    )  # fmt: skip


@pytest.fixture
def world(db):
    """Floods: round 1 and 2 published, round 3 draft; people in Balochistan (PK2) and Sindh (PK7); one site."""
    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    r1, r2, r3 = _round(op, 1, month=1), _round(op, 2, month=2), _round(op, 3, RoundStatus.DRAFT, month=3)
    for rnd, factor in ((r1, 1), (r2, 2), (r3, 3)):
        _row(rnd, "PK201", 100 * factor, 700 * factor)
        _row(rnd, "PK202", 10 * factor, 50 * factor)
        _row(rnd, "PK707", 1000 * factor, 6000 * factor)
    site = Site.objects.create(name="Camp Dadu", kind="camp", admin_area=AdminArea.objects.get(pcode="PK707"))
    SiteAssessment.objects.create(
        round=r2, site=site, assessed_on=date(2023, 2, 10), households=200, individuals=1000,
        water_litres_per_person_day=Decimal("9.0"), functioning_latrines=0,
    )  # fmt: skip
    return {"op": op, "r1": r1, "r2": r2, "r3": r3}


def test_dashboard_shows_key_figures_trends_map_and_site_gaps_to_an_im_officer(world, make_user, login):
    client = login(make_user("im"))

    response = client.get(reverse("dtm:dashboard"), {"operation": world["op"].pk, "round": world["r2"].pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].country.individuals.value == 2 * (700 + 50 + 6000)
    assert response.context["report"].country.change == 6750
    assert 'id="kf-individuals">13,500<' in html
    assert 'id="kf-change"><span dir="ltr">+6,750</span>' in html
    assert html.count('class="chart chart-line"') == 1
    assert "data-dtm-map" in html
    assert "Camp Dadu" in html
    assert 'class="light light-not_met"' in html
    assert 'class="light light-no_service"' in html


def test_dashboard_defaults_to_the_latest_round_and_filters_by_province(world, make_user, login):
    client = login(make_user("im"))

    latest = client.get(reverse("dtm:dashboard"))
    sindh = client.get(reverse("dtm:dashboard"), {"round": world["r2"].pk, "province": "PK7"})

    assert latest.context["round"] == world["r3"]
    assert sindh.context["report"].headline.individuals.value == 12000
    assert [f.pcode for f in sindh.context["report"].districts] == ["PK707"]


def test_partner_in_balochistan_sees_published_rounds_and_only_balochistan(world, make_user, login):
    client = login(make_user("partner-viewer", "PK2"))

    response = client.get(reverse("dtm:dashboard"), {"operation": world["op"].pk})
    rounds = client.get(reverse("dtm:rounds"))
    draft = client.get(reverse("dtm:round_detail", args=[world["r3"].pk]))

    report = response.context["report"]
    assert response.context["round"] == world["r2"]
    assert [f.pcode for f in report.districts] == ["PK201", "PK202"]
    assert report.trend_table == [("Balochistan", [750, 1500])]
    assert report.site_gaps == []
    assert [r.pk for r, _badge in rounds.context["operations"][0][1]] == [world["r2"].pk, world["r1"].pk]
    assert draft.status_code == 404


def test_district_figures_api_gives_the_map_layer_of_a_round(world, make_user, login):
    client = login(make_user("partner-viewer", "PK2"))

    body = client.get(reverse("api:dtm_district_figures", args=[world["r2"].pk])).json()

    assert [(d["pcode"], d["individuals"], d["change"]) for d in body["districts"]] == [
        ("PK201", 1400, 700),
        ("PK202", 100, 50),
    ]
    assert {d["colour"] for d in body["districts"]} == {c["colour"] for c in body["classes"]}


def test_round_outside_scope_is_not_found(world, make_user, login):
    client = login(make_user("partner-viewer", "PK2"))

    response = client.get(reverse("dtm:sitrep", args=[world["r3"].pk]))

    assert response.status_code == 404


def test_rounds_page_lists_rounds_with_status_badges(world, make_user, login):
    client = login(make_user("im"))

    html = client.get(reverse("dtm:rounds")).content.decode()

    assert html.count('data-status="published"') == 2
    assert html.count('data-status="draft"') == 1
    assert '<span class="badge badge-ok" data-status="published">Published</span>' in html


@pytest.mark.parametrize(
    ("roles", "status", "buttons"),
    [
        ("im", RoundStatus.DRAFT, ["action-submit"]),
        ("im", RoundStatus.SUBMITTED, ["action-publish", "action-return"]),
        ("im", RoundStatus.PUBLISHED, ["action-correct"]),
        ("enumerator", RoundStatus.DRAFT, []),
        ("auditor", RoundStatus.SUBMITTED, []),
        ("partner-viewer", RoundStatus.PUBLISHED, []),
    ],
)
def test_lifecycle_buttons_show_only_to_those_who_may_use_them(world, make_user, login, roles, status, buttons):
    Round.objects.filter(pk=world["r3"].pk).update(status=status)
    client = login(make_user(roles))

    html = client.get(reverse("dtm:round_detail", args=[world["r3"].pk])).content.decode()

    shown = [b for b in ("action-submit", "action-publish", "action-return", "action-correct") if f'id="{b}"' in html]
    assert shown == buttons


def test_submit_then_approve_by_a_second_person(world, make_user, login):
    first, second = make_user("im"), make_user("im")
    url = reverse("dtm:round_action", args=[world["r3"].pk, "submit"])

    login(first).post(url, follow=True)
    refused = login(first).post(reverse("dtm:round_action", args=[world["r3"].pk, "publish"]), follow=True)
    world["r3"].refresh_from_db()
    status_after_refusal = world["r3"].status
    login(second).post(reverse("dtm:round_action", args=[world["r3"].pk, "publish"]))
    world["r3"].refresh_from_db()

    assert status_after_refusal == RoundStatus.SUBMITTED
    assert [str(m) for m in refused.context["messages"]] == [
        "A second person approves a round: you submitted this one."
    ]
    assert world["r3"].status == RoundStatus.PUBLISHED


def test_return_needs_a_reason_and_changes_nothing_without_one(world, make_user, login):
    Round.objects.filter(pk=world["r3"].pk).update(status=RoundStatus.SUBMITTED)
    client = login(make_user("im"))

    response = client.post(reverse("dtm:round_action", args=[world["r3"].pk, "return"]), {"reason": ""}, follow=True)
    world["r3"].refresh_from_db()

    assert [str(m) for m in response.context["messages"]] == ["Give a reason."]
    assert world["r3"].status == RoundStatus.SUBMITTED


def test_correct_opens_a_new_version_and_shows_it(world, make_user, login):
    client = login(make_user("im"))

    response = client.post(
        reverse("dtm:round_action", args=[world["r2"].pk, "correct"]), {"reason": "Dadu double-counted"}
    )

    correction = Round.objects.get(supersedes=world["r2"])
    assert response.status_code == 302
    assert response["Location"] == reverse("dtm:round_detail", args=[correction.pk])
    assert (correction.version, correction.correction_reason) == (2, "Dadu double-counted")


def test_enumerator_cannot_submit_and_nothing_changes(world, make_user, login):
    client = login(make_user("enumerator"))

    response = client.post(reverse("dtm:round_action", args=[world["r3"].pk, "submit"]), follow=True)
    world["r3"].refresh_from_db()

    assert [str(m) for m in response.context["messages"]] == ["Only an IM officer may submit a round."]
    assert world["r3"].status == RoundStatus.DRAFT


def test_flow_round_shows_daily_flows_stacked_by_documentation_status(world, make_user, login):
    round_ = _round(Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 9, 1)),
                    1, kind="flow", month=10)  # fmt: skip
    torkham = BorderCrossing.objects.get(code="torkham")
    for day, status, men in ((1, DocumentationStatus.POR, 10), (1, DocumentationStatus.UNDOCUMENTED, 5),
                             (2, DocumentationStatus.UNDOCUMENTED, 7)):  # fmt: skip
        FlowCount.objects.create(round=round_, crossing=torkham, date=date(2023, 10, day), direction="out",
                                 documentation_status=status, return_type="deported", men=men)  # fmt: skip
    client = login(make_user("im"))

    response = client.get(reverse("dtm:dashboard"), {"operation": round_.operation_id})

    panels = response.context["report"].flows
    assert [(p.crossing, p.total) for p in panels] == [("Torkham · Leaving Pakistan", 22)]
    assert panels[0].chart.count('class="bar"') == 3


# Links between the pages of a round ------------------------------------------------------------------------------


def _links(html):
    """(upload specs, batches link shown, internal export hrefs, public export hrefs) of a round page."""
    import re

    uploads = re.findall(r'href="/intake/([\w.]+)/rounds/\d+/upload/" data-upload', html)
    internal = re.findall(r'href="(/dtm/exports/rounds/\d+/[\w-]+\.csv)" data-export="internal"', html)
    public = re.findall(r'href="(/dtm/exports/public/rounds/\d+/[\w-]+\.csv)" data-export="public"', html)
    return uploads, 'id="round-batches"' in html, internal, public


MOBILITY_UPLOADS = ["dtm.location_assessment", "dtm.site_assessment"]


@pytest.mark.parametrize(
    ("roles", "area", "uploads", "batches", "internal"),
    [
        ("im", "PK", MOBILITY_UPLOADS, True, True),
        ("enumerator", "PK7", MOBILITY_UPLOADS, True, True),
        ("auditor", "PK", [], False, True),
    ],
)
def test_draft_round_links_to_uploads_batches_and_internal_exports(
    world, make_user, login, roles, area, uploads, batches, internal
):
    client = login(make_user(roles, area))
    r3 = world["r3"].pk

    html = client.get(reverse("dtm:round_detail", args=[r3])).content.decode()

    expected_internal = [f"/dtm/exports/rounds/{r3}/{n}.csv" for n in ("admin0", "admin1", "admin2", "sites")]
    assert _links(html) == (uploads, batches, expected_internal if internal else [], [])
    if batches:
        assert f'href="/intake/batches/?round={r3}"' in html


def test_published_round_links_to_public_exports_and_no_uploads(world, make_user, login):
    r2 = world["r2"].pk

    im = _links(login(make_user("im")).get(reverse("dtm:round_detail", args=[r2])).content.decode())
    partner = _links(
        login(make_user("partner-viewer", "PK2")).get(reverse("dtm:round_detail", args=[r2])).content.decode()
    )

    public = [f"/dtm/exports/public/rounds/{r2}/{n}.csv" for n in ("admin0", "admin1", "admin2")]
    assert im == (
        [],
        True,
        [f"/dtm/exports/rounds/{r2}/{n}.csv" for n in ("admin0", "admin1", "admin2", "sites")],
        public,
    )
    assert partner == (
        [],
        False,
        [f"/dtm/exports/rounds/{r2}/{n}.csv" for n in ("admin0", "admin1", "admin2", "sites")],
        public,
    )


def test_every_linked_export_downloads_for_the_one_it_is_shown_to(world, make_user, login):
    client = login(make_user("partner-viewer", "PK2"))
    _u, _b, internal, public = _links(client.get(reverse("dtm:round_detail", args=[world["r2"].pk])).content.decode())

    statuses = {url: client.get(url).status_code for url in internal + public}

    assert set(statuses.values()) == {200}


def test_flow_round_links_to_flow_uploads_and_flow_exports(world, make_user, login):
    op = Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 9, 1))
    flow = _round(op, 1, status=RoundStatus.DRAFT, kind="flow", month=10)

    html = login(make_user("im")).get(reverse("dtm:round_detail", args=[flow.pk])).content.decode()

    assert _links(html) == (["dtm.flow_count"], True, [f"/dtm/exports/rounds/{flow.pk}/flows.csv"], [])


def test_dashboard_links_to_the_round_data(world, make_user, login):
    client = login(make_user("im"))

    html = client.get(reverse("dtm:dashboard"), {"operation": world["op"].pk, "round": world["r3"].pk}).content.decode()

    assert _links(html)[0] == MOBILITY_UPLOADS
    assert 'href="#round-links"' in html
    assert f'href="/dtm/rounds/{world["r3"].pk}/report/"' in html


def test_round_links_outside_scope_stay_not_found(world, make_user, login):
    client = login(make_user("partner-viewer", "PK2"))
    r3 = world["r3"].pk

    assert client.get(reverse("dtm:round_detail", args=[r3])).status_code == 404
    assert client.get(f"/dtm/exports/rounds/{r3}/admin2.csv").status_code == 404
    assert client.get(f"/intake/dtm.location_assessment/rounds/{r3}/upload/").status_code == 404


def test_the_submitter_is_not_offered_the_approval(world, make_user, login):
    first = make_user("im")
    client = login(first)
    client.post(reverse("dtm:round_action", args=[world["r3"].pk, "submit"]))

    html = client.get(reverse("dtm:round_detail", args=[world["r3"].pk])).content.decode()

    assert 'id="action-publish"' not in html
    assert 'id="action-return"' in html
    assert 'id="awaiting-approval"' in html


@pytest.mark.parametrize(
    ("roles", "shown"), [("im", True), ("enumerator", True), ("auditor", False), ("partner-viewer", False)]
)
def test_imports_in_the_navigation_for_those_who_enter_data(world, make_user, login, roles, shown):
    html = login(make_user(roles)).get(reverse("dtm:rounds")).content.decode()

    assert ('data-nav="intake"' in html) is shown


# Figures in both languages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ur"])
def test_figures_are_grouped_by_thousands_in_english_and_urdu(world, make_user, login, language):
    client = login(make_user("im"))
    client.post(reverse("accounts:language"), {"language": language, "next": "/"})

    html = client.get(reverse("dtm:dashboard"), {"operation": world["op"].pk, "round": world["r2"].pk}).content.decode()

    assert f'<html lang="{language}"' in html
    assert 'id="kf-individuals">13,500<' in html
    assert 'id="kf-change"><span dir="ltr">+6,750</span>' in html


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (999, "999"), (1000, "1,000"), (-4500, "-4,500"), (1234567, "1,234,567"),
                        (None, ""), ("", ""), ("n/a", "n/a")],
)  # fmt: skip
def test_grouped_filter(value, text):
    from django.utils import translation

    from panah.core.templatetags.panah_numbers import grouped

    with translation.override("ur"):
        assert grouped(value) == text


def test_dashboard_link_to_a_round_picks_its_operation(client, login, make_user, world):
    login(make_user("im", "PK"))
    other = Operation.objects.create(code="aaa-first", name="0 Listed first", started_on=date(2030, 1, 1))
    Round.objects.create(operation=other, number=1, period_start=date(2024, 1, 1), period_end=date(2024, 1, 2))

    response = client.get(reverse("dtm:dashboard"), {"round": world["r1"].pk})

    assert response.context["round"] == world["r1"]
    assert response.context["form"]["operation"].value() == str(world["r1"].operation_id)

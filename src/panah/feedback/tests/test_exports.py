"""The aggregate downloads and the trend pages: HXL valid in libhxl, suppressed below the threshold, sealed tickets
never in them, formulas made inert, every download audited, and only for users with the report right."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import hxl
import pytest

from panah.core.models import AuditEvent
from panah.feedback import exports, reports
from panah.feedback.choices import Channel, Screening
from panah.feedback.models import CommunityMeeting
from panah.feedback.tests.factories import KP_DISTRICT, SINDH_DISTRICT, submit
from panah.geo.models import AdminArea

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parent.parent / "hxl_schemas" / "feedback.csv"
PKT = ZoneInfo("Asia/Karachi")
JAN = datetime(2025, 1, 6, 10, tzinfo=PKT)
QUERY = "?start=2025-01&end=2025-02"


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def validate(rows: list[list[str]]) -> list[tuple[str, str | None, int | None]]:
    """libhxl's verdict, offline: (message, tag, data row) per error; [] when the table is valid."""
    errors: list = []
    with open(SCHEMA, newline="") as f:
        checker = hxl.schema(hxl.data(list(csv.reader(f))), callback=errors.append)
    valid = checker.validate(hxl.data(rows))
    found = [
        (e.message, e.column.display_tag if e.column else None, e.row.row_number if e.row else None) for e in errors
    ]
    assert valid is (not found)
    return found


@pytest.fixture
def cfm(make_user):
    return make_user("cfm", "PK")


def many(actor, n, **overrides):
    for _ in range(n):
        submit(actor, received_at=JAN, **overrides)


def test_hxl_export_is_valid_suppressed_and_has_no_sealed_tickets(cfm, make_user, login):
    many(cfm, 4, category="complaint")
    many(cfm, 5, category="info", channel=Channel.HELP_DESK)
    many(cfm, 7, screening=Screening.YES)
    many(cfm, 1, category="info", area=SINDH_DISTRICT)

    response = login(make_user("im", "PK5")).get("/cfm/reports/feedback.hxl.csv" + QUERY)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="feedback-2025-01-2025-02.hxl.csv"'
    rows = table(response.content.decode())
    assert rows[1] == [
        "#date+month",
        "#country+code",
        "#adm1+code",
        "#adm1+name",
        "#adm2+code",
        "#adm2+name",
        "#indicator+category+code",
        "#indicator+category+name",
        "#meta+channel",
        "#indicator+tickets+num",
        "#meta+suppressed",
    ]
    assert rows[2:] == [
        ["2025-01", "PAK", "PK5", "Khyber Pakhtunkhwa", KP_DISTRICT, "Charsadda", "complaint",
         "Complaint (not sensitive)", "hotline", "", "yes"],
        ["2025-01", "PAK", "PK5", "Khyber Pakhtunkhwa", KP_DISTRICT, "Charsadda", "info",
         "Request for information", "help-desk", "5", ""],
    ]  # fmt: skip
    assert validate(rows) == []


def test_hxl_schema_catches_a_bad_table():
    rows = [[h for h, _t in exports.HXL_COLUMNS], [t for _h, t in exports.HXL_COLUMNS]]
    rows.append(["2025-13", "PAK", "PK5", "", "PK506", "", "info", "x", "pigeon", "-1", ""])

    found = validate(rows)

    assert {tag for _message, tag, _row in found} == {"#date+month", "#meta+channel", "#indicator+tickets+num"}


def test_export_is_audited_with_filters_and_row_count(cfm, make_user, login):
    many(cfm, 5, category="info")
    im = make_user("im", "PK")

    login(im).get("/cfm/reports/feedback.hxl.csv" + QUERY + "&province=PK5")

    event = AuditEvent.objects.get(action="export")
    assert event.actor_id == im.pk
    assert event.object_type == "feedback.ticket"
    assert event.metadata == {
        "export": "hxl",
        "filters": {"start": "2025-01", "end": "2025-02", "area": "PK5"},
        "rows": 1,
    }


@pytest.mark.parametrize("url", ["/cfm/reports/feedback.hxl.csv", "/cfm/reports/you-said-we-did.csv"])
def test_downloads_need_the_report_right(cfm, make_user, login, url):
    many(cfm, 5, category="info")

    response = login(make_user("enumerator", "PK")).get(url + QUERY)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tcmd"])
def test_formula_cells_are_made_inert(value):
    assert table(exports.to_csv([[value, 3, "ok"]])) == [["'" + value, "3", "ok"]]


def test_you_said_we_did_csv_escapes_action_text_and_has_no_narratives(cfm, make_user, login):
    many(cfm, 5, category="assist", description="My neighbour Gul Bibi has no tent.")
    CommunityMeeting.objects.create(
        area=AdminArea.objects.get(pcode=KP_DISTRICT),
        held_on=date(2025, 1, 9),
        summary="Shelter.",
        action_taken="=cmd|' /C calc'!A0",
        recorded_by=cfm,
        organisation=cfm.organisation,
    )

    response = login(make_user("im", "PK5")).get("/cfm/reports/you-said-we-did.csv" + QUERY)

    rows = table(response.content.decode())
    assert rows == [
        exports.YSWD_COLUMNS,
        ["2025-01", KP_DISTRICT, "Charsadda", "raised", "assist", "Request for assistance", "امداد کی درخواست", "5",
         "", ""],
        ["2025-01", KP_DISTRICT, "Charsadda", "action", "", "", "", "", "", "'=cmd|' /C calc'!A0"],
    ]  # fmt: skip
    assert "Gul Bibi" not in response.content.decode()
    assert AuditEvent.objects.get(action="export").metadata["rows"] == 2


def test_trend_page_shows_counts_and_the_suppressed_confidential_row(cfm, make_user, login):
    many(cfm, 3, screening=Screening.YES)
    many(cfm, 6, category="complaint")

    response = login(make_user("im", "PK")).get("/cfm/reports/" + QUERY)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<tr class="confidential" data-confidential><th scope="row">Confidential reports</th>' in html
    assert '<td class="num"><bdi dir="ltr">&lt;5</bdi></td><td class="num"><bdi dir="ltr">0</bdi></td>' in html
    assert "<svg" in html
    assert response.context["counts"].categories.total == 6


def test_trend_page_refuses_a_role_without_the_report_right(make_user, login):
    response = login(make_user("registration", "PK")).get("/cfm/reports/")

    assert response.status_code == 403


def test_trend_page_with_a_bad_month_falls_back_to_the_last_six_months(make_user, login):
    response = login(make_user("auditor", "PK")).get("/cfm/reports/?start=2025-13&end=junk&province=PK9")

    assert response.status_code == 200
    assert response.context["period"] == reports.last_months(6)
    assert "Give a month as YYYY-MM." in response.content.decode()


def test_you_said_we_did_page_prints_both_languages(cfm, make_user, login):
    many(cfm, 5, category="assist")

    response = login(make_user("cfm", "PK5")).get("/cfm/reports/you-said-we-did/" + QUERY)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'Request for assistance: <bdi dir="ltr">5</bdi>' in html
    assert 'امداد کی درخواست: <bdi dir="ltr">5</bdi>' in html

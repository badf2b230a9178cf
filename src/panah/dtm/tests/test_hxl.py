"""HXL exports: what the public and signed-in users can download, and that every table passes its schema in libhxl."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import hxl
import pytest
from openpyxl import load_workbook

from panah.core.audit import AuditEvent
from panah.dtm.models import SiteAssessment
from panah.dtm.tests.test_dtm_api import build_world
from panah.dtm.tests.test_publication import make_flow, make_operation, make_round
from panah.geo.models import AdminArea, Site

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parent.parent / "hxl_schemas"


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def validate(rows: list[list[str]], schema: str) -> list[tuple[str, str | None, int | None]]:
    """libhxl's verdict, offline: (message, tag, data row) per error; [] when the table is valid."""
    errors: list = []
    with open(SCHEMAS / schema, newline="") as f:
        checker = hxl.schema(hxl.data(list(csv.reader(f))), callback=errors.append)
    valid = checker.validate(hxl.data(rows))
    found = [
        (e.message, e.column.display_tag if e.column else None, e.row.row_number if e.row else None) for e in errors
    ]
    assert valid is (not found)
    return found


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response


@pytest.fixture
def published(db):
    return build_world()


def test_public_district_csv_is_suppressed_and_valid(client, published):
    rows = table(download(client, f"/dtm/exports/public/rounds/{published.pk}/admin2.csv").content.decode())

    assert rows[:2] == [
        [
            "Country code",
            "Country",
            "Province P-code",
            "Province",
            "District P-code",
            "District",
            "Operation",
            "Round",
            "Version",
            "Reporting date",
            "IDP individuals",
            "IDP households",
            "IDP women and girls",
            "IDP men and boys",
            "Returnee individuals",
            "Returnee households",
            "Suppressed counts",
        ],
        [
            "#country+code",
            "#country+name",
            "#adm1+code",
            "#adm1+name",
            "#adm2+code",
            "#adm2+name",
            "#operation+name",
            "#round+code",
            "#round+version",
            "#date+reported",
            "#affected+idps+ind",
            "#affected+idps+hh",
            "#affected+idps+ind+f",
            "#affected+idps+ind+m",
            "#affected+returnees+ind",
            "#affected+returnees+hh",
            "#meta+suppressed",
        ],
    ]
    first = ["PAK", "Pakistan"]
    meta = ["2022 Floods Response", "1", "2", "2022-10-15"]
    assert rows[2:] == [
        [*first, "PK2", "Balochistan", "PK207", "Jaffarabad", *meta, "200", "40", "100", "100", "", "", ""],
        [*first, "PK7", "Sindh", "PK703", "Dadu", *meta, "1000", "200", "400", "600", "500", "100", ""],
        [*first, "PK7", "Sindh", "PK711", "Khairpur", *meta, "", "", "", "", "", "", "idp.households;idp.individuals"],
        [*first, "PK7", "Sindh", "PK720", "Shikarpur", *meta, "", "", "", "", "", "", "idp.households;idp.individuals"],
    ]
    assert validate(rows, "admin2.csv") == []


@pytest.mark.parametrize(
    ("level", "split", "schema", "count"),
    [("admin0", "", "admin0.csv", 1), ("admin1", "", "admin1.csv", 2), ("admin1", "reason", "admin1.csv", 2)],
)
def test_public_province_and_country_csvs_are_valid(client, published, level, split, schema, count):
    url = f"/dtm/exports/public/rounds/{published.pk}/{level}.csv?split={split}"

    rows = table(download(client, url).content.decode())

    assert len(rows) == 2 + count
    assert ("#cause+type" in rows[1]) is (split == "reason")
    assert validate(rows, schema) == []


def test_country_csv_total(client, published):
    rows = table(download(client, f"/dtm/exports/public/rounds/{published.pk}/admin0.csv").content.decode())

    assert dict(zip(rows[1], rows[2], strict=True))["#affected+idps+ind"] == "1243"


def test_a_broken_table_fails_its_schema(client, published):
    rows = table(download(client, f"/dtm/exports/public/rounds/{published.pk}/admin2.csv").content.decode())
    rows[2][4] = "PK2XX"  # not a district P-code
    rows[3][10] = "-5"  # a negative count
    rows[4][11] = "many"  # not a number
    rows.append(list(rows[5]))  # the same district twice in one round

    errors = validate(rows, "admin2.csv")

    assert {(tag, row) for _, tag, row in errors} >= {
        ("#adm2+code", 0),
        ("#affected+idps+ind", 1),
        ("#affected+idps+hh", 2),
    }
    assert any("Duplicate" in message or "duplicate" in message for message, _, _ in errors)


def test_xlsx_has_the_same_header_and_hashtag_rows(client, published):
    response = download(client, f"/dtm/exports/public/rounds/{published.pk}/admin1.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active

    values = [list(r) for r in sheet.iter_rows(values_only=True)]

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert values[1][:4] == ["#country+code", "#country+name", "#adm1+code", "#adm1+name"]
    assert [(v[2], v[8]) for v in values[2:]] == [("PK2", 200), ("PK7", 1043)]


@pytest.mark.parametrize("status", ["draft", "submitted", "superseded"])
def test_unpublished_rounds_have_no_public_export(client, status):
    rnd = make_round(make_operation(), 1, status=status)

    assert client.get(f"/dtm/exports/public/rounds/{rnd.pk}/admin2.csv").status_code == 404
    assert client.get(f"/dtm/exports/public/rounds/{rnd.pk}/flows.csv").status_code == 404


def test_unknown_level_or_split_is_refused(client, published):
    assert client.get(f"/dtm/exports/public/rounds/{published.pk}/admin3.csv").status_code == 404
    assert client.get(f"/dtm/exports/public/rounds/{published.pk}/admin1.csv?split=sex").status_code == 400


@pytest.fixture
def flow_round(db):
    rnd = make_round(make_operation("Afghan Returns Flow Monitoring", "returns"), 1, kind="flow")
    day = date(2023, 11, 1)
    make_flow(rnd, "torkham", day, "undocumented", 700, women=300)
    make_flow(rnd, "torkham", day, "undocumented", 40, return_type="deported")
    make_flow(rnd, "torkham", day, "por", 3)
    make_flow(rnd, "chaman", day, "acc", 12)
    return rnd


def test_public_flows_csv_is_suppressed_and_valid(client, flow_round):
    rows = table(download(client, f"/dtm/exports/public/rounds/{flow_round.pk}/flows.csv").content.decode())

    assert rows[1] == [
        "#loc+name",
        "#loc+code",
        "#operation+name",
        "#round+code",
        "#date",
        "#indicator+direction",
        "#indicator+documentation",
        "#affected+ind",
        "#meta+suppressed",
    ]
    assert [(r[1], r[6], r[7], r[8]) for r in rows[2:]] == [
        ("chaman", "acc", "12", ""),
        ("torkham", "por", "", "individuals"),
        ("torkham", "undocumented", "", "individuals"),
    ]
    assert validate(rows, "flows.csv") == []


def test_internal_flows_need_the_export_right_and_are_complete(client, login, make_user, flow_round):
    url = f"/dtm/exports/rounds/{flow_round.pk}/flows.csv"
    assert client.get(url).status_code == 302  # to the sign-in page

    rows = table(download(login(make_user("im", "PK")), url).content.decode())

    assert [(r[1], r[6], r[7], r[-1]) for r in rows[2:]] == [
        ("chaman", "acc", "spontaneous", "12"),
        ("torkham", "por", "spontaneous", "3"),
        ("torkham", "undocumented", "deported", "40"),
        ("torkham", "undocumented", "spontaneous", "1000"),
    ]
    assert validate(rows, "flows_internal.csv") == []
    assert AuditEvent.objects.filter(action="export").count() == 1


def _site_assessment(rnd, pcode="PK70301"):
    site = Site.objects.create(name="Dadu Relief Camp 1", kind="camp", admin_area=AdminArea.objects.get(pcode=pcode))
    return SiteAssessment.objects.create(
        round=rnd,
        site=site,
        assessed_on=date(2022, 10, 10),
        households=120,
        individuals=640,
        water_litres_per_person_day=Decimal("9.5"),
        functioning_water_points=2,
        functioning_latrines=0,
        latrines_sex_segregated=False,
    )


def test_site_gap_export_is_internal_valid_and_scoped(client, login, make_user):
    rnd = make_round(make_operation(), 1, status="draft")
    _site_assessment(rnd)
    url = f"/dtm/exports/rounds/{rnd.pk}/sites.csv"

    assert client.get(f"/dtm/exports/public/rounds/{rnd.pk}/sites.csv").status_code == 404  # no public site data
    assert client.get(url).status_code == 302
    assert login(make_user("partner-viewer", "PK")).get(url).status_code == 404  # draft: not for partners
    rows = table(download(login(make_user("im", "PK7")), url).content.decode())

    record = dict(zip(rows[1], rows[2], strict=True))
    assert (record["#loc+name+site"], record["#adm2+code"], record["#affected+idps+ind"]) == (
        "Dadu Relief Camp 1",
        "PK703",
        "640",
    )
    assert (record["#indicator+num+water+lppd"], record["#indicator+num+water+people_per_point"]) == ("9.5", "320.0")
    assert (record["#indicator+num+latrines+people_per_latrine"], record["#indicator+latrines+segregated"]) == (
        "",
        "no",
    )
    assert validate(rows, "sites.csv") == []
    other = table(download(login(make_user("im", "PK2")), url).content.decode())
    assert other[2:] == []  # an IM officer in Balochistan exports no Sindh site


# Internal figures: unsuppressed, scoped, audited -----------------------------------------------------------------


def test_internal_district_figures_are_unsuppressed_scoped_and_valid(client, login, make_user, published):
    url = f"/dtm/exports/rounds/{published.pk}/admin2.csv"
    assert client.get(url).status_code == 302  # to the sign-in page

    rows = table(download(login(make_user("im", "PK")), url).content.decode())
    sindh = table(download(login(make_user("partner-viewer", "PK7")), url).content.decode())

    assert "#meta+suppressed" not in rows[1]
    meta = ["2022 Floods Response", "1", "2", "2022-10-15"]
    assert rows[2:] == [
        ["PAK", "Pakistan", "PK2", "Balochistan", "PK207", "Jaffarabad", *meta, "200", "40", "100", "100", "", ""],
        ["PAK", "Pakistan", "PK7", "Sindh", "PK703", "Dadu", *meta, "1000", "200", "400", "600", "500", "100"],
        ["PAK", "Pakistan", "PK7", "Sindh", "PK711", "Khairpur", *meta, "3", "1", "", "", "", ""],
        ["PAK", "Pakistan", "PK7", "Sindh", "PK720", "Shikarpur", *meta, "40", "8", "", "", "", ""],
    ]
    assert [r[4] for r in sindh[2:]] == ["PK703", "PK711", "PK720"]  # a partner in Sindh: Sindh only
    assert validate(rows, "admin2.csv") == []
    assert AuditEvent.objects.filter(action="export").count() == 2


@pytest.mark.parametrize(("level", "schema", "count"), [("admin0", "admin0.csv", 1), ("admin1", "admin1.csv", 2)])
def test_internal_province_and_country_figures_are_valid(login, make_user, published, level, schema, count):
    client = login(make_user("im", "PK"))

    rows = table(download(client, f"/dtm/exports/rounds/{published.pk}/{level}.csv").content.decode())

    assert len(rows) == 2 + count
    assert validate(rows, schema) == []
    if level == "admin0":
        assert dict(zip(rows[1], rows[2], strict=True))["#affected+idps+ind"] == "1243"


def test_internal_figures_of_a_draft_round_are_for_internal_staff_only(client, login, make_user):
    rnd = make_round(make_operation(), 1, status="draft")
    url = f"/dtm/exports/rounds/{rnd.pk}/admin1.xlsx"

    assert login(make_user("partner-viewer", "PK")).get(url).status_code == 404
    assert login(make_user("psea", "PK")).get(url).status_code == 404  # no DTM role at all
    assert download(login(make_user("enumerator", "PK7")), url)["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/dtm/exports/rounds/{rnd.pk}/admin3.csv").status_code == 404


# Site gaps: each indicator's value, standard and status ----------------------------------------------------------

GAP_SCHEMA = [
    ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+min", "#valid_value+list", "#valid_severity"],
    ["#status", "true", "", "", "met|not_met|no_service|no_data", "error"],
    ["#indicator+threshold", "true", "", "", "", "error"],
    ["#indicator+num+threshold", "true", "number", "0", "", "error"],
    ["#indicator+num+gaps", "true", "number", "0", "", "error"],
]


def test_site_gap_export_gives_each_indicator_its_status_next_to_value_and_threshold(login, make_user):
    rnd = make_round(make_operation(), 1, status="draft")
    _site_assessment(rnd)

    rows = table(download(login(make_user("im", "PK7")), f"/dtm/exports/rounds/{rnd.pk}/sites.csv").content.decode())

    record = dict(zip(rows[1], rows[2], strict=True))
    assert rows[0][9:12] == [
        "Water (litres per person per day)",
        "Water (litres per person per day): standard",
        "Water (litres per person per day): status",
    ]
    trio = [
        (record[tag], record[f"{tag}+threshold"], record[status_tag])
        for tag, status_tag in [
            ("#indicator+num+water+lppd", "#status+water+lppd"),
            ("#indicator+num+latrines+people_per_latrine", "#status+latrines+people_per_latrine"),
            ("#indicator+latrines+segregated", "#status+latrines+segregated"),
            ("#indicator+health+access", "#status+health+access"),
        ]
    ]
    assert trio == [("9.5", "15.0", "not_met"), ("", "50.0", "no_service"), ("no", "yes", "no_service"),
                    ("", "yes", "no_data")]  # fmt: skip
    assert record["#indicator+num+gaps"] == "4"  # water: too little, too many per point; latrines: none
    assert validate(rows, "sites.csv") == []
    errors: list = []
    assert hxl.schema(hxl.data(GAP_SCHEMA), callback=errors.append).validate(hxl.data(rows)), errors
    rows[2][rows[1].index("#status+water+lppd")] = "fine"
    assert not hxl.schema(hxl.data(GAP_SCHEMA), callback=lambda e: None).validate(hxl.data(rows))

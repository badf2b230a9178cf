from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.geo.models import AdminArea
from panah.geo.selectors import area_search
from panah.geo.services import cod_import, reference_load

pytestmark = pytest.mark.django_db

HDX_HEADER = ["ADM0_PCODE", "ADM1_PCODE", "ADM1_EN", "validOn"]
RELEASE = "2024-01-01"


@pytest.fixture
def provinces_2024(write_csv):
    """A provinces-only release in HDX column names: PK4 renamed, PK3 gone, PK8 new."""
    rows = [
        ["PK", "PK1", "Azad Kashmir", RELEASE],
        ["PK", "PK2", "Balochistan", RELEASE],
        ["PK", "PK4", "Islamabad Capital Territory", RELEASE],
        ["PK", "PK5", "Khyber Pakhtunkhwa", RELEASE],
        ["PK", "PK6", "Punjab", RELEASE],
        ["PK", "PK7", "Sindh", RELEASE],
        ["PK", "PK8", "Newland", RELEASE],
    ]
    return write_csv("pak_adm1_2024.csv", HDX_HEADER, rows)


def _snapshot():
    return list(
        AdminArea.objects.order_by("pcode").values_list("pcode", "name", "parent_id", "path", "valid_on", "retired_on")
    )


def test_dry_run_reports_the_changes_and_changes_nothing(provinces_2024, make_user):
    before, events = _snapshot(), AuditEvent.objects.count()

    report = cod_import(actor=make_user("admin"), path=provinces_2024, dry_run=True)

    assert report.dry_run is True
    assert report.valid_on == date(2024, 1, 1)
    assert report.levels == [1]
    assert report.added == [("PK8", "Newland")]
    assert report.renamed == [("PK4", "Islamabad", "Islamabad Capital Territory")]
    assert report.reparented == []
    assert report.retired == [("PK3", "Gilgit Baltistan")]
    assert report.counts() == {"added": 1, "renamed": 1, "reparented": 0, "retired": 1, "reinstated": 0, "unchanged": 5}
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_real_run_adds_renames_and_retires_with_one_audit_event(provinces_2024, make_user, area):
    admin = make_user("admin")

    report = cod_import(actor=admin, path=provinces_2024, dry_run=False)

    assert report.counts()["added"] == 1
    newland = area("PK8")
    assert (newland.name, newland.parent.pcode, newland.path, newland.level) == ("Newland", "PK", "PK/PK8/", 1)
    assert (area("PK4").name, area("PK4").search_name) == ("Islamabad Capital Territory", "islamabad capital territory")
    assert area("PK3").retired_on == date(2024, 1, 1)
    assert area("PK301").retired_on is None  # the file carries no districts: none of them is retired
    assert area("PK5").valid_on == date(2024, 1, 1)
    event = AuditEvent.objects.get(action="geo.cod_import")
    assert event.actor_id == admin.pk
    assert event.metadata["added"] == 1
    assert event.metadata["renamed"] == 1
    assert event.metadata["retired"] == 1
    assert event.metadata["retired_pcodes"] == ["PK3"]


def test_a_retired_pcode_stays_retired_and_out_of_default_search(provinces_2024, make_user, area):
    cod_import(actor=None, path=provinces_2024, dry_run=False)

    again = cod_import(actor=None, path=provinces_2024, dry_run=False)

    assert (again.added, again.renamed, again.retired, again.reinstated) == ([], [], [], [])
    assert again.unchanged == 7
    assert area("PK3").retired_on == date(2024, 1, 1)
    user = make_user()
    assert list(area_search(actor=user, q="gilgit", level=1)) == []
    assert [a.pcode for a in area_search(actor=user, q="gilgit", level=1, include_retired=True)] == ["PK3"]


def test_a_pcode_back_in_a_later_release_is_reinstated(provinces_2024, write_csv, area):
    cod_import(actor=None, path=provinces_2024, dry_run=False)
    rows = [["PK", f"PK{n}", area(f"PK{n}").name, "2025-01-01"] for n in range(1, 9)]

    report = cod_import(actor=None, path=write_csv("pak_adm1_2025.csv", HDX_HEADER, rows), dry_run=False)

    assert report.reinstated == [("PK3", "Gilgit Baltistan")]
    assert area("PK3").retired_on is None


def test_a_district_moved_to_another_province_is_reparented_with_its_tehsils(write_csv, admin2_rows, area):
    # given a full districts release where Khyber (PK513) now sits under Punjab
    header = ["adm0_pcode", "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "valid_on"]
    rows = [
        [r["adm0_pcode"], r["adm1_pcode"], r["adm1_name"], r["adm2_pcode"], r["adm2_name"], RELEASE]
        for r in admin2_rows
    ]
    khyber = next(r for r in rows if r[3] == "PK513")
    khyber[1:3] = ["PK6", "Punjab"]

    report = cod_import(actor=None, path=write_csv("pak_adm2_2024.csv", header, rows), dry_run=False)

    assert report.reparented == [("PK513", "PK5", "PK6")]
    assert (report.added, report.renamed, report.retired) == ([], [], [])
    assert area("PK513").path == "PK/PK6/PK513/"
    assert area("PK51303").path == "PK/PK6/PK513/PK51303/"


def test_geojson_features_with_hdx_properties_are_read(tmp_path, area):
    features = [
        {"type": "Feature", "properties": {"ADM1_PCODE": f"PK{n}", "ADM1_EN": area(f"PK{n}").name}, "geometry": None}
        for n in range(1, 8)
    ]
    features[6]["properties"]["ADM1_EN"] = "Sindh Province"
    path = tmp_path / "pak_adm1.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    report = cod_import(actor=None, path=path, dry_run=True, valid_on=date(2024, 1, 1))

    assert report.renamed == [("PK7", "Sindh", "Sindh Province")]
    assert report.retired == []


def test_reference_load_does_not_undo_a_newer_release(provinces_2024, area):
    cod_import(actor=None, path=provinces_2024, dry_run=False)

    report = reference_load()

    assert (report.added, report.changed) == (0, 0)
    assert area("PK4").name == "Islamabad Capital Territory"
    assert area("PK3").retired_on == date(2024, 1, 1)


def test_an_older_release_is_refused(provinces_2024, write_csv):
    cod_import(actor=None, path=provinces_2024, dry_run=False)
    before = _snapshot()
    rows = [["PK", "PK1", "Azad Kashmir", "2023-01-01"]]

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=write_csv("old.csv", HDX_HEADER, rows), dry_run=False)

    assert refused.value.status == 409
    assert _snapshot() == before


def test_a_bad_pcode_names_its_row_and_column(write_csv):
    before = _snapshot()
    rows = [["PK", "PK1", "Azad Kashmir", RELEASE], ["PK", "PKX", "Nowhere", RELEASE]]

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=write_csv("bad.csv", HDX_HEADER, rows), dry_run=False)

    error = refused.value
    assert error.code == "invalid_file"
    assert error.message == "Row 3, column ADM1_PCODE: 'PKX' is not an admin1 P-code (like PK5)"
    assert [(e.field, e.message) for e in error.errors] == [("ADM1_PCODE", error.message)]
    assert _snapshot() == before


def test_an_empty_name_and_a_bad_date_are_both_listed(write_csv):
    rows = [["PK", "PK1", "", RELEASE], ["PK", "PK2", "Balochistan", "01/02/2024"]]

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=write_csv("bad.csv", HDX_HEADER, rows), dry_run=True)

    assert [e.message for e in refused.value.errors] == [
        "Row 2, column ADM1_EN: is empty",
        "Row 3, column validOn: '01/02/2024' is not a date (YYYY-MM-DD)",
    ]


def test_one_pcode_with_two_names_is_refused(write_csv):
    header = ["adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name"]
    rows = [["PK7", "Sindh", "PK719", "Sukkur"], ["PK7", "Sind", "PK720", "Tando Allahyar"]]

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=write_csv("bad.csv", header, rows), dry_run=True)

    assert refused.value.errors[0].field == "adm1_name"
    assert refused.value.errors[0].message.startswith("Row 3, column adm1_name: PK7 is 'Sind'")


def test_a_geojson_feature_without_its_pcode_is_named(tmp_path):
    features = [
        {"type": "Feature", "properties": {"ADM1_PCODE": "PK1", "ADM1_EN": "Azad Kashmir"}},
        {"type": "Feature", "properties": {"ADM1_EN": "Balochistan"}},
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=path, dry_run=True)

    assert refused.value.message == "Feature 2, property ADM1_PCODE: is empty"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,population\nSukkur,1\n",
            "No admN_pcode column (adm1_pcode, adm2_pcode or adm3_pcode) found: is this a COD-AB file?",
        ),
        ("adm1_pcode,adm1_name\n", "The file has no data rows."),
        ('{"type": "FeatureCollection", "features": [', "Not valid JSON (line 1, column 44)."),
    ],
)
def test_files_that_are_not_a_cod_release_are_refused(tmp_path, content, message):
    path = tmp_path / ("release.geojson" if content.startswith("{") else "release.csv")
    path.write_text(content)

    with pytest.raises(ApplicationError) as refused:
        cod_import(actor=None, path=path, dry_run=True)

    assert (refused.value.message, refused.value.errors[0].field) == (message, "file")


def test_districts_without_their_province_column_are_refused(write_csv):
    with pytest.raises(ApplicationError) as refused:
        cod_import(
            actor=None, path=write_csv("d.csv", ["adm2_pcode", "adm2_name"], [["PK719", "Sukkur"]]), dry_run=True
        )

    assert refused.value.message == "Row 1, column adm1_pcode: is missing; it is needed for the parents of adm2"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_is_either_read_or_refused_with_an_application_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "release.csv"
        path.write_text("adm1_pcode,adm1_name,adm2_pcode,adm2_name\n" + text, encoding="utf-8")
        try:
            cod_import(actor=None, path=path, dry_run=True, valid_on=date(2024, 1, 1))
            status = 200
        except ApplicationError as error:
            status = error.status
    assert status in {200, 409, 422}

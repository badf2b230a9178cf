from __future__ import annotations

import json

import pytest

from panah.core.models import AuditEvent
from panah.geo import reference_data
from panah.geo.models import AdminArea, BorderCrossing, CoordinateStatus
from panah.geo.services import reference_load

pytestmark = pytest.mark.django_db


def test_reference_geography_has_the_ocha_counts_per_level():
    # given the session fixture has run reference_load once
    # when the areas are counted per level
    counts = {level: AdminArea.objects.filter(level=level).count() for level in range(4)}

    # then
    assert counts == {0: 1, 1: 7, 2: 160, 3: 577}
    assert BorderCrossing.objects.count() == 13


def test_a_second_load_changes_nothing():
    before = dict(AdminArea.objects.values_list("pcode", "updated_at"))

    report = reference_load()

    assert (report.added, report.changed) == (0, 0)
    assert report.areas_by_level == {0: 1, 1: 7, 2: 160, 3: 577}
    assert report.crossings_total == 13
    assert dict(AdminArea.objects.values_list("pcode", "updated_at")) == before


def test_a_second_load_writes_no_audit_event_even_with_an_actor(make_user):
    events = AuditEvent.objects.count()

    reference_load(actor=make_user("admin"))

    assert AuditEvent.objects.count() == events


def test_areas_carry_path_source_and_release_date(area):
    khyber = area("PK513")

    assert (khyber.name, khyber.level, khyber.parent.pcode, khyber.path) == ("Khyber", 2, "PK5", "PK/PK5/PK513/")
    assert khyber.source == "OCHA COD-AB PAK 2022-09-09"
    assert khyber.valid_on.isoformat() == "2022-09-09"
    assert area("PK51303").path == "PK/PK5/PK513/PK51303/"
    assert area("PK509").search_name == "d i khan"


def test_geometry_comes_from_ocha_for_provinces_and_osm_for_districts(area):
    assert (area("PK").geometry["type"], area("PK").geometry_source) == ("MultiPolygon", "ocha")
    assert {a.geometry_source for a in AdminArea.objects.filter(level=1)} == {"ocha"}
    assert area("PK513").geometry_source == "osm"
    assert area("PK51303").geometry is None


def test_districts_without_an_osm_polygon_have_no_geometry():
    missing = AdminArea.objects.filter(level=2, geometry__isnull=True).values_list("pcode", flat=True)

    assert sorted(missing) == ["PK218", "PK311", "PK312", "PK313", "PK314"]
    assert AdminArea.objects.filter(geometry__isnull=False).count() == 1 + 7 + 155


def test_label_points_fall_inside_pakistan_for_every_shape():
    points = AdminArea.objects.filter(geometry__isnull=False).values_list("centroid_lat", "centroid_lon")

    assert all(23.6 <= lat <= 37.1 and 60.8 <= lon <= 77.9 for lat, lon in points)


def test_crossings_keep_their_status_district_and_coordinates():
    by_code = {c.code: c for c in BorderCrossing.objects.select_related("admin_area")}

    torkham = by_code["torkham"]
    assert (torkham.admin_area.pcode, torkham.latitude, torkham.longitude) == ("PK513", 34.11472, 71.08472)
    assert torkham.coord_status == CoordinateStatus.VERIFIED
    assert by_code["ghulam_khan"].coord_status == CoordinateStatus.UNVERIFIED
    assert (by_code["badini"].latitude, by_code["badini"].coord_status) == (None, CoordinateStatus.MISSING)
    assert by_code["gursal"].admin_area is None  # no P-code in the source
    assert by_code["bin_shahi"].admin_area is None
    assert by_code["taftan"].admin_area.pcode == "PK203"
    assert sorted(c for c, x in by_code.items() if x.coordinates_trusted) == [
        "angoor_adda",
        "chaman",
        "taftan",
        "torkham",
    ]


def test_a_changed_row_is_put_back_and_counted(area):
    khyber = area("PK513")
    khyber.name = "Khyber (typo)"
    khyber.save(update_fields=["name", "search_name"])

    report = reference_load()

    assert (report.areas_added, report.areas_changed) == (0, 1)
    assert area("PK513").name == "Khyber"


def test_a_missing_row_is_added_back():
    BorderCrossing.objects.filter(code="gursal").delete()

    report = reference_load()

    assert (report.crossings_added, report.crossings_changed) == (1, 0)
    assert BorderCrossing.objects.filter(code="gursal").exists()


def test_several_osm_features_of_one_district_become_one_multipolygon(tmp_path, monkeypatch):
    # given an OSM layer where two features belong to the same OCHA district
    square = [[[70.0, 30.0], [70.1, 30.0], [70.1, 30.1], [70.0, 30.0]]]
    other = [
        [[[71.0, 31.0], [71.1, 31.0], [71.1, 31.1], [71.0, 31.0]]],
        [[[72.0, 32.0], [72.1, 32.0], [72.0, 32.1], [72.0, 32.0]]],
    ]
    features = [
        {
            "type": "Feature",
            "properties": {"name": "A", "adm1_pcode": "PK5"},
            "geometry": {"type": "Polygon", "coordinates": square},
        },
        {
            "type": "Feature",
            "properties": {"name": "B", "adm1_pcode": "PK5"},
            "geometry": {"type": "MultiPolygon", "coordinates": other},
        },
    ]
    (tmp_path / "pak_districts_osm_census2023_simplified.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    (tmp_path / "crosswalk_osm_census2023_to_ocha_adm2.csv").write_text(
        "name,adm1_pcode,ocha_adm2_pcode\nA,PK5,PK513\nB,PK5,PK513\n"
    )
    monkeypatch.setattr(reference_data, "OSM_DIR", tmp_path)

    # when the district shapes are read
    shapes = reference_data.shapes()

    # then one MultiPolygon holds the three polygons
    assert shapes["PK513"].geometry == {"type": "MultiPolygon", "coordinates": [square, *other]}
    assert shapes["PK513"].source == "osm"

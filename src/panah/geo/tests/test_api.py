from __future__ import annotations

import pytest

from panah.core.models import AuditEvent
from panah.geo.models import Site

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user())
    return client


def _problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    return response.json()


@pytest.mark.parametrize(
    "path",
    ["/api/geo/areas", "/api/geo/areas/PK7", "/api/geo/boundaries?level=1", "/api/geo/sites", "/api/geo/crossings"],
)
def test_anonymous_gets_401(client, path):
    assert _problem(client.get(path), 401)["code"] == "unauthenticated"


def test_area_search_is_paginated(member_client):
    body = member_client.get("/api/geo/areas", {"q": "pk513", "limit": 2}).json()

    assert body["count"] == 5
    assert [a["pcode"] for a in body["items"]] == ["PK513", "PK51301"]
    assert body["items"][0] == {
        "pcode": "PK513",
        "name": "Khyber",
        "level": 2,
        "level_label": "District",
        "parent_pcode": "PK5",
        "path": "PK/PK5/PK513/",
        "valid_on": "2022-09-09",
        "retired_on": None,
        "source": "OCHA COD-AB PAK 2022-09-09",
        "centroid_lat": 33.95672,
        "centroid_lon": 71.07614,
    }


def test_area_search_by_level_and_parent(member_client):
    body = member_client.get("/api/geo/areas", {"level": 2, "parent": "PK4"}).json()

    assert [a["pcode"] for a in body["items"]] == ["PK401"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"level": 9}, "level"),
        ({"level": "two"}, "level"),
        ({"parent": "PK99"}, "parent"),
        ({"include_retired": "maybe"}, "include_retired"),
    ],
)
def test_bad_area_filters_are_422_naming_the_field(member_client, query, field):
    body = _problem(member_client.get("/api/geo/areas", query), 422)

    assert [e["field"] for e in body["errors"]] == [field]


def test_area_detail_has_ancestors(member_client):
    body = member_client.get("/api/geo/areas/pk51303").json()

    assert (body["pcode"], body["name"], body["has_geometry"]) == ("PK51303", "Landi Kotal", False)
    assert body["ancestors"] == [
        {"pcode": "PK", "name": "Pakistan", "level": 0},
        {"pcode": "PK5", "name": "Khyber Pakhtunkhwa", "level": 1},
        {"pcode": "PK513", "name": "Khyber", "level": 2},
    ]


def test_unknown_area_is_404(member_client):
    assert _problem(member_client.get("/api/geo/areas/PK999"), 404)["code"] == "not_found"


def test_children(member_client):
    body = member_client.get("/api/geo/areas/PK513/children").json()

    assert [(a["pcode"], a["name"]) for a in body] == [
        ("PK51301", "Bara"),
        ("PK51302", "Jamrud"),
        ("PK51303", "Landi Kotal"),
        ("PK51304", "Mulagori"),
    ]


def test_boundaries_are_geojson_with_cache_headers(member_client):
    response = member_client.get("/api/geo/boundaries", {"level": 1})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "private, max-age=86400"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert sorted(f["properties"]["pcode"] for f in body["features"]) == [
        "PK1",
        "PK2",
        "PK3",
        "PK4",
        "PK5",
        "PK6",
        "PK7",
    ]
    assert len(member_client.get("/api/geo/boundaries", {"level": 2}).json()["features"]) == 155


def test_boundaries_answer_304_to_a_matching_etag(member_client):
    etag = member_client.get("/api/geo/boundaries", {"level": 1})["ETag"]

    again = member_client.get("/api/geo/boundaries", {"level": 1}, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("level", ["3", "9", "x"])
def test_boundaries_of_a_bad_level_are_422(member_client, level):
    body = _problem(member_client.get("/api/geo/boundaries", {"level": level}), 422)

    assert [e["field"] for e in body["errors"]] == ["level"]


def test_sites_are_scoped(client, sindh_viewer, sukkur_camp, quetta_settlement):
    client.force_login(sindh_viewer)

    listed = client.get("/api/geo/sites").json()
    inside = client.get(f"/api/geo/sites/{sukkur_camp.public_id}")
    outside = client.get(f"/api/geo/sites/{quetta_settlement.public_id}")

    assert (listed["count"], [s["name"] for s in listed["items"]]) == (1, ["Sukkur camp"])
    assert inside.json()["admin_area"] == {"pcode": "PK723", "name": "Sukkur", "level": 2}
    assert _problem(outside, 404)["code"] == "not_found"


def test_site_filters_in_the_api(client, make_user, sukkur_camp, quetta_settlement):
    client.force_login(make_user("im", "PK"))

    assert [s["name"] for s in client.get("/api/geo/sites", {"area": "PK2"}).json()["items"]] == ["Quetta settlement"]
    assert [s["name"] for s in client.get("/api/geo/sites", {"kind": "camp"}).json()["items"]] == ["Sukkur camp"]
    assert [e["field"] for e in _problem(client.get("/api/geo/sites", {"kind": "palace"}), 422)["errors"]] == ["kind"]
    assert [e["field"] for e in _problem(client.get("/api/geo/sites", {"area": "PK99"}), 422)["errors"]] == ["area"]


def test_a_malformed_site_id_is_422_naming_it(client, sindh_viewer):
    client.force_login(sindh_viewer)

    body = _problem(client.get("/api/geo/sites/not-a-uuid"), 422)

    assert [e["field"] for e in body["errors"]] == ["public_id"]


def test_create_a_site(client, sindh_editor):
    client.force_login(sindh_editor)
    payload = {"name": "Rohri camp", "kind": "camp", "admin_area": "PK72304", "latitude": 27.69, "longitude": 68.89}

    response = client.post("/api/geo/sites", payload, content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind_label"], body["admin_area"]["pcode"]) == ("Rohri camp", "Camp", "PK72304")
    assert AuditEvent.objects.filter(action="create", object_type="geo.site").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 45.0}, "latitude"),
        ({"kind": "palace"}, "kind"),
        ({"admin_area": "PK7"}, "admin_area"),
        ({"name": ""}, "name"),
    ],
)
def test_create_with_a_bad_field_is_422_and_creates_nothing(client, sindh_editor, change, field):
    client.force_login(sindh_editor)
    payload = {
        "name": "Rohri camp",
        "kind": "camp",
        "admin_area": "PK72304",
        "latitude": 27.69,
        "longitude": 68.89,
        **change,
    }

    body = _problem(client.post("/api/geo/sites", payload, content_type="application/json"), 422)

    assert [e["field"] for e in body["errors"]] == [field]
    assert Site.objects.count() == 0


def test_create_without_the_right_is_403(client, sindh_viewer):
    client.force_login(sindh_viewer)
    payload = {"name": "Rohri camp", "kind": "camp", "admin_area": "PK72304"}

    _problem(client.post("/api/geo/sites", payload, content_type="application/json"), 403)

    assert Site.objects.count() == 0


def test_patch_changes_a_site_in_scope_and_hides_one_outside(client, sindh_editor, sukkur_camp, quetta_settlement):
    client.force_login(sindh_editor)

    changed = client.patch(
        f"/api/geo/sites/{sukkur_camp.public_id}",
        {"latitude": None, "longitude": None},
        content_type="application/json",
    )
    hidden = client.patch(
        f"/api/geo/sites/{quetta_settlement.public_id}", {"name": "x"}, content_type="application/json"
    )

    assert changed.status_code == 200
    assert (changed.json()["latitude"], changed.json()["name"]) == (None, "Sukkur camp")
    _problem(hidden, 404)
    quetta_settlement.refresh_from_db()
    assert quetta_settlement.name == "Quetta settlement"


def test_crossings_show_status_and_trust(member_client):
    body = member_client.get("/api/geo/crossings").json()
    torkham = member_client.get("/api/geo/crossings/torkham").json()

    assert len(body) == 13
    assert [c["code"] for c in body if c["coordinates_trusted"]] == ["angoor_adda", "chaman", "taftan", "torkham"]
    assert torkham["alt_names"] == ["Tūrkham", "Bab-e-Pakistan gate"]
    assert (torkham["admin_area"]["pcode"], torkham["province"]["pcode"]) == ("PK513", "PK5")
    assert (torkham["coord_status"], torkham["coord_status_label"]) == ("verified_public", "Verified (crossing point)")
    assert torkham["sources"][0] == "https://en.wikipedia.org/wiki/Torkham_border_crossing"


def test_crossing_search_ignores_accents(member_client):
    assert [c["code"] for c in member_client.get("/api/geo/crossings", {"q": "tūrkham"}).json()] == ["torkham"]


def test_unknown_crossing_is_404(member_client):
    _problem(member_client.get("/api/geo/crossings/nowhere"), 404)


def test_every_geo_operation_documents_its_parameters_and_responses():
    from panah.geo.api import router

    operations = [op for view in router.path_operations.values() for op in view.operations]
    schemas = [model.model_json_schema() for op in operations for model in op.models]
    responses = [
        model.model_json_schema() for op in operations for model in op.response_models.values() if model is not None
    ]

    assert len(operations) == 10
    assert all(isinstance(s, dict) for s in schemas + responses)


@pytest.mark.parametrize(
    ("role", "area", "other_org", "expected"),
    [
        (None, None, False, 401),  # anonymous
        ("enumerator", "PK7", False, 403),  # wrong role: may see sites, not record them
        ("site-manager", "PK2", False, 403),  # wrong area
        ("site-manager", "PK7", True, 201),  # sites belong to areas, not organisations
        ("site-manager", "PK7", False, 201),  # allowed
    ],
)
def test_who_may_record_a_site(client, make_user, other_organisation, role, area, other_org, expected):
    if role:
        client.force_login(make_user(role, area, org=other_organisation if other_org else None))
    payload = {"name": "Rohri camp", "kind": "camp", "admin_area": "PK72304"}

    response = client.post("/api/geo/sites", payload, content_type="application/json")

    assert response.status_code == expected
    assert Site.objects.count() == (1 if expected == 201 else 0)

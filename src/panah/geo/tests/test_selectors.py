from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from panah.core.errors import ApplicationError
from panah.geo import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user):
    return make_user()  # signed in, no role: reference data is open to every member


def _pcodes(rows):
    return [a.pcode for a in rows]


@pytest.mark.parametrize(
    ("q", "expected_first"),
    [("pk513", "PK513"), ("PK513", "PK513"), ("khyber", "PK5"), ("KHYBER PAKHTUNKHWA", "PK5"), ("Sukkur", "PK723")],
)
def test_search_by_name_or_pcode_in_any_case(member, q, expected_first):
    assert _pcodes(selectors.area_search(actor=member, q=q))[0] == expected_first


def test_pcode_search_finds_the_district_then_its_tehsils(member):
    assert _pcodes(selectors.area_search(actor=member, q="pk513")) == [
        "PK513",
        "PK51301",
        "PK51302",
        "PK51303",
        "PK51304",
    ]


@pytest.mark.parametrize("q", ["d i khan", "D. I. Khan", "D.I. Khan", "di khan", "DIKHAN"])
def test_dera_ismail_khan_is_found_however_it_is_written(member, q):
    assert _pcodes(selectors.area_search(actor=member, q=q)) == ["PK509", "PK50901"]


def test_accents_are_ignored(member):
    assert _pcodes(selectors.area_search(actor=member, q="Pēshāwar", level=2)) == ["PK528"]


def test_level_and_parent_narrow_the_search(member):
    assert _pcodes(selectors.area_search(actor=member, q="khyber", level=2)) == ["PK513"]
    assert _pcodes(selectors.area_search(actor=member, parent="PK4")) == ["PK401"]
    assert len(selectors.area_search(actor=member, parent="pk7")) == 29


def test_an_unknown_parent_or_level_is_an_error_naming_the_field(member):
    with pytest.raises(ApplicationError) as bad_parent:
        selectors.area_search(actor=member, parent="PK99")
    with pytest.raises(ApplicationError) as bad_level:
        selectors.area_search(actor=member, level=9)

    assert (bad_parent.value.status, bad_parent.value.errors[0].field) == (422, "parent")
    assert (bad_level.value.status, bad_level.value.errors[0].field) == (422, "level")


def test_anonymous_sees_no_area():
    assert list(selectors.area_search(actor=AnonymousUser(), q="sindh")) == []
    with pytest.raises(ApplicationError):
        selectors.area_get(actor=AnonymousUser(), pcode="PK7")


def test_children_and_ancestors(member):
    sindh_children = selectors.area_children(actor=member, pcode="PK7")
    khyber = selectors.area_get(actor=member, pcode="pk513")

    assert len(sindh_children) == 29
    assert _pcodes(sindh_children)[:2] == ["PK701", "PK702"]
    assert _pcodes(selectors.area_children(actor=member, pcode="PK513")) == ["PK51301", "PK51302", "PK51303", "PK51304"]
    assert _pcodes(selectors.area_ancestors(khyber)) == ["PK", "PK5"]
    assert selectors.area_ancestors(selectors.area_get(actor=member, pcode="PK")) == []


def test_children_of_an_unknown_area_is_not_found(member):
    with pytest.raises(ApplicationError) as refused:
        selectors.area_children(actor=member, pcode="PK999")

    assert refused.value.status == 404


def test_search_reads_parents_without_extra_queries(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [a.parent.name for a in selectors.area_search(actor=member, level=2)]

    assert len(names) == 160


@pytest.mark.parametrize(("level", "count"), [(0, 1), (1, 7), (2, 155)])
def test_boundaries_are_a_feature_collection_per_level(member, level, count):
    collection = selectors.boundaries(actor=member, level=level)

    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count


def test_boundary_features_carry_the_documented_properties(member):
    khyber = next(f for f in selectors.boundaries(actor=member, level=2)["features"] if f["id"] == "PK513")

    assert khyber["properties"] == {
        "pcode": "PK513",
        "name": "Khyber",
        "level": 2,
        "parent_pcode": "PK5",
        "geometry_source": "osm",
        "label_point": [71.07614, 33.95672],
    }
    assert khyber["geometry"]["type"] == "Polygon"


def test_boundaries_of_tehsils_are_refused(member):
    with pytest.raises(ApplicationError) as refused:
        selectors.boundaries(actor=member, level=3)

    assert refused.value.errors[0].field == "level"


def test_boundaries_version_changes_when_a_shape_changes(member, area):
    before = selectors.boundaries_version(actor=member, level=1)
    sindh = area("PK7")
    sindh.centroid_lat = 26.0
    sindh.save(update_fields=["centroid_lat", "updated_at"])

    assert selectors.boundaries_version(actor=member, level=1) != before
    assert selectors.boundaries_version(actor=member, level=2) == selectors.boundaries_version(actor=member, level=2)


@pytest.mark.parametrize("q", ["tūrkham", "TORKHAM", "bab-e-pakistan", "Turkham"])
def test_crossings_are_found_by_any_of_their_names(member, q):
    assert [c.code for c in selectors.crossing_list(actor=member, q=q)] == ["torkham"]


def test_crossings_inside_an_area(member, area):
    in_balochistan = selectors.crossing_list(actor=member, area=area("PK2"))

    assert [c.code for c in in_balochistan] == ["badini", "chaman", "gabd", "mand", "taftan"]  # gursal has no district
    assert [c.code for c in selectors.crossing_list(actor=member, area=area("PK513"))] == ["torkham"]


def test_crossing_get_by_code(member):
    assert selectors.crossing_get(actor=member, code="Torkham").name == "Torkham"
    with pytest.raises(ApplicationError):
        selectors.crossing_get(actor=member, code="nowhere")


def test_sites_are_scoped_to_the_viewers_areas(sindh_viewer, sukkur_camp, quetta_settlement):
    assert [s.name for s in selectors.site_list(actor=sindh_viewer)] == ["Sukkur camp"]
    assert selectors.site_get(actor=sindh_viewer, public_id=sukkur_camp.public_id) == sukkur_camp
    with pytest.raises(ApplicationError) as refused:
        selectors.site_get(actor=sindh_viewer, public_id=quetta_settlement.public_id)
    assert refused.value.status == 404


def test_a_role_without_site_rights_sees_no_site(make_user, sukkur_camp):
    assert list(selectors.site_list(actor=make_user("psea", "PK7"))) == []


def test_site_filters(make_user, sukkur_camp, quetta_settlement):
    national = make_user("im", "PK")

    assert [s.name for s in selectors.site_list(actor=national, area="PK2")] == ["Quetta settlement"]
    assert [s.name for s in selectors.site_list(actor=national, kind="camp")] == ["Sukkur camp"]
    assert [s.name for s in selectors.site_list(actor=national, q="SUKKUR")] == ["Sukkur camp"]
    with pytest.raises(ApplicationError) as refused:
        selectors.site_list(actor=national, kind="palace")
    assert refused.value.errors[0].field == "kind"


def test_a_malformed_site_id_is_not_found(sindh_viewer):
    with pytest.raises(ApplicationError) as refused:
        selectors.site_get(actor=sindh_viewer, public_id="not-a-uuid")

    assert refused.value.status == 404

from __future__ import annotations

import pytest

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.geo.models import Site
from panah.geo.services import site_create, site_update

pytestmark = pytest.mark.django_db


def test_an_editor_records_a_site_in_a_tehsil_of_their_province(sindh_editor, area):
    site = site_create(
        actor=sindh_editor,
        name="  Sukkur   city camp ",
        kind="camp",
        admin_area="pk72301",
        latitude=27.7,
        longitude=68.86,
    )

    assert (site.name, site.kind, site.admin_area.pcode) == ("Sukkur city camp", "camp", "PK72301")
    assert site.search_name == "sukkur city camp"
    event = AuditEvent.objects.get(action="create", object_id=str(site.pk))
    assert event.object_type == "geo.site"
    assert event.changes["admin_area"] == [None, "PK72301"]
    assert event.changes["name"] == [None, "Sukkur city camp"]


def test_a_viewer_may_not_record_sites(sindh_viewer):
    with pytest.raises(ApplicationError) as refused:
        site_create(actor=sindh_viewer, name="Camp", kind="camp", admin_area="PK723")

    assert refused.value.status == 403
    assert Site.objects.count() == 0


def test_an_editor_may_not_record_a_site_outside_their_areas(sindh_editor):
    with pytest.raises(ApplicationError) as refused:
        site_create(actor=sindh_editor, name="Quetta camp", kind="camp", admin_area="PK222")

    assert refused.value.status == 403
    assert Site.objects.count() == 0
    assert AuditEvent.objects.filter(action="create", object_type="geo.site").count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"latitude": 10.0, "longitude": 68.0}, "latitude", "out_of_range"),
        ({"latitude": 27.0, "longitude": 90.0}, "longitude", "out_of_range"),
        ({"latitude": 27.0, "longitude": None}, "longitude", "required"),
        ({"admin_area": "PK7"}, "admin_area", "level"),
        ({"admin_area": "PK799"}, "admin_area", "unknown"),
        ({"kind": "palace"}, "kind", "choice"),
        ({"name": "   "}, "name", "required"),
    ],
)
def test_invalid_fields_are_named(sindh_editor, fields, field, code):
    values = {"name": "Camp", "kind": "camp", "admin_area": "PK723", "latitude": None, "longitude": None, **fields}

    with pytest.raises(ApplicationError) as refused:
        site_create(actor=sindh_editor, **values)

    assert refused.value.status == 422
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert Site.objects.count() == 0


def test_a_retired_area_is_refused(sindh_editor, area):
    sukkur = area("PK723")
    sukkur.retired_on = sukkur.valid_on
    sukkur.save(update_fields=["retired_on"])

    with pytest.raises(ApplicationError) as refused:
        site_create(actor=sindh_editor, name="Camp", kind="camp", admin_area="PK723")

    assert [(e.field, e.code) for e in refused.value.errors] == [("admin_area", "retired")]


def test_update_changes_only_the_given_fields_and_audits_the_difference(sindh_editor, sukkur_camp):
    site = site_update(actor=sindh_editor, public_id=sukkur_camp.public_id, name="Sukkur transit camp", is_active=False)

    site.refresh_from_db()
    assert (site.name, site.search_name, site.is_active, site.latitude) == (
        "Sukkur transit camp",
        "sukkur transit camp",
        False,
        27.7,
    )
    event = AuditEvent.objects.get(action="update", object_id=str(site.pk))
    assert event.changes == {"name": ["Sukkur camp", "Sukkur transit camp"], "is_active": [True, False]}


def test_an_update_that_changes_nothing_writes_no_event(sindh_editor, sukkur_camp):
    site_update(actor=sindh_editor, public_id=sukkur_camp.public_id, name="Sukkur camp")

    assert AuditEvent.objects.filter(action="update").count() == 0


def test_update_of_a_site_outside_scope_is_not_found(sindh_editor, quetta_settlement):
    with pytest.raises(ApplicationError) as refused:
        site_update(actor=sindh_editor, public_id=quetta_settlement.public_id, name="Mine now")

    assert refused.value.status == 404
    quetta_settlement.refresh_from_db()
    assert quetta_settlement.name == "Quetta settlement"


def test_a_viewer_may_see_but_not_change_a_site(sindh_viewer, sukkur_camp):
    with pytest.raises(ApplicationError) as refused:
        site_update(actor=sindh_viewer, public_id=sukkur_camp.public_id, name="Renamed")

    assert refused.value.status == 403


def test_moving_a_site_out_of_ones_areas_is_refused(sindh_editor, sukkur_camp):
    with pytest.raises(ApplicationError) as refused:
        site_update(actor=sindh_editor, public_id=sukkur_camp.public_id, admin_area="PK222")

    assert refused.value.status == 403
    sukkur_camp.refresh_from_db()
    assert sukkur_camp.admin_area.pcode == "PK723"

from __future__ import annotations

import pytest
from django.urls import reverse

from panah.core.models import AuditEvent
from panah.geo.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user("enumerator", "PK7"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/geo/areas/",
        "/geo/areas/PK513/",
        "/geo/map/",
        "/geo/sites/",
        "/geo/crossings/",
        "/geo/crossings/torkham/",
        "/geo/sites/new/",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["geo:areas", "geo:map", "geo:sites", "geo:crossings"])
def test_navigation_targets_render_for_a_member(member_client, name):
    response = member_client.get(reverse(name))

    assert response.status_code == 200
    assert response.context["nav_active"] in {"places", "map", "sites", "crossings"}


def test_areas_page_lists_the_search_results(member_client):
    response = member_client.get("/geo/areas/", {"q": "pk513"})

    assert response.status_code == 200
    assert [a.pcode for a in response.context["page_obj"]] == ["PK513", "PK51301", "PK51302", "PK51303", "PK51304"]
    assert 'hx-get="/geo/areas/"' in response.content.decode()


def test_htmx_search_returns_only_the_results(member_client):
    response = member_client.get("/geo/areas/", {"q": "d i khan"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "/geo/areas/PK509/" in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_level_shows_an_error_not_a_500(member_client):
    response = member_client.get("/geo/areas/", {"level": "9"})

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert response.context["form"].errors["level"]


def test_area_detail_has_breadcrumb_children_and_crossings(member_client):
    response = member_client.get("/geo/areas/PK513/")

    html = response.content.decode()
    assert [a.pcode for a in response.context["ancestors"]] == ["PK", "PK5"]
    assert [a.pcode for a in response.context["children"]] == ["PK51301", "PK51302", "PK51303", "PK51304"]
    assert [c.code for c in response.context["crossings"]] == ["torkham"]
    assert 'aria-label="Breadcrumb"' in html


def test_a_retired_area_is_marked(member_client, area):
    sukkur = area("PK723")
    sukkur.retired_on = sukkur.valid_on
    sukkur.save(update_fields=["retired_on"])

    html = member_client.get("/geo/areas/PK723/").content.decode()

    assert "Retired on" in html


def test_unknown_area_page_is_404(member_client):
    assert member_client.get("/geo/areas/PK999/").status_code == 404


def test_map_page_works_offline_and_credits_its_sources(member_client):
    html = member_client.get("/geo/map/").content.decode()

    assert 'data-provinces-url="/api/geo/boundaries?level=1"' in html
    assert 'data-districts-url="/api/geo/boundaries?level=2"' in html
    assert "/static/geo/map.js" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "CC BY-IGO 3.0" in html
    assert "© OpenStreetMap contributors" in html
    assert "do not imply official endorsement or acceptance" in html
    # the only outside address is the optional tile template; nothing is loaded from elsewhere
    assert 'src="http' not in html
    assert 'href="http' not in html


def test_site_pages_follow_scope(client, sindh_viewer, sukkur_camp, quetta_settlement):
    client.force_login(sindh_viewer)

    listed = client.get("/geo/sites/")
    inside = client.get(f"/geo/sites/{sukkur_camp.public_id}/")
    outside = client.get(f"/geo/sites/{quetta_settlement.public_id}/")

    assert [s.name for s in listed.context["page_obj"]] == ["Sukkur camp"]
    assert inside.status_code == 200
    assert outside.status_code == 404


def test_a_viewer_cannot_open_the_site_form(client, sindh_viewer, sukkur_camp):
    client.force_login(sindh_viewer)

    assert client.get("/geo/sites/new/").status_code == 403
    assert client.get(f"/geo/sites/{sukkur_camp.public_id}/edit/").status_code == 403


def test_an_editor_records_a_site_through_the_form(client, sindh_editor):
    client.force_login(sindh_editor)
    data = {"name": "Rohri camp", "kind": "camp", "admin_area": "PK72304", "latitude": "27.69", "longitude": "68.89"}

    response = client.post("/geo/sites/new/", data)

    site = Site.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/geo/sites/{site.public_id}/"
    assert AuditEvent.objects.filter(action="create", object_type="geo.site").count() == 1


def test_service_errors_show_beside_their_fields(client, sindh_editor):
    client.force_login(sindh_editor)
    data = {"name": "Rohri camp", "kind": "camp", "admin_area": "PK7", "latitude": "45", "longitude": "68.89"}

    response = client.post("/geo/sites/new/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"admin_area", "latitude"}
    assert Site.objects.count() == 0


def test_an_editor_changes_a_site_through_the_form(client, sindh_editor, sukkur_camp):
    client.force_login(sindh_editor)
    data = {"name": "Sukkur camp", "kind": "camp", "admin_area": "PK723", "latitude": "", "longitude": ""}

    response = client.post(f"/geo/sites/{sukkur_camp.public_id}/edit/", data)

    sukkur_camp.refresh_from_db()
    assert response.status_code == 302
    assert (sukkur_camp.latitude, sukkur_camp.is_active) == (None, False)


def test_crossings_page_marks_estimates_and_maps_only_trusted_points(member_client):
    response = member_client.get("/geo/crossings/")

    html = response.content.decode()
    assert len(response.context["crossings"]) == 13
    assert html.count("Unverified estimate: not shown on the map.") == 4
    assert 'data-crossings-url="/api/geo/crossings"' in html
    assert "≈ 33.15, 69.9" in html  # Ghulam Khan, marked as approximate


def test_crossing_detail_warns_about_an_estimate(member_client):
    html = member_client.get("/geo/crossings/ghulam_khan/").content.decode()

    assert "unverified estimate, not taken from any source" in html
    assert "North Waziristan" in html

"""The administrators' settings pages: the taxonomy table, a category's page and its forms; no page for others."""

from __future__ import annotations

import pytest
from django.urls import reverse

from panah.core.models import AuditEvent
from panah.feedback.models import Category, Routing, SlaTarget

pytestmark = pytest.mark.django_db

SETTINGS = reverse("feedback:settings")
INFO = reverse("feedback:settings_category", args=["info"])


def _post(client, url, action, **fields):  # type: ignore[no-untyped-def]
    return client.post(url, {"action": action, **fields})


@pytest.mark.parametrize("role", ["cfm", "psea", "auditor", "dpo"])
def test_the_settings_are_not_found_for_other_roles(make_user, login, role):
    client = login(make_user(role))

    responses = [client.get(SETTINGS), client.get(INFO), _post(client, INFO, "deactivate"),
                 client.post(SETTINGS, {"new-code": "x", "new-name": "X", "new-position": "0"})]  # fmt: skip

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert Category.objects.get(code="info").is_active is True
    assert Category.objects.filter(code="x").exists() is False


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={SETTINGS}"


def test_the_table_shows_each_category_with_its_effective_targets(make_user, login):
    client = login(make_user("admin"))

    response = client.get(SETTINGS)

    assert response.status_code == 200
    rows = {c.code: targets for c, targets in response.context["rows"]}
    assert list(rows)[:3] == ["info", "assist", "praise"]
    info = {t.step: (t.hours, t.working_time, t.default) for t in rows["info"]}
    assert info == {"triage": (24, True, True), "respond": (72, True, False), "approve": (48, True, True),
                    "close-loop": (120, True, True), "psea": (24, False, True)}  # fmt: skip
    html = response.content.decode()
    assert 'id="settings-link"' in html
    assert 'href="/cfm/settings/info/"' in html


def test_the_subnav_links_to_the_settings_for_administrators_only(make_user, login):
    officer_page = login(make_user("cfm", username="officer")).get(reverse("feedback:tickets"))
    admin_page = login(make_user("admin", username="root")).get(reverse("feedback:tickets"))

    assert 'id="settings-link"' not in officer_page.content.decode()
    assert 'id="settings-link"' in admin_page.content.decode()


def test_an_administrator_adds_a_category(make_user, login):
    client = login(make_user("admin"))

    response = client.post(SETTINGS, {"new-code": "shelter", "new-name": "Shelter", "new-position": "20",
                                      "new-needs_response": "on"})  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:settings_category", args=["shelter"])
    row = Category.objects.get(code="shelter")
    assert (row.name, row.position, row.needs_response, row.sensitive) == ("Shelter", 20, True, False)


def test_a_duplicate_code_comes_back_as_an_error_on_the_code(make_user, login):
    client = login(make_user("admin"))
    before = Category.objects.count()

    response = client.post(SETTINGS, {"new-code": "info", "new-name": "Again", "new-position": "0"})

    assert response.status_code == 422
    assert response.context["form"].errors == {"code": ["This code is already used."]}
    assert Category.objects.count() == before


def test_the_category_page_saves_names_and_flags(make_user, login):
    client = login(make_user("admin"))
    fields = {"category-code": "info", "category-name": "Information", "category-name_ur": "معلومات",
              "category-position": "0", "category-needs_response": "on"}  # fmt: skip

    response = _post(client, INFO, "category", **fields)

    assert response.status_code == 302
    info = Category.objects.get(code="info")
    assert (info.name, info.name_ur, info.needs_response, info.sensitive) == ("Information", "معلومات", True, False)


def test_turning_off_sensitive_with_sealed_reports_is_a_form_error(make_user, login):
    from panah.feedback import workflow
    from panah.feedback.tests.factories import submit

    officer = make_user("cfm", username="officer")
    workflow.ticket_triage(actor=officer, ticket=submit(officer).ticket, category=Category.objects.get(code="sea"))
    client = login(make_user("admin"))
    before = AuditEvent.objects.count()

    response = _post(client, reverse("feedback:settings_category", args=["sea"]), "category",
                     **{"category-code": "sea", "category-name": "SEA", "category-position": "7"})  # fmt: skip

    assert response.status_code == 422
    assert response.context["forms"]["category"].errors == {
        "sensitive": ["Sealed reports use this category: it stays sensitive."]
    }
    sea = Category.objects.get(code="sea")
    assert (sea.name, sea.sensitive) == ("Sexual exploitation or abuse", True)
    assert AuditEvent.objects.count() == before


def test_a_target_is_set_and_cleared_from_the_page(make_user, login):
    client = login(make_user("admin"))

    set_response = _post(client, INFO, "target-triage", **{"target-triage-hours": "4",
                         "target-triage-clock": "elapsed"})  # fmt: skip

    assert set_response.status_code == 302
    info = Category.objects.get(code="info")
    assert list(SlaTarget.objects.filter(category=info, step="triage").values_list("hours", "working_time")) == [
        (4, False)
    ]
    assert _post(client, INFO, "clear-triage").status_code == 302
    assert SlaTarget.objects.filter(category=info, step="triage").exists() is False


def test_an_hour_count_out_of_range_is_shown_on_its_form(make_user, login):
    client = login(make_user("admin"))

    response = _post(client, INFO, "target-respond", **{"target-respond-hours": "5000",
                     "target-respond-clock": "working"})  # fmt: skip

    assert response.status_code == 422
    assert list(response.context["forms"]["target-respond"].errors) == ["hours"]
    assert list(SlaTarget.objects.filter(category__code="info").values_list("step", "hours")) == [("respond", 72)]


def test_a_routing_is_added_and_removed_from_the_page(make_user, login):
    focal = make_user("cfm", "PK5", username="kp-focal")
    client = login(make_user("admin"))
    page = client.get(INFO)
    assert ("PK5", "Khyber Pakhtunkhwa (PK5), the whole province") in [
        option for _group, options in page.context["forms"]["route"].fields["area"].choices[1:] for option in options
    ]

    added = _post(client, INFO, "route", **{"route-area": "PK5", "route-focal_point": str(focal.pk)})

    assert added.status_code == 302
    routing = Routing.objects.get()
    assert (routing.category.code, routing.area.pcode, routing.focal_point) == ("info", "PK5", focal)
    assert _post(client, INFO, "unroute", **{"unroute-routing": str(routing.pk)}).status_code == 302
    assert Routing.objects.count() == 0


def test_a_focal_point_outside_the_area_is_a_form_error(make_user, login):
    sindh = make_user("cfm", "PK7", username="sindh")
    client = login(make_user("admin"))

    response = _post(client, INFO, "route", **{"route-area": "PK5", "route-focal_point": str(sindh.pk)})

    assert response.status_code == 422
    assert list(response.context["forms"]["route"].errors) == ["focal_point"]
    assert Routing.objects.count() == 0


def test_another_categorys_routing_cannot_be_removed_through_this_page(make_user, login, area):
    focal = make_user("cfm", "PK5", username="kp-focal")
    routing = Routing.objects.create(category=Category.objects.get(code="assist"), area=area("PK5"), focal_point=focal)
    client = login(make_user("admin"))

    response = _post(client, INFO, "unroute", **{"unroute-routing": str(routing.pk)})

    assert response.status_code == 404
    assert Routing.objects.filter(pk=routing.pk).exists() is True


def test_deactivating_hides_the_category_from_the_forms(make_user, login):
    from panah.feedback.selectors import category_list

    client = login(make_user("admin"))

    response = _post(client, INFO, "deactivate")

    assert response.status_code == 302
    assert "info" not in [c.code for c in category_list()]
    assert client.get(INFO).status_code == 200


def test_an_unknown_action_or_category_changes_nothing(make_user, login):
    client = login(make_user("admin"))
    before = AuditEvent.objects.count()

    responses = [_post(client, INFO, "explode").status_code, client.get("/cfm/settings/no-such/").status_code]

    assert responses == [400, 404]
    assert AuditEvent.objects.count() == before

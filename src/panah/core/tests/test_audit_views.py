from __future__ import annotations

import pytest

from panah.core import audit
from panah.core.audit import Action
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_user) -> AuditEvent:
    return audit.record(
        actor=make_user("im", username="sara"),
        action=Action.UPDATE,
        object_type="demo.thing",
        object_id="42",
        changes={"status": ["draft", "published"], "note": [None, "checked"]},
    )


@pytest.mark.parametrize("path", ["/audit/", "/audit/events/{id}/"])
def test_anonymous_is_sent_to_sign_in(client, event, path):
    url = path.format(id=event.pk)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("role", ["im", "enumerator", "site-manager"])
def test_without_the_right_every_page_is_404(sign_in, make_user, event, role):
    client = sign_in(make_user(role))
    before = AuditEvent.objects.count()

    responses = [
        client.get("/audit/"),
        client.get(f"/audit/events/{event.pk}/"),
        client.post("/audit/verify/"),
        client.get("/audit/verify/anything/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["auditor", "admin", "dpo"])
def test_audit_roles_see_the_table(sign_in, make_user, event, role):
    client = sign_in(make_user(role))

    response = client.get("/audit/", {"object_type": "demo.thing"})

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert [row["event"].pk for row in response.context["rows"]] == [event.pk]
    assert '<a href="/audit/" data-nav="audit" aria-current="page">' in html
    assert "<bdi>sara</bdi>" in html
    assert "<bdi>IOM</bdi>" in html
    assert "<bdi>draft</bdi>" in html
    assert "<bdi>published</bdi>" in html
    assert "→" in html
    assert f'href="/audit/events/{event.pk}/"' in html


def test_filters_narrow_the_table_and_the_export_link_keeps_them(sign_in, make_user, event):
    audit.record(actor=None, action=Action.READ, object_type="demo.thing", object_id="43")
    client = sign_in(make_user("auditor"))

    response = client.get("/audit/", {"object_type": "demo.thing", "action": "update", "since": "2025-01-01"})

    assert [row["event"].pk for row in response.context["rows"]] == [event.pk]
    assert (
        response.context["export_url"]
        == "/api/audit/events/export.csv?action=update&object_type=demo.thing&since=2025-01-01"
    )
    assert (
        'href="/api/audit/events/export.csv?action=update&amp;object_type=demo.thing&amp;since=2025-01-01"'
        in response.content.decode()
    )


def test_export_link_works_with_the_browser_session(sign_in, make_user, event):
    client = sign_in(make_user("auditor", username="audra"))

    response = client.get("/api/audit/events/export.csv", {"object_type": "demo.thing", "object_id": "42"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 2  # header and one event
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor_username="audra").count() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "not a date"}, "since"),
        ({"since": "2025-03-05", "until": "2025-03-01"}, "until"),
        ({"action": "nope"}, "action"),
        ({"until": "9999-12-31"}, "until"),
    ],
)
def test_bad_filter_shows_the_error_and_no_table(sign_in, make_user, params, field):
    client = sign_in(make_user("auditor"))

    response = client.get("/audit/", params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["page"] is None
    assert response.context["export_url"] == ""


def test_pages_of_fifty_keep_the_filters(sign_in, make_user):
    user = make_user("im")
    for n in range(51):
        audit.record(actor=user, action=Action.READ, object_type="demo.page", object_id=str(n))
    client = sign_in(make_user("auditor"))

    first = client.get("/audit/", {"object_type": "demo.page"})
    second = client.get("/audit/", {"object_type": "demo.page", "page": 2})

    assert len(first.context["rows"]) == 50
    assert 'href="?object_type=demo.page&amp;page=2"' in first.content.decode()
    assert [row["event"].object_id for row in second.context["rows"]] == ["0"]


def test_detail_page_shows_everything(sign_in, make_user, event):
    client = sign_in(make_user("dpo"))

    response = client.get(f"/audit/events/{event.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert event.hash in html
    assert event.prev_hash in html
    assert "<bdi>checked</bdi>" in html
    assert 'href="/audit/?object_type=demo.thing&amp;object_id=42"' in html


def test_detail_of_missing_event_is_404(sign_in, make_user):
    client = sign_in(make_user("auditor"))

    assert client.get("/audit/events/999999999/").status_code == 404


def test_verify_button_with_htmx_returns_the_panel(sign_in, make_user, event):
    client = sign_in(make_user("auditor", username="audra"))

    response = client.post("/audit/verify/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="verification"' in html
    assert "Intact" in html
    verification = AuditEvent.objects.filter(action=Action.VERIFY).latest("id")
    assert verification.actor_username == "audra"
    assert verification.metadata["ok"] is True


def test_verify_without_javascript_redirects_back_and_the_page_shows_the_result(sign_in, make_user, event):
    client = sign_in(make_user("admin"))

    posted = client.post("/audit/verify/")
    page = client.get("/audit/")

    assert (posted.status_code, posted["Location"]) == (302, "/audit/")
    assert page.context["verification"].ok is True
    assert "Intact" in page.content.decode()


def test_verification_panel_shows_problems(sign_in, make_user, event):
    from panah.core.tests.tamper import audit_guard_lifted, raw_set_changes

    with audit_guard_lifted():
        raw_set_changes(event.pk, '{"status": ["draft", "withdrawn"]}')
    client = sign_in(make_user("auditor"))

    response = client.post("/audit/verify/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "Problems found" in html
    assert f"event {event.pk}: content does not match its hash (altered)" in html


def test_verify_needs_csrf(make_user, event):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("auditor"))

    response = client.post("/audit/verify/")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.VERIFY).exists()

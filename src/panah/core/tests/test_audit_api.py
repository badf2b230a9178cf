from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from panah.core import audit
from panah.core.audit import Action
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/audit"


@pytest.fixture
def event(make_user) -> AuditEvent:
    return audit.record(
        actor=make_user("im", username="sara"),
        action=Action.UPDATE,
        object_type="demo.thing",
        object_id="42",
        changes={"status": ["draft", "published"]},
    )


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- who may read -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/events", "get"),
        ("/events/{id}", "get"),
        ("/events/export.csv", "get"),
        ("/verify", "post"),
        ("/verify/x", "get"),
    ],
)
def test_anonymous_is_401(client, event, path, method):
    before = AuditEvent.objects.count()

    response = getattr(client, method)(BASE + path.format(id=event.pk))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("roles", "area", "other_org", "expires"),
    [
        ("im", "PK", False, None),  # wrong role
        ("enumerator", "PK7", False, None),  # wrong role, narrower area
        ("auditor", "PK", False, timedelta(seconds=-1)),  # right role, expired grant
    ],
)
def test_without_the_right_lists_nothing_and_details_are_404(
    client, make_user, other_organisation, bearer, event, roles, area, other_org, expires
):
    user = make_user(roles, area, org=other_organisation if other_org else None, expires_in=expires)
    headers = bearer(user)
    before = AuditEvent.objects.count()

    listed = client.get(f"{BASE}/events", **headers)
    detail = client.get(f"{BASE}/events/{event.pk}", **headers)
    export = client.get(f"{BASE}/events/export.csv", **headers)
    verify = client.post(f"{BASE}/verify", **headers)

    assert listed.status_code == 200
    assert listed.json() == {"items": [], "count": 0}
    assert (detail.status_code, detail.json()["code"]) == (404, "not_found")
    assert export.status_code == 404
    assert verify.status_code == 404
    assert AuditEvent.objects.count() == before  # no export and no verification was recorded


@pytest.mark.parametrize(
    ("role", "area", "other_org"),
    [
        ("auditor", "PK", False),
        ("auditor", "PK7", True),  # the trail is not split by area or organisation
        ("admin", "PK", False),
        ("dpo", "PK", False),
    ],
)
def test_audit_roles_read_the_event(client, make_user, other_organisation, bearer, event, role, area, other_org):
    headers = bearer(make_user(role, area, org=other_organisation if other_org else None))

    listed = client.get(f"{BASE}/events", {"object_type": "demo.thing"}, **headers)
    detail = client.get(f"{BASE}/events/{event.pk}", **headers)

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert [e["id"] for e in listed.json()["items"]] == [event.pk]
    assert detail.status_code == 200
    body = detail.json()
    assert body["actor_username"] == "sara"
    assert body["actor_organisation"] == "IOM"
    assert body["changes"] == {"status": ["draft", "published"]}
    assert (body["prev_hash"], body["hash"]) == (event.prev_hash, event.hash)


def test_missing_event_is_404(client, make_user, bearer):
    response = client.get(f"{BASE}/events/999999999", **bearer(make_user("auditor")))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


# --- filters and paging ----------------------------------------------------------------------------------------


def test_list_is_newest_first_and_paginated(client, make_user, bearer):
    user = make_user("im")
    ids = [audit.record(actor=user, action=Action.READ, object_type="demo.page", object_id=str(n)).pk for n in range(5)]
    headers = bearer(make_user("auditor"))

    first = client.get(f"{BASE}/events", {"object_type": "demo.page", "limit": 2}, **headers).json()
    third = client.get(f"{BASE}/events", {"object_type": "demo.page", "limit": 2, "offset": 4}, **headers).json()

    assert first["count"] == 5
    assert [e["id"] for e in first["items"]] == [ids[4], ids[3]]
    assert [e["id"] for e in third["items"]] == [ids[0]]


def test_filters_combine(client, make_user, bearer, event):
    user = make_user("im", username="omar")
    audit.record(actor=user, action=Action.UPDATE, object_type="demo.thing", object_id="43")
    audit.record(actor=user, action=Action.DELETE, object_type="demo.thing", object_id="42")
    headers = bearer(make_user("auditor"))

    by_object = client.get(f"{BASE}/events", {"object_type": "demo.thing", "object_id": "42"}, **headers).json()
    by_user = client.get(f"{BASE}/events", {"actor_username": "omar", "action": "update"}, **headers).json()
    today = client.get(
        f"{BASE}/events", {"object_type": "demo.thing", "since": event.occurred_at.date().isoformat()}, **headers
    ).json()

    assert [e["object_id"] for e in by_object["items"]] == ["42", "42"]
    assert [(e["actor_username"], e["object_id"]) for e in by_user["items"]] == [("omar", "43")]
    assert today["count"] >= 2  # date bounds are whole days in mission time; the UTC date may differ by one


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2025-13-01"}, "until"),
        ({"since": "2025-03-01T25:00"}, "since"),
        ({"since": "2025-03-05", "until": "2025-03-01"}, "until"),
        ({"limit": 0}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**20}, "offset"),
        ({"object_id": "\x00"}, "object_id"),
        ({"since": "0001-01-01"}, "since"),
        ({"until": "9999-12-31"}, "until"),
        ({"object_id": "x" * 101}, "object_id"),
        ({"action": "a" * 65}, "action"),
    ],
)
def test_bad_filter_is_422_naming_the_field(client, make_user, bearer, params, field):
    response = client.get(f"{BASE}/events", params, **bearer(make_user("auditor")))

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_bad_filter_on_export_is_422_and_not_audited(client, make_user, bearer):
    headers = bearer(make_user("auditor"))
    before = AuditEvent.objects.count()

    response = client.get(f"{BASE}/events/export.csv", {"since": "2025-03-05", "until": "2025-03-01"}, **headers)

    assert response.status_code == 422
    assert AuditEvent.objects.count() == before


# --- export ----------------------------------------------------------------------------------------------------


def test_export_streams_filtered_csv_and_is_itself_audited(client, make_user, bearer, event):
    other = audit.record(actor=None, action=Action.READ, object_type="demo.other", object_id="1")
    auditor = make_user("auditor", username="audra")
    headers = bearer(auditor)

    response = client.get(f"{BASE}/events/export.csv", {"object_type": "demo.thing"}, **headers)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = _csv(response)
    assert [r["id"] for r in rows] == [str(event.pk)]
    row = rows[0]
    assert (row["actor_username"], row["actor_organisation"], row["action"]) == ("sara", "IOM", "update")
    assert (row["object_type"], row["object_id"]) == ("demo.thing", "42")
    assert row["changes"] == '{"status": ["draft", "published"]}'
    assert (row["prev_hash"], row["hash"]) == (event.prev_hash, event.hash)
    assert str(other.pk) not in [r["id"] for r in rows]
    export = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert export.actor_username == "audra"
    assert export.metadata == {
        "format": "csv",
        "filters": {"object_type": "demo.thing"},
        "rows": 1,
        "up_to_event": export.metadata["up_to_event"],
    }
    assert export.metadata["up_to_event"] < export.pk


def test_export_neutralises_spreadsheet_formulas(client, make_user, bearer):
    audit.record(actor=None, action=Action.READ, object_type="demo.thing", object_id='=HYPERLINK("http://x")')

    rows = _csv(client.get(f"{BASE}/events/export.csv", {"object_type": "demo.thing"}, **bearer(make_user("dpo"))))

    assert rows[0]["object_id"] == '\'=HYPERLINK("http://x")'


# --- verification ----------------------------------------------------------------------------------------------


def test_verify_runs_and_its_outcome_is_on_the_trail(client, make_user, bearer, event):
    auditor = make_user("auditor", username="audra")
    headers = bearer(auditor)

    queued = client.post(f"{BASE}/verify", **headers)
    body = queued.json()
    polled = client.get(f"{BASE}/verify/{body['task_id']}", **headers)

    assert queued.status_code == 202
    assert (body["status"], body["finished"], body["ok"], body["problem_count"], body["problems"]) == (
        "SUCCESSFUL",
        True,
        True,
        0,
        [],
    )
    recorded = AuditEvent.objects.get(pk=body["event_id"])
    assert (recorded.action, recorded.actor_username) == (Action.VERIFY, "audra")
    assert recorded.metadata["task_id"] == body["task_id"]
    assert recorded.metadata["checked"] == body["checked"] == AuditEvent.objects.filter(pk__lt=recorded.pk).count()
    assert polled.status_code == 200
    assert polled.json()["event_id"] == recorded.pk
    assert polled.json()["ok"] is True


def test_verify_reports_a_broken_chain(client, make_user, bearer, event):
    from panah.core.tests.tamper import audit_guard_lifted, raw_set_changes

    with audit_guard_lifted():
        raw_set_changes(event.pk, '{"status": ["draft", "withdrawn"]}')

    body = client.post(f"{BASE}/verify", **bearer(make_user("admin"))).json()

    assert (body["status"], body["ok"], body["problem_count"]) == ("SUCCESSFUL", False, 1)
    assert body["problems"] == [f"event {event.pk}: content does not match its hash (altered)"]


def test_unknown_verification_is_404(client, make_user, bearer):
    response = client.get(f"{BASE}/verify/does-not-exist", **bearer(make_user("auditor")))

    assert response.status_code == 404

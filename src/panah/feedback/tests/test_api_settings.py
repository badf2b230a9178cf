"""The feedback settings API: administrators configure the taxonomy, targets and routing; nobody else sees it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panah.accounts import services as account_services
from panah.core.models import AuditEvent
from panah.feedback import workflow
from panah.feedback.models import Category, Routing, SlaTarget, Ticket
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

BASE = "/api/feedback/settings"
NEW = {"code": "shelter", "name": "Shelter and items", "name_ur": "پناہ", "routing": "Shelter cluster", "position": 3}


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=user, name='test').secret}"}


def call(client: Any, user: Any, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = bearer(user)
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"{BASE}{path}", **kwargs)


def snapshot() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    categories = list(Category.objects.order_by("pk").values_list())
    targets = list(SlaTarget.objects.order_by("pk").values_list())
    routings = list(Routing.objects.order_by("pk").values_list())
    writes = AuditEvent.objects.filter(object_type__startswith="feedback").exclude(action="read")
    return categories, targets, routings, writes.count()


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def target(body: dict[str, Any], step: str) -> dict[str, Any]:
    return next(t for t in body["targets"] if t["step"] == step)


# --- reads --------------------------------------------------------------------------------------------------------


def test_the_taxonomy_lists_every_category_with_effective_targets_and_routings(client, make_user, area):
    admin = make_user("admin")
    focal = make_user("cfm", "PK5", username="kp-focal")
    Routing.objects.create(category=Category.objects.get(code="assist"), area=area("PK5"), focal_point=focal)
    Category.objects.filter(code="praise").update(is_active=False)

    response = call(client, admin, "get", "/categories")

    assert response.status_code == 200
    rows = {c["code"]: c for c in response.json()}
    assert len(rows) == Category.objects.count() == 13
    assert rows["praise"]["active"] is False
    assert rows["assist"]["routings"] == [{"area": "PK5", "area_name": area("PK5").name, "focal_point": "kp-focal"}]
    assert rows["safety"]["targets"] == [
        {"step": "triage", "hours": 4, "working_time": False, "default": False},
        {"step": "respond", "hours": 24, "working_time": False, "default": False},
        {"step": "approve", "hours": 48, "working_time": True, "default": True},
        {"step": "close-loop", "hours": 120, "working_time": True, "default": True},
        {"step": "psea", "hours": 24, "working_time": False, "default": True},
    ]
    info = rows["info"]
    assert (info["name"], info["sensitive"], info["needs_response"], info["position"], info["routings"]) == (
        "Request for information", False, True, 0, [],
    )  # fmt: skip


def test_the_taxonomy_is_read_in_a_few_queries_however_many_categories_and_routings(client, make_user, area):
    admin = make_user("admin")
    focal = make_user("cfm", "PK5", username="kp-focal")
    auth = bearer(admin)
    client.get(f"{BASE}/categories", **auth)  # a token's first use is recorded once

    with CaptureQueriesContext(connection) as bare:
        client.get(f"{BASE}/categories", **auth)
    for code in ("info", "assist", "complaint"):
        for pcode in ("PK5", "PK506"):
            Routing.objects.create(category=Category.objects.get(code=code), area=area(pcode), focal_point=focal)
    with CaptureQueriesContext(connection) as routed:
        response = client.get(f"{BASE}/categories", **auth)

    assert sum(len(c["routings"]) for c in response.json()) == 6
    assert len(routed.captured_queries) == len(bare.captured_queries) < Category.objects.count()  # none per row


# --- categories ---------------------------------------------------------------------------------------------------


def test_admin_creates_a_category(client, make_user):
    admin = make_user("admin")

    response = call(client, admin, "post", "/categories", NEW)

    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["name"], body["name_ur"], body["position"], body["active"]) == (
        "shelter", "Shelter and items", "پناہ", 3, True,
    )  # fmt: skip
    assert all(t["default"] for t in body["targets"])
    row = Category.objects.get(code="shelter")
    assert (row.name, row.routing, row.sensitive, row.needs_response) == ("Shelter and items", "Shelter cluster",
                                                                          False, True)  # fmt: skip
    assert AuditEvent.objects.filter(object_type="feedback.category", action="create").count() == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"code": "No Spaces!", "name": "  ", "position": -1}, ["code", "name", "position"]),
        ({"code": "info", "name": "Information again"}, ["code"]),
        ({"code": "shelter", "name": "x" * 121}, ["name"]),
    ],
)
def test_a_bad_category_is_refused_naming_each_field_and_nothing_is_created(client, make_user, body, expected):
    admin = make_user("admin")
    before = snapshot()

    response = call(client, admin, "post", "/categories", body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert fields(response) == expected
    assert snapshot() == before


def test_a_category_with_a_nul_in_its_name_is_refused_by_the_schema(client, make_user):
    before = snapshot()

    response = call(client, make_user("admin"), "post", "/categories", {"code": "shelter", "name": "a\x00b"})

    assert (response.status_code, fields(response)) == (422, ["name"])
    assert snapshot() == before


def test_admin_changes_names_flags_position_and_deactivates(client, make_user):
    admin = make_user("admin")
    patch = {"name": "Assistance", "name_ur": "امداد", "needs_response": False, "position": 9, "active": False}

    response = call(client, admin, "patch", "/categories/assist", patch)

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["name_ur"], body["needs_response"], body["position"], body["active"]) == (
        "Assistance", "امداد", False, 9, False,
    )  # fmt: skip
    row = Category.objects.get(code="assist")
    assert (row.name, row.name_ur, row.needs_response, row.position, row.is_active, row.sensitive) == (
        "Assistance", "امداد", False, 9, False, False,
    )  # fmt: skip


def test_admin_activates_a_deactivated_category_and_leaves_the_rest(client, make_user):
    Category.objects.filter(code="praise").update(is_active=False)
    before = Category.objects.values().get(code="praise")

    response = call(client, make_user("admin"), "patch", "/categories/praise", {"active": True, "name": None})

    assert (response.status_code, response.json()["active"]) == (200, True)
    assert Category.objects.values().get(code="praise") == {**before, "is_active": True}


def test_a_refused_change_deactivates_nothing(client, make_user):
    officer = make_user("cfm", username="officer")
    workflow.ticket_triage(actor=officer, ticket=submit(officer).ticket, category=Category.objects.get(code="sea"))
    before = snapshot()

    response = call(client, make_user("admin"), "patch", "/categories/sea", {"sensitive": False, "active": False})

    assert (response.status_code, fields(response)) == (422, ["sensitive"])
    assert response.json()["errors"][0]["code"] == "sealed_in_use"
    assert snapshot() == before


def test_an_unknown_category_is_404(client, make_user):
    admin = make_user("admin")

    responses = [
        call(client, admin, "patch", "/categories/nothing", {"name": "x"}),
        call(client, admin, "put", "/categories/nothing/targets/triage", {"hours": 5}),
        call(client, admin, "delete", "/categories/nothing/routings/PK5"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "not_found")] * 3


# --- targets ------------------------------------------------------------------------------------------------------


def test_admin_sets_a_target_then_clears_it_back_to_the_default(client, make_user):
    admin = make_user("admin")

    put = call(client, admin, "put", "/categories/assist/targets/triage", {"hours": 8, "working_time": False})

    assert put.status_code == 200
    assert target(put.json(), "triage") == {"step": "triage", "hours": 8, "working_time": False, "default": False}
    assert list(SlaTarget.objects.filter(category__code="assist").values_list("step", "hours")) == [("triage", 8)]

    cleared = call(client, admin, "delete", "/categories/assist/targets/triage")

    assert cleared.status_code == 204
    assert not SlaTarget.objects.filter(category__code="assist").exists()
    listed = {c["code"]: c for c in call(client, admin, "get", "/categories").json()}
    assert target(listed["assist"], "triage") == {"step": "triage", "hours": 24, "working_time": True, "default": True}


@pytest.mark.parametrize(("method", "body"), [("put", {"hours": 5}), ("delete", None)])
def test_an_unknown_step_is_404_and_nothing_changes(client, make_user, method, body):
    before = snapshot()

    response = call(client, make_user("admin"), method, "/categories/info/targets/later", body)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert snapshot() == before


@pytest.mark.parametrize("hours", [0, 24 * 60 + 1])
def test_a_target_out_of_range_is_refused_naming_hours(client, make_user, hours):
    before = snapshot()

    response = call(client, make_user("admin"), "put", "/categories/info/targets/respond", {"hours": hours})

    assert (response.status_code, fields(response)) == (422, ["hours"])
    assert snapshot() == before


def test_a_target_set_over_the_api_gives_the_next_triage_its_due_time(client, make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")

    response = call(client, admin, "put", "/categories/assist/targets/respond", {"hours": 6, "working_time": False})
    ticket = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=ticket, category=Category.objects.get(code="assist"))

    assert response.status_code == 200
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.sla_step, ticket.due_at) == ("respond", ticket.sla_started_at + timedelta(hours=6))


# --- routings -----------------------------------------------------------------------------------------------------


def test_admin_routes_a_category_then_stops_routing_it(client, make_user):
    admin = make_user("admin")
    make_user("cfm", "PK5", username="kp-focal")

    put = call(client, admin, "put", "/categories/assist/routings/PK506", {"focal_point": "kp-focal"})

    assert put.status_code == 200
    assert [(r["area"], r["focal_point"]) for r in put.json()["routings"]] == [("PK506", "kp-focal")]
    assert list(Routing.objects.values_list("category__code", "area__pcode", "focal_point__username")) == [
        ("assist", "PK506", "kp-focal")
    ]

    removed = call(client, admin, "delete", "/categories/assist/routings/PK506")

    assert removed.status_code == 204
    assert not Routing.objects.exists()


@pytest.mark.parametrize(
    ("code", "focal_point", "expected"),
    [
        ("assist", "nobody", ["focal_point"]),
        ("assist", "sindh-officer", ["focal_point"]),  # does not cover the area
        ("sea", "kp-focal", ["category"]),  # sealed reports go to the PSEA focal points only
    ],
)
def test_a_bad_routing_is_refused_naming_the_field(client, make_user, code, focal_point, expected):
    admin = make_user("admin")
    make_user("cfm", "PK5", username="kp-focal")
    make_user("cfm", "PK7", username="sindh-officer")
    before = snapshot()

    response = call(client, admin, "put", f"/categories/{code}/routings/PK506", {"focal_point": focal_point})

    assert (response.status_code, fields(response)) == (422, expected)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [("put", "/categories/assist/routings/PK999"),
                                              ("delete", "/categories/assist/routings/PK506")])  # fmt: skip
def test_an_unknown_area_or_routing_is_404(client, make_user, method, path):
    make_user("cfm", "PK5", username="kp-focal")
    before = snapshot()

    response = call(client, make_user("admin"), method, path, {"focal_point": "kp-focal"} if method == "put" else None)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert snapshot() == before


# --- who ----------------------------------------------------------------------------------------------------------

ROUTES = [
    ("get", "/categories", None),
    ("post", "/categories", NEW),
    ("patch", "/categories/assist", {"name": "Assistance", "active": False}),
    ("put", "/categories/assist/targets/triage", {"hours": 8}),
    ("delete", "/categories/info/targets/respond", None),
    ("put", "/categories/assist/routings/PK506", {"focal_point": "kp-focal"}),
    ("delete", "/categories/info/routings/PK506", None),
]


@pytest.mark.parametrize("role", ["cfm", "psea", "auditor", "dpo", "im", "enumerator"])
@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_anyone_but_an_administrator_finds_no_such_api_and_nothing_changes(client, make_user, area, role, method,
                                                                           path, body):  # fmt: skip
    focal = make_user("cfm", "PK5", username="kp-focal")
    Routing.objects.create(category=Category.objects.get(code="info"), area=area("PK506"), focal_point=focal)
    before = snapshot()

    response = call(client, make_user(role), method, path, body)

    assert (response.status_code, response.json()) == (404, {
        "type": "/api/docs#errors-not_found", "title": "No such record.", "status": 404, "code": "not_found",
        "errors": [],
    })  # fmt: skip
    assert snapshot() == before


def test_anonymous_is_401(client):
    before = snapshot()

    response = client.post(f"{BASE}/categories", json.dumps(NEW), content_type="application/json")

    assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")
    assert snapshot() == before

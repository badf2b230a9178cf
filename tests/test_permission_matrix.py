"""Every role × every API endpoint × (in scope, out of scope, other organisation, anonymous).

The expectations are written out here by hand from the access rules a mission agreed, not derived from the
policy code, so a change to a rule that nobody meant shows up as a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from panah.accounts import services as account_services
from panah.core import audit
from panah.core.roles import Role
from panah.feedback.models import Category, Routing
from panah.feedback.tests.factories import submit
from panah.geo.models import Site

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]
SITE_VIEWERS = {
    "admin",
    "im",
    "enumerator",
    "site-manager",
    "registration",
    "cash",
    "pipeline",
    "caseworker",
    "case-supervisor",
    "cfm",
    "partner-viewer",
    "auditor",
}
SITE_EDITORS = {"admin", "im", "site-manager"}
DIRECTORY_READERS = {"admin", "auditor", "dpo"}
AUDIT_READERS = {"admin", "auditor", "dpo"}
SITUATIONS = ["in_scope", "out_of_scope", "other_org", "anonymous"]


@dataclass
class World:
    """What each situation points at: a record inside the Sindh user's scope and one outside it."""

    site_in: Site
    site_out: Site
    colleague: Any  # a user of the same organisation as the caller
    colleague_token_id: int
    event_id: int
    tickets: dict[str, str]  # references: "in"/"out" of the caller's area, and the sealed ones


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[World, str, Any], str]
    allowed: Callable[[str, str], int]  # (role, situation) -> expected status for a signed-in caller
    body: dict[str, Any] | None = None


def _site(world: World, situation: str, caller: Any) -> str:
    site = world.site_out if situation == "out_of_scope" else world.site_in
    return str(site.public_id)


def _reference(role: str, situation: str) -> int:
    return 200


def _site_view(role: str, situation: str) -> int:
    return 200 if role in SITE_VIEWERS and situation != "out_of_scope" else 404


def _site_list(role: str, situation: str) -> int:
    return 200


def _site_edit(role: str, situation: str) -> int:
    if situation == "out_of_scope":
        return 404
    if role in SITE_EDITORS:
        return 200
    # Someone who may see the site but not change it is told so; someone who may not see it learns nothing.
    return 403 if role in SITE_VIEWERS else 404


def _directory(role: str, situation: str) -> int:
    return 200 if role in DIRECTORY_READERS else 404


def _directory_list(role: str, situation: str) -> int:
    return 200


def _audit(role: str, situation: str) -> int:
    return 200 if role in AUDIT_READERS else 404


def _own_token(role: str, situation: str) -> int:
    return 200


def _colleague_token_delete(role: str, situation: str) -> int:
    return 204 if role == "admin" else 404


# Complaints and feedback (panah.feedback.policy): the CFM team and administrators handle unsealed tickets, auditors
# and data-protection officers read them; partner staff see their own organisation's only, administrators, auditors
# and data-protection officers every organisation's. Sealed tickets: the PSEA focal point only, in its areas, and
# nobody else at all. Any staff member records a ticket; every member reads the taxonomy.
TICKET_READERS = {"admin", "cfm", "auditor", "dpo"}
TICKET_HANDLERS = {"admin", "cfm"}
ACROSS_ORGANISATIONS = {"admin", "auditor", "dpo"}


def _ticket(world: World, situation: str, caller: Any, sealed: bool = False) -> str:
    return world.tickets[("sealed " if sealed else "") + ("out" if situation == "out_of_scope" else "in")]


def _ticket_rule(roles: set[str]) -> Callable[[str, str], int]:
    def rule(role: str, situation: str) -> int:
        if situation == "out_of_scope" or role not in roles:
            return 404
        if situation == "other_org" and role not in ACROSS_ORGANISATIONS:
            return 404
        return 200

    return rule


def _sealed_ticket(role: str, situation: str) -> int:
    return 200 if role == "psea" and situation == "in_scope" else 404


def _sealed_list(role: str, situation: str) -> int:
    return 200 if role == "psea" else 404


def _record(role: str, situation: str) -> int:
    return 201


FEEDBACK_BODY = {"channel": "staff", "area": "PK719", "description": "Heard at the water point."}


# The feedback settings (taxonomy, targets, routing) are the system administrators' (of any organisation, as the role
# is the platform's): to anyone else the surface does not exist, reads and changes alike.
def _settings(allowed: int) -> Callable[[str, str], int]:
    return lambda role, situation: allowed if role == "admin" else 404


SETTINGS = "/api/feedback/settings/categories"


ENDPOINTS = [
    Endpoint("me", "get", lambda w, s, c: "/api/accounts/me", _reference),
    Endpoint("organisations", "get", lambda w, s, c: "/api/accounts/organisations", _reference),
    Endpoint("area search", "get", lambda w, s, c: "/api/geo/areas?q=sindh", _reference),
    Endpoint("area detail", "get", lambda w, s, c: "/api/geo/areas/PK707", _reference),
    Endpoint("area children", "get", lambda w, s, c: "/api/geo/areas/PK7/children", _reference),
    Endpoint("crossing list", "get", lambda w, s, c: "/api/geo/crossings", _reference),
    Endpoint("crossing detail", "get", lambda w, s, c: "/api/geo/crossings/torkham", _reference),
    Endpoint("site list", "get", lambda w, s, c: "/api/geo/sites", _site_list),
    Endpoint("site detail", "get", lambda w, s, c: f"/api/geo/sites/{_site(w, s, c)}", _site_view),
    Endpoint(
        "site update", "patch", lambda w, s, c: f"/api/geo/sites/{_site(w, s, c)}", _site_edit, {"name": "Renamed site"}
    ),
    Endpoint("user list", "get", lambda w, s, c: "/api/accounts/users", _directory_list),
    Endpoint("user detail", "get", lambda w, s, c: f"/api/accounts/users/{w.colleague.pk}", _directory),
    Endpoint("user roles", "get", lambda w, s, c: f"/api/accounts/users/{w.colleague.pk}/role-assignments", _directory),
    Endpoint("audit list", "get", lambda w, s, c: "/api/audit/events", _site_list),
    Endpoint("audit detail", "get", lambda w, s, c: f"/api/audit/events/{w.event_id}", _audit),
    Endpoint("my tokens", "get", lambda w, s, c: "/api/accounts/tokens", _own_token),
    Endpoint(
        "colleague token revoke",
        "delete",
        lambda w, s, c: f"/api/accounts/tokens/{w.colleague_token_id}",
        _colleague_token_delete,
    ),
    Endpoint("feedback record", "post", lambda w, s, c: "/api/feedback/tickets", _record, FEEDBACK_BODY),
    Endpoint("feedback list", "get", lambda w, s, c: "/api/feedback/tickets", _reference),
    Endpoint("feedback overdue", "get", lambda w, s, c: "/api/feedback/overdue", _reference),
    Endpoint("feedback categories", "get", lambda w, s, c: "/api/feedback/categories", _reference),
    Endpoint(
        "feedback detail",
        "get",
        lambda w, s, c: f"/api/feedback/tickets/{_ticket(w, s, c)}",
        _ticket_rule(TICKET_READERS),
    ),
    Endpoint(
        "feedback triage",
        "post",
        lambda w, s, c: f"/api/feedback/tickets/{_ticket(w, s, c)}/triage",
        _ticket_rule(TICKET_HANDLERS),
        {"category": "assist"},
    ),
    Endpoint(
        "feedback note",
        "post",
        lambda w, s, c: f"/api/feedback/tickets/{_ticket(w, s, c)}/notes",
        _ticket_rule(TICKET_HANDLERS),
        {"text": "Called back."},
    ),
    Endpoint(
        "feedback detail of a sealed ticket",
        "get",
        lambda w, s, c: f"/api/feedback/tickets/{_ticket(w, s, c, sealed=True)}",
        lambda role, situation: 404,
    ),
    Endpoint("feedback sealed list", "get", lambda w, s, c: "/api/feedback/sealed", _sealed_list),
    Endpoint(
        "feedback sealed detail",
        "get",
        lambda w, s, c: f"/api/feedback/sealed/{_ticket(w, s, c, sealed=True)}",
        _sealed_ticket,
    ),
    Endpoint(
        "feedback sealed note",
        "post",
        lambda w, s, c: f"/api/feedback/sealed/{_ticket(w, s, c, sealed=True)}/notes",
        _sealed_ticket,
        {"text": "Told the person the report was made."},
    ),
    Endpoint("feedback settings", "get", lambda w, s, c: SETTINGS, _settings(200)),
    Endpoint(
        "feedback settings category create",
        "post",
        lambda w, s, c: SETTINGS,
        _settings(201),
        {"code": "shelter", "name": "Shelter and items"},
    ),
    Endpoint(
        "feedback settings category change",
        "patch",
        lambda w, s, c: f"{SETTINGS}/assist",
        _settings(200),
        {"name": "Assistance", "active": False},
    ),
    Endpoint(
        "feedback settings target set",
        "put",
        lambda w, s, c: f"{SETTINGS}/assist/targets/triage",
        _settings(200),
        {"hours": 8, "working_time": False},
    ),
    Endpoint(
        "feedback settings target clear", "delete", lambda w, s, c: f"{SETTINGS}/info/targets/respond", _settings(204)
    ),
    Endpoint(
        "feedback settings routing set",
        "put",
        lambda w, s, c: f"{SETTINGS}/assist/routings/PK719",
        _settings(200),
        {"focal_point": "sindh-focal"},
    ),
    Endpoint(
        "feedback settings routing remove", "delete", lambda w, s, c: f"{SETTINGS}/info/routings/PK719", _settings(204)
    ),
]


@pytest.fixture
def world(make_user, area, organisation) -> World:
    colleague = make_user("enumerator", "PK707", org=organisation, username="colleague")
    token = account_services.token_create(actor=colleague, name="colleague's")
    event = audit.record(actor=colleague, action="test.event", object_type="test", object_id="1")
    tickets = {
        "in": submit(colleague, area="PK719").ticket.reference,
        "out": submit(colleague, area="PK222").ticket.reference,
        "sealed in": submit(colleague, area="PK719", screening="yes").ticket.reference,
        "sealed out": submit(colleague, area="PK222", screening="yes").ticket.reference,
    }
    focal_point = make_user("cfm", "PK7", org=organisation, username="sindh-focal")
    Routing.objects.create(category=Category.objects.get(code="info"), area=area("PK719"), focal_point=focal_point)
    return World(
        site_in=Site.objects.create(name="Nawabshah camp", kind="camp", admin_area=area("PK719")),
        site_out=Site.objects.create(name="Quetta settlement", kind="informal_settlement", admin_area=area("PK222")),
        colleague=colleague,
        colleague_token_id=token.token.pk,
        event_id=event.pk,
        tickets=tickets,
    )


def _caller(make_user, other_organisation, role: str, situation: str) -> Any:
    org = other_organisation if situation == "other_org" else None
    return make_user(role, "PK7", org=org)


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(client, make_user, other_organisation, world, endpoint, role, situation):
    headers = {}
    if situation != "anonymous":
        caller = _caller(make_user, other_organisation, role, situation)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {account_services.token_create(actor=caller, name='matrix').secret}"
    expected = 401 if situation == "anonymous" else endpoint.allowed(role, situation)
    kwargs: dict[str, Any] = {"content_type": "application/json"} if endpoint.body is not None else {}
    path = endpoint.path(world, situation, None)

    response = (
        getattr(client, endpoint.method)(path, endpoint.body, **kwargs, **headers)
        if endpoint.body
        else getattr(client, endpoint.method)(path, **headers)
    )

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_and_counts_hold_only_what_is_in_scope(client, make_user, world, role):
    caller = make_user(role, "PK7")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=caller, name='matrix').secret}"}

    body = client.get("/api/geo/sites", **auth).json()
    names = {item["name"] for item in body["items"]}

    if role in SITE_VIEWERS:
        assert names == {"Nawabshah camp"}
        assert body["count"] == 1
    else:
        assert names == set()
        assert body["count"] == 0


@pytest.mark.parametrize("role", ALL_ROLES)
def test_audit_list_counts_follow_role(client, make_user, world, role):
    caller = make_user(role, "PK7")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=caller, name='matrix').secret}"}

    body = client.get("/api/audit/events?action=test.event", **auth).json()

    assert body["count"] == (1 if role in AUDIT_READERS else 0)

from __future__ import annotations

import pytest

from panah.accounts import services
from panah.accounts.models import RoleAssignment
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {services.token_create(actor=user, name='test').secret}"}


def test_me_with_token_lists_roles_and_scope(client, make_user):
    user = make_user(["im", "enumerator"], "PK7")

    response = client.get("/api/accounts/me", **_bearer(user))

    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == ["enumerator", "im"]
    assert {(s["role"], s["area_pcode"]) for s in body["scope"]} == {("im", "PK7"), ("enumerator", "PK7")}
    assert body["organisation"] == "IOM"


def test_anonymous_gets_problem_json_401(client):
    response = client.get("/api/accounts/me")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_bad_token_is_401_not_500(client):
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer pnh_zz_" + "x" * 500)

    assert response.status_code == 401


def test_admin_grants_role_over_api(client, make_user):
    admin = make_user("admin")
    subject = make_user()

    response = client.post(
        "/api/accounts/role-assignments",
        {"user_id": subject.pk, "role": "site-manager", "area_pcode": "PK2", "reason": "camp in Quetta"},
        content_type="application/json",
        **_bearer(admin),
    )

    assert response.status_code == 201
    assert response.json()["area_pcode"] == "PK2"
    assert RoleAssignment.objects.filter(user=subject, role="site-manager").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "wizard", "area_pcode": "PK"}, "role"),
        ({"role": "im", "area_pcode": "PK999"}, "area_pcode"),
        ({"role": "im", "area_pcode": "PK", "operation_code": "nope"}, "operation_code"),
        ({"role": "im", "area_pcode": "PK", "expires_at": "yesterday"}, "expires_at"),
        ({"role": "im", "area_pcode": "PK", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ],
)
def test_grant_with_bad_field_is_422_naming_it(client, make_user, payload, field):
    admin = make_user("admin")
    subject = make_user()

    response = client.post(
        "/api/accounts/role-assignments",
        {"user_id": subject.pk, **payload},
        content_type="application/json",
        **_bearer(admin),
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not RoleAssignment.objects.filter(user=subject).exists()


def test_grant_by_non_admin_is_refused_and_nothing_changes(client, make_user):
    im = make_user("im")
    subject = make_user()

    response = client.post(
        "/api/accounts/role-assignments",
        {"user_id": subject.pk, "role": "im", "area_pcode": "PK"},
        content_type="application/json",
        **_bearer(im),
    )

    # The im officer may not see the user directory: the subject looks like a user that does not exist.
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=subject).exists()


def test_revoke_over_api(client, make_user):
    admin = make_user("admin")
    subject = make_user("im", "PK7")
    assignment = RoleAssignment.objects.get(user=subject)

    response = client.post(
        f"/api/accounts/role-assignments/{assignment.pk}/revoke",
        {"reason": "contract ended"},
        content_type="application/json",
        **_bearer(admin),
    )

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    again = client.post(
        f"/api/accounts/role-assignments/{assignment.pk}/revoke", {}, content_type="application/json", **_bearer(admin)
    )
    assert again.status_code == 409


def test_token_lifecycle_over_api(client, make_user):
    user = make_user("enumerator", "PK707")
    auth = _bearer(user)

    created = client.post("/api/accounts/tokens", {"name": "odk", "days": 7}, content_type="application/json", **auth)
    token = created.json()["token"]
    token_id = created.json()["id"]
    listed = client.get("/api/accounts/tokens", **auth)
    revoked = client.delete(f"/api/accounts/tokens/{token_id}", **auth)
    after = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert created.status_code == 201
    assert token_id in [t["id"] for t in listed.json()]
    assert all("token" not in t and "key_hash" not in t for t in listed.json())
    assert revoked.status_code == 204
    assert after.status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(token_id)).count() == 1


def test_other_users_token_looks_missing(client, make_user):
    owner = make_user("im")
    other = make_user("im")
    issued = services.token_create(actor=owner, name="a")

    response = client.delete(f"/api/accounts/tokens/{issued.token.pk}", **_bearer(other))

    assert response.status_code == 404
    assert response.json()["title"] == "No such api token."


def test_session_api_requires_second_factor_for_sensitive_roles(client, make_user):
    psea = make_user("psea")
    client.force_login(psea)

    response = client.get("/api/accounts/me")

    assert response.status_code == 401


def test_user_directory_is_admin_auditor_dpo_only(client, make_user):
    target = make_user()
    for role, expected in [("admin", 200), ("auditor", 200), ("dpo", 200), ("im", 404), ("psea", 404)]:
        response = client.get(f"/api/accounts/users/{target.pk}", **_bearer(make_user(role)))
        assert response.status_code == expected, role

from __future__ import annotations

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from panah.accounts.models import RoleAssignment, User
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_page_signs_in_and_redirects_home(client, make_user):
    make_user("im", username="sara")

    response = client.post("/accounts/login/", {"username": "sara", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_one_message_and_401(client, make_user):
    make_user("im", username="sara")

    response = client.post("/accounts/login/", {"username": "sara", "password": "nope"})

    assert response.status_code == 401
    assert b"Wrong username or password" in response.content


def test_open_redirect_is_refused(client, make_user):
    make_user("im", username="sara")

    response = client.post("/accounts/login/?next=https://evil.example/", {"username": "sara", "password": PASSWORD})

    assert response["Location"] == "/"


def test_home_shows_scope(client, make_user):
    user = make_user("site-manager", "PK7")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert "Site manager" in response.content.decode()
    assert "PK7" in response.content.decode()


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sensitive_role_must_enrol_totp_before_any_page(client, make_user):
    user = make_user("psea", username="focal")
    client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    blocked = client.get("/")
    page = client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post("/accounts/2fa/", {"code": "000000" if _code(device) != "000000" else "111111"})
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a caller wait after a failure; the test does not sleep
    right = client.post("/accounts/2fa/", {"code": _code(device)})

    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/2fa/"
    assert b"<svg" in page.content
    assert wrong.status_code == 200
    assert b"not right" in wrong.content
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrol", object_id=str(user.pk)).count() == 1


@override_settings(PANAH_DEMO_MODE=True)
def test_demo_mode_relaxes_second_factor(client, make_user):
    make_user("psea", username="focal")
    client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert client.get("/").status_code == 200


def test_language_switch_is_remembered_and_page_is_rtl(client, make_user):
    user = make_user("im")
    client.force_login(user)

    response = client.post("/accounts/language/", {"language": "ur", "next": "/"})
    page = client.get("/")

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).preferred_language == "ur"
    assert 'dir="rtl"' in page.content.decode()
    assert 'lang="ur"' in page.content.decode()


def test_unknown_language_is_400(client, make_user):
    client.force_login(make_user("im"))

    assert client.post("/accounts/language/", {"language": "xx"}).status_code == 400


def test_tokens_page_issues_and_shows_secret_once(client, make_user):
    client.force_login(make_user("im"))

    issued = client.post("/accounts/tokens/", {"name": "script", "days": "30"})
    again = client.get("/accounts/tokens/")

    assert b"pnh_" in issued.content
    assert b'id="new-token"' in issued.content
    assert b'id="new-token"' not in again.content


def test_admin_grants_and_revokes_on_user_page(client, login, make_user):
    admin = make_user("admin")
    subject = make_user()
    login(admin)

    granted = client.post(f"/accounts/users/{subject.pk}/", {"role": "cash", "area_pcode": "PK7", "reason": "x"})
    assignment = RoleAssignment.objects.get(user=subject)
    revoked = client.post(f"/accounts/role-assignments/{assignment.pk}/revoke/", {"reason": "moved"})

    assert granted.status_code == 302
    assert revoked.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_by == admin


def test_grant_form_with_unknown_pcode_shows_field_error(client, login, make_user):
    login(make_user("admin"))
    subject = make_user()

    response = client.post(f"/accounts/users/{subject.pk}/", {"role": "cash", "area_pcode": "PK000"})

    assert response.status_code == 422
    assert b"No admin area has this P-code" in response.content
    assert not RoleAssignment.objects.filter(user=subject).exists()


def test_users_pages_look_missing_to_other_roles(client, make_user):
    subject = make_user()
    client.force_login(make_user("im"))

    assert client.get("/accounts/users/").status_code == 404
    assert client.get(f"/accounts/users/{subject.pk}/").status_code == 404


def test_navigation_follows_roles(client, login, make_user):
    login(make_user("auditor"))
    auditor_page = client.get("/").content.decode()
    client.force_login(make_user("enumerator", "PK707"))
    enumerator_page = client.get("/").content.decode()

    assert 'data-nav="audit"' in auditor_page
    assert 'data-nav="audit"' not in enumerator_page
    assert 'data-nav="users"' not in enumerator_page
    assert 'data-nav="sites"' in enumerator_page


def test_users_page_shows_recent_grants_and_revocations_to_administrators(client, login, make_user, area):
    from panah.accounts import services

    admin = make_user("admin")
    subject = make_user()
    assignment = services.role_grant(actor=admin, user=subject, role="cash", area=area("PK7"), reason="Sindh cash")
    services.role_revoke(actor=admin, assignment=assignment, reason="programme closed")
    login(admin)

    page = client.get("/accounts/users/").content.decode()

    assert 'id="role-changes"' in page
    assert "Sindh cash" in page
    assert "programme closed" in page

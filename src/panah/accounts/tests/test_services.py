from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from panah.accounts import services
from panah.accounts.models import ApiToken, RoleAssignment, User
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.core.permissions import roles_of

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().post("/accounts/login/")


def test_role_grant_writes_assignment_and_audit_event(make_user, area):
    admin = make_user("admin")
    subject = make_user()

    assignment = services.role_grant(actor=admin, user=subject, role="im", area=area("PK7"), reason="Sindh IM")

    assert assignment.granted_by == admin
    assert roles_of(User.objects.get(pk=subject.pk)) == {"im"}
    event = AuditEvent.objects.get(action="permission.grant")
    assert event.actor_id == admin.pk
    assert event.object_id == str(assignment.pk)
    assert event.metadata == {
        "user_id": subject.pk,
        "role": "im",
        "area": "PK7",
        "operation": None,
        "expires_at": None,
        "reason": "Sindh IM",
    }


def test_role_grant_refused_for_non_admin_changes_nothing(make_user, area):
    im = make_user("im")
    subject = make_user()

    with pytest.raises(ApplicationError) as exc:
        services.role_grant(actor=im, user=subject, role="admin", area=area("PK"))

    assert exc.value.status == 403
    assert not RoleAssignment.objects.filter(user=subject).exists()
    assert not AuditEvent.objects.filter(action="permission.grant").exists()


def test_role_grant_rejects_past_expiry_and_unknown_role(make_user, area):
    admin = make_user("admin")
    subject = make_user()

    with pytest.raises(ApplicationError) as exc:
        services.role_grant(
            actor=admin, user=subject, role="wizard", area=area("PK"), expires_at=timezone.now() - timedelta(days=1)
        )

    assert exc.value.status == 422
    assert sorted(e.field for e in exc.value.errors) == ["expires_at", "role"]


def test_duplicate_active_grant_is_a_conflict(make_user, area):
    admin = make_user("admin")
    subject = make_user("im", "PK7")

    with pytest.raises(ApplicationError) as exc:
        services.role_grant(actor=admin, user=subject, role="im", area=area("PK7"))

    assert exc.value.status == 409
    assert RoleAssignment.objects.filter(user=subject).count() == 1


def test_revoke_ends_grant_and_is_audited(make_user):
    admin = make_user("admin")
    subject = make_user("im", "PK7")
    assignment = RoleAssignment.objects.get(user=subject)

    services.role_revoke(actor=admin, assignment=assignment, reason="left the mission")

    assignment.refresh_from_db()
    assert assignment.revoked_by == admin
    assert assignment.reason == "left the mission"
    assert roles_of(User.objects.get(pk=subject.pk)) == set()
    assert AuditEvent.objects.filter(action="permission.revoke", object_id=str(assignment.pk)).count() == 1


def test_expired_assignment_grants_nothing(make_user):
    subject = make_user("im", "PK7", expires_in=timedelta(seconds=-1))

    assert roles_of(subject) == set()


def test_sign_in_success_resets_failures_and_is_audited(make_user):
    user = make_user(username="amina")
    User.objects.filter(pk=user.pk).update(failed_logins=3)

    signed_in = services.sign_in(request=_request(), username="AMINA", password="correct horse battery staple")

    assert signed_in.pk == user.pk
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert AuditEvent.objects.filter(action="login.success", object_id=str(user.pk)).count() == 1


@override_settings(PANAH_LOCKOUT_ATTEMPTS=3, PANAH_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account_even_for_the_right_password(make_user):
    user = make_user(username="bilal")
    for _ in range(3):
        with pytest.raises(ApplicationError):
            services.sign_in(request=_request(), username="bilal", password="wrong")

    with pytest.raises(ApplicationError) as exc:
        services.sign_in(request=_request(), username="bilal", password="correct horse battery staple")

    user.refresh_from_db()
    assert user.is_locked()
    assert exc.value.status == 401
    assert AuditEvent.objects.filter(action="login.failure", object_id=str(user.pk)).count() == 4
    assert AuditEvent.objects.filter(action="login.locked", object_id=str(user.pk)).count() == 1


def test_unknown_username_fails_like_wrong_password_and_is_not_stored(db):
    with pytest.raises(ApplicationError) as exc:
        services.sign_in(request=_request(), username="s3cret-typed-in-wrong-box", password="x")

    assert exc.value.message == services.SIGN_IN_REFUSED
    event = AuditEvent.objects.get(action="login.failure")
    assert "s3cret" not in str(event.metadata) + event.object_id + str(event.changes)


def test_token_is_hashed_at_rest_and_authenticates_its_owner(make_user):
    user = make_user("im")

    issued = services.token_create(actor=user, name="kobo sync", days=30)

    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith(f"pnh_{stored.prefix}_")
    assert issued.secret.split("_", 2)[2] not in stored.key_hash
    assert services.token_authenticate(issued.secret) == user


def test_revoked_expired_or_malformed_tokens_do_not_authenticate(make_user):
    user = make_user("im")
    revoked = services.token_create(actor=user, name="a")
    services.token_revoke(actor=user, token=revoked.token)
    expired = services.token_create(actor=user, name="b")
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    good = services.token_create(actor=user, name="c")

    assert services.token_authenticate(revoked.secret) is None
    assert services.token_authenticate(expired.secret) is None
    assert services.token_authenticate(good.secret[:-2] + "xx") is None
    assert services.token_authenticate("not-a-token") is None
    assert services.token_authenticate(good.secret) == user


def test_token_of_deactivated_user_does_not_authenticate(make_user):
    user = make_user("im")
    issued = services.token_create(actor=user, name="a")
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert services.token_authenticate(issued.secret) is None


def test_token_create_rejects_bad_lifetime(make_user):
    user = make_user("im")

    with pytest.raises(ApplicationError) as exc:
        services.token_create(actor=user, name=" ", days=1000)

    assert sorted(e.field for e in exc.value.errors) == ["days", "name"]
    assert not ApiToken.objects.exists()


def test_user_cannot_revoke_someone_elses_token(make_user):
    owner = make_user("im")
    other = make_user("im")
    issued = services.token_create(actor=owner, name="a")

    with pytest.raises(ApplicationError) as exc:
        services.token_revoke(actor=other, token=issued.token)

    assert exc.value.status == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_argon2_is_the_password_hasher():
    from django.conf import settings as django_settings

    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert django_settings.AUTH_USER_MODEL == "accounts.User"


def test_granting_psea_role_emails_the_focal_points_already_holding_it(
    make_user, area, django_capture_on_commit_callbacks
):
    from django.core import mail

    admin = make_user("admin", username="admin1")
    focal = make_user("psea", "PK5", username="focal")
    focal.email = "focal@example.org"
    focal.save()
    alternate = make_user("psea", "PK7", username="alternate")
    alternate.email = "alternate@example.org"
    alternate.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant(actor=admin, user=admin, role="psea", area=area("PK"), reason="cover leave")

    assert sorted(m.to[0] for m in mail.outbox) == ["alternate@example.org", "focal@example.org"]
    assert "admin1 granted the PSEA focal point role to admin1 over PK" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="permission.grant", metadata__role="psea").count() == 1


def test_granting_another_role_emails_nobody(make_user, area, django_capture_on_commit_callbacks):
    from django.core import mail

    admin = make_user("admin")
    focal = make_user("psea")
    focal.email = "focal@example.org"
    focal.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant(actor=admin, user=make_user(), role="cfm", area=area("PK5"))

    assert mail.outbox == []


def test_role_holders_are_those_whose_area_contains_the_area(make_user, area):
    from panah.accounts.selectors import role_holders

    national = make_user("psea", "PK", username="national")
    kp = make_user("psea", "PK5", username="kp")
    make_user("psea", "PK7", username="sindh")
    make_user("cfm", "PK5", username="cfm-kp")

    holders = role_holders(role="psea", area=area("PK506"))

    assert list(holders) == [kp, national]

"""Writes on organisations, users, role assignments and tokens. Each writes its audit event in its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from panah.accounts import tokens
from panah.accounts.models import ApiToken, Operation, Organisation, RoleAssignment, User
from panah.accounts.selectors import role_holders
from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, forbidden, invalid, not_found
from panah.core.notify import email
from panah.core.permissions import Perm, can, forget_grants
from panah.core.roles import Role

SIGN_IN_REFUSED = "Wrong username or password, or the account is locked after repeated failures. Try again later."


def organisation_create(*, actor: Any, short_name: str, name: str, kind: str, country: str = "PK") -> Organisation:
    """Create an organisation (system administrators only)."""
    if actor is not None and not can(actor, Perm.ADMINISTER, User):
        raise forbidden()
    with transaction.atomic():
        org = Organisation.objects.create(short_name=short_name, name=name, kind=kind, country=country)
        after = audit.snapshot(org, ["short_name", "name", "kind", "country"])
        audit.record(actor=actor, action=audit.Action.CREATE, obj=org, changes=audit.diff(Organisation, {}, after))
    return org


def user_create(
    *,
    actor: Any,
    username: str,
    organisation: Organisation,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "en",
) -> User:
    """Create a user account in an organisation (system administrators only; actor None for set-up commands)."""
    if actor is not None and not can(actor, Perm.ADMINISTER, User):
        raise forbidden()
    if User.objects.filter(username__iexact=username).exists():
        raise invalid("That username is taken.", FieldError("username", "That username is taken.", "taken"))
    with transaction.atomic():
        user = User(
            username=username,
            organisation=organisation,
            email=email,
            first_name=first_name,
            last_name=last_name,
            preferred_language=preferred_language,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        fields = ["username", "organisation", "email", "first_name", "last_name", "preferred_language"]
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            obj=user,
            changes=audit.diff(User, {}, audit.snapshot(user, fields)),
        )
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's interface language."""
    if language not in dict(settings.LANGUAGES):
        raise invalid("Unknown language.", FieldError("language", "Choose English or Urdu."))
    if user.preferred_language == language:
        return
    with transaction.atomic():
        before = audit.snapshot(user, ["preferred_language"])
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit.record(
            actor=user,
            action=audit.Action.UPDATE,
            obj=user,
            changes=audit.diff(User, before, {"preferred_language": language}),
        )


def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    area: Any,
    operation: Operation | None = None,
    expires_at: datetime | None = None,
    reason: str = "",
) -> RoleAssignment:
    """Give `user` a role over an admin area (and optionally one operation); system administrators only."""
    if actor is not None and not can(actor, Perm.ADMINISTER, RoleAssignment):
        raise forbidden()
    errors = []
    if role not in Role.values:
        errors.append(FieldError("role", "Unknown role."))
    if area is None or area.retired_on is not None:
        errors.append(FieldError("area", "Choose a current admin area."))
    if expires_at is not None and expires_at <= timezone.now():
        errors.append(FieldError("expires_at", "The expiry must be in the future."))
    if errors:
        raise invalid("The role cannot be granted as given.", *errors)
    duplicate = RoleAssignment.objects.active().filter(user=user, role=role, area=area, operation=operation)
    if duplicate.exists():
        raise ApplicationError("conflict", "The user already holds this role over this area.", status=409)
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            user=user, role=role, area=area, operation=operation, expires_at=expires_at, granted_by=actor, reason=reason
        )
        audit.record(
            actor=actor,
            action=audit.Action.GRANT,
            obj=assignment,
            metadata={
                "user_id": user.pk,
                "role": role,
                "area": area.pcode,
                "operation": operation.code if operation else None,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "reason": reason,
            },
        )
        if role == Role.PSEA_FOCAL_POINT:
            _announce_psea_grant(actor=actor, user=user, area=area)
    forget_grants(user)
    return assignment


def _announce_psea_grant(*, actor: Any, user: User, area: Any) -> None:
    # Whoever gains the PSEA role can open sealed reports, an administrator included: the focal points already
    # holding it are told at once, so nobody slips into the compartment unnoticed.
    holders = role_holders(role=Role.PSEA_FOCAL_POINT).exclude(pk=user.pk)
    email(
        recipients=[u.email for u in holders],
        subject="Panah: the PSEA focal point role was granted",
        body=(
            f"{actor.get_username() if actor else 'The system'} granted the PSEA focal point role to "
            f"{user.get_username()} over {area.pcode}. This gives access to sealed reports. If you did not expect "
            "this, tell your PSEA coordinator."
        ),
    )


def role_revoke(*, actor: Any, assignment: RoleAssignment, reason: str = "") -> RoleAssignment:
    """End a role assignment now; it stays on record with who ended it and why."""
    if actor is not None and not can(actor, Perm.ADMINISTER, RoleAssignment):
        raise forbidden()
    if assignment.revoked_at is not None:
        raise ApplicationError("conflict", "This role assignment was already revoked.", status=409)
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.reason = (reason or locked.reason)[:300]
        locked.save(update_fields=["revoked_at", "revoked_by", "reason", "updated_at"])
        audit.record(
            actor=actor,
            action=audit.Action.REVOKE,
            obj=locked,
            metadata={"user_id": locked.user_id, "role": locked.role, "area": locked.area.pcode, "reason": reason},
        )
    forget_grants(assignment.user)
    return locked


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_create(*, actor: User, name: str, days: int | None = None, owner: User | None = None) -> IssuedToken:
    """Issue a personal API token acting with its owner's rights; the secret is returned once."""
    owner = owner or actor
    if owner != actor and not can(actor, Perm.ADMINISTER, User):
        raise forbidden()
    days = days if days is not None else settings.PANAH_TOKEN_DAYS
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "Give the token a name, such as the script that uses it."))
    if not 1 <= days <= 366:
        errors.append(FieldError("days", "A token lives between 1 and 366 days."))
    if errors:
        raise invalid("The token cannot be issued as given.", *errors)
    prefix, secret, full = tokens.new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner,
            name=name.strip()[:100],
            prefix=prefix,
            key_hash=tokens.hash_secret(secret),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            actor=actor,
            action=audit.Action.TOKEN_CREATE,
            obj=token,
            metadata={"owner_id": owner.pk, "name": token.name, "days": days},
        )
    return IssuedToken(token=token, secret=full)


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; later requests with it are refused."""
    if not can(actor, Perm.DELETE, token):
        raise not_found("token")
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action=audit.Action.TOKEN_REVOKE, obj=token, metadata={"owner_id": token.user_id})
    return token


def token_authenticate(raw: str) -> User | None:
    """The active user behind a usable token, or None. Marks the token used at most once a minute."""
    parsed = tokens.parse(raw)
    if parsed is None:
        return None
    token = ApiToken.objects.select_related("user", "user__organisation").filter(prefix=parsed.prefix).first()
    if token is None or not tokens.matches(parsed.secret, token.key_hash) or not token.is_usable():
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def sign_in(*, request: Any, username: str, password: str) -> User:
    """Check a password sign-in with lockout; every success and failure is audited (unknown names are not stored)."""
    user = User.objects.filter(username__iexact=username.strip()).first() if username else None
    now = timezone.now()
    if user is not None and user.is_locked(now):
        audit.record(actor=None, action=audit.Action.LOGIN_FAILED, obj=user, metadata={"reason": "locked"})
        raise ApplicationError("sign_in_refused", SIGN_IN_REFUSED, status=401)
    authenticated = authenticate(request, username=user.username if user else username, password=password)
    if authenticated is None:
        _record_failure(user, now)
        raise ApplicationError("sign_in_refused", SIGN_IN_REFUSED, status=401)
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor=authenticated, action=audit.Action.LOGIN, obj=authenticated)
    return authenticated


def _record_failure(user: User | None, now: datetime) -> None:
    with transaction.atomic():
        if user is None:
            # The typed name is not kept: people type passwords into the username field.
            audit.record(
                actor=None,
                action=audit.Action.LOGIN_FAILED,
                object_type="accounts.user",
                metadata={"reason": "unknown user"},
            )
            return
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        audit.record(
            actor=None,
            action=audit.Action.LOGIN_FAILED,
            obj=user,
            metadata={"reason": "wrong password", "failures": user.failed_logins},
        )
        if user.failed_logins >= settings.PANAH_LOCKOUT_ATTEMPTS:
            until = now + timedelta(minutes=settings.PANAH_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            audit.record(actor=None, action=audit.Action.LOGIN_LOCKED, obj=user, metadata={"until": until.isoformat()})


def sign_out_record(*, user: User) -> None:
    """Audit a sign-out (the session itself is ended by Django's logout)."""
    with transaction.atomic():
        audit.record(actor=user, action=audit.Action.LOGOUT, obj=user)


def totp_device(*, user: User) -> Any:
    """The user's TOTP device: the confirmed one, else an unconfirmed one being enrolled (created on demand)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_verify(*, request: Any, code: str) -> bool:
    """Check a six-digit code; the first good code confirms enrolment. django-otp throttles repeated failures."""
    from django_otp import login as otp_login

    user = request.user
    device = totp_device(user=user)
    cleaned = "".join(ch for ch in code if ch.isdigit())
    if len(cleaned) != 6 or not device.verify_token(cleaned):
        audit.record(actor=user, action="login.second_factor_failure", obj=user)
        return False
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(actor=user, action="two_factor.enrol", obj=user)
        audit.record(actor=user, action="login.second_factor", obj=user)
    otp_login(request, device)
    return True

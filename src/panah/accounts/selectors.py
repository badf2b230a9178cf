"""Permission-scoped reads of organisations, users, role assignments and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from panah.accounts.models import ApiToken, Operation, Organisation, RoleAssignment, User
from panah.core.permissions import Perm, get_visible, visible_to


def organisation_list(*, actor: Any) -> QuerySet[Organisation]:
    return visible_to(actor, Organisation.objects.filter(is_active=True))


def operation_list(*, actor: Any) -> QuerySet[Operation]:
    return visible_to(actor, Operation.objects.all())


def user_list(*, actor: Any, q: str = "", organisation: str = "", role: str = "") -> QuerySet[User]:
    """Users the actor may administer or inspect, filtered by name, organisation short name and active role."""
    users = visible_to(actor, User.objects.select_related("organisation"))
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if organisation:
        users = users.filter(organisation__short_name__iexact=organisation)
    if role:
        users = users.filter(pk__in=RoleAssignment.objects.active().filter(role=role).values("user_id"))
    return users.order_by("username")


def user_get(*, actor: Any, user_id: int) -> User:
    return get_visible(actor, User.objects.select_related("organisation"), pk=user_id)


def assignment_list(*, actor: Any, user: User, include_ended: bool = True) -> QuerySet[RoleAssignment]:
    rows = visible_to(actor, RoleAssignment.objects.filter(user=user)).select_related(
        "area", "operation", "granted_by", "revoked_by"
    )
    if not include_ended:
        rows = rows & RoleAssignment.objects.active()
    return rows.order_by("revoked_at", "role", "area__pcode")


def assignment_get(*, actor: Any, assignment_id: int, action: str = Perm.VIEW) -> RoleAssignment:
    return get_visible(actor, RoleAssignment.objects.select_related("user", "area"), action, pk=assignment_id)


def token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens (administrators see their own here too; others' tokens are not listed)."""
    return visible_to(actor, ApiToken.objects.filter(user=actor))


def token_get(*, actor: Any, token_id: int) -> ApiToken:
    return get_visible(actor, ApiToken.objects.all(), pk=token_id)


@dataclass(frozen=True)
class ScopeLine:
    role: str
    role_label: str
    area_pcode: str
    area_name: str
    operation: str | None
    expires_at: Any


def my_scope(*, user: User) -> list[ScopeLine]:
    """What the signed-in user holds right now: roles, areas, operations and expiry."""
    rows = (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("area", "operation")
        .order_by("role", "area__pcode")
    )
    return [
        ScopeLine(
            r.role,
            str(r.get_role_display()),
            r.area.pcode,
            r.area.name,
            r.operation.name if r.operation else None,
            r.expires_at,
        )
        for r in rows
    ]


def role_holders(*, role: str, area: Any | None = None) -> QuerySet[User]:
    """Active users holding `role` over `area` (or any area when None): whom a notification goes to. Not scoped by
    an actor: the system asks, and only addresses leave this function (through e-mail)."""
    assignments = RoleAssignment.objects.active().filter(role=role, user__is_active=True)
    if area is not None:
        # An assignment covers the area when its own area is the area or one of its ancestors.
        ancestors = [area.path[:i] for i in range(1, len(area.path) + 1) if area.path[i - 1] == "/"]
        assignments = assignments.filter(area__path__in=ancestors)
    return User.objects.filter(pk__in=assignments.values("user_id")).order_by("username")

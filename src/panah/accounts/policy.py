"""Grants (active role assignments) and the scoped rule that every app uses to declare who may do what.

A rule names, per action, the roles allowed, and how to reach the object's admin area (and organisation or
operation, when the record belongs to one). A user may act when one of their active grants has an allowed role
and its area contains the object's area.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import attrgetter, or_
from typing import Any

from django.db import models

from panah.accounts.models import ApiToken, Operation, Organisation, RoleAssignment, User
from panah.accounts.roles import CROSS_ORGANISATION_ROLES, Role
from panah.core import permissions
from panah.core.models import AuditEvent
from panah.core.permissions import Perm

_CACHE_ATTR = "_panah_grants"


@dataclass(frozen=True)
class Grant:
    role: str
    area_path: str
    area_pcode: str
    operation_id: int | None


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's active grants, read once per user object (one request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = RoleAssignment.objects.active().filter(user=user).select_related("area")
        cached = tuple(Grant(r.role, r.area.path, r.area.pcode, r.operation_id) for r in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants_of(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


class ScopedRule:
    """Who may do what on one model, by role, admin area, and optionally organisation and operation."""

    def __init__(
        self,
        *,
        roles: Mapping[str, Collection[str]],
        area: str | None = None,
        organisation: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.roles = {action: frozenset(r) for action, r in roles.items()}
        self.area = area
        self.organisation = organisation
        self.operation = operation

    def _grants(self, user: Any, action: str) -> list[Grant]:
        allowed = self.roles.get(action, frozenset())
        return [g for g in grants_of(user) if g.role in allowed]

    def _value(self, obj: Any, path: str) -> Any:
        try:
            return attrgetter(path.replace("__", "."))(obj)
        except AttributeError:
            return None

    def _grant_covers(self, user: Any, grant: Grant, obj: Any) -> bool:
        if self.area is not None:
            area = self._value(obj, self.area)
            if area is None or not area.path.startswith(grant.area_path):
                return False
        if self.operation is not None and grant.operation_id is not None:
            if self._value(obj, f"{self.operation}_id") != grant.operation_id:
                return False
        if self.organisation is not None and grant.role not in CROSS_ORGANISATION_ROLES:
            if self._value(obj, f"{self.organisation}_id") != user.organisation_id:
                return False
        return True

    def can(self, user: Any, action: str, obj: Any) -> bool:
        grants = self._grants(user, action)
        if isinstance(obj, type):
            return bool(grants)
        return any(self._grant_covers(user, g, obj) for g in grants)

    def _grant_q(self, user: Any, grant: Grant) -> models.Q:
        q = models.Q()
        if self.area is not None:
            q &= models.Q(**{f"{self.area}__path__startswith": grant.area_path})
        if self.operation is not None and grant.operation_id is not None:
            q &= models.Q(**{f"{self.operation}_id": grant.operation_id})
        if self.organisation is not None and grant.role not in CROSS_ORGANISATION_ROLES:
            q &= models.Q(**{f"{self.organisation}_id": user.organisation_id})
        return q

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        grants = self._grants(user, action)
        if not grants:
            return queryset.none()
        return queryset.filter(reduce(or_, (self._grant_q(user, g) for g in grants)))


class SelfOrAdminRule:
    """Records that belong to one user (their tokens, their account): the user, and system administrators."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if has_role(user, Role.SYSTEM_ADMIN):
            return True
        if isinstance(obj, type):
            return action in {Perm.VIEW, Perm.CREATE}
        owner_id = obj.pk if self.owner == "self" else getattr(obj, f"{self.owner}_id")
        return bool(owner_id == user.pk)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if has_role(user, Role.SYSTEM_ADMIN):
            return queryset
        field = "pk" if self.owner == "self" else f"{self.owner}_id"
        return queryset.filter(**{field: user.pk})


class AdministeredRule:
    """User directory and role assignments: system administrators manage; auditors and DPOs may look."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if has_role(user, Role.SYSTEM_ADMIN):
            return True
        return action == Perm.VIEW and has_role(user, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if self.can(user, action, queryset.model) else queryset.none()


class AuditTrailRule:
    """The audit trail: system administrators, auditors and data protection officers read and export it."""

    READERS = frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action in {Perm.VIEW, Perm.EXPORT} and has_role(user, *self.READERS)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if self.can(user, action, queryset.model) else queryset.none()


def register_rules() -> None:
    permissions.register(AuditEvent, AuditTrailRule())
    permissions.register(Organisation, permissions.PublicToMembers())
    permissions.register(Operation, permissions.PublicToMembers())
    permissions.register(User, AdministeredRule())
    permissions.register(RoleAssignment, AdministeredRule())
    permissions.register(ApiToken, SelfOrAdminRule("user"))

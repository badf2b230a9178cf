"""Where grants come from (active role assignments), and who may see accounts, tokens and the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from panah.accounts.models import ApiToken, Operation, Organisation, RoleAssignment, User
from panah.core import audit, permissions
from panah.core.models import AuditEvent
from panah.core.permissions import Grant, Perm, has_role
from panah.core.roles import Role


def _load_grants(user: Any) -> list[Grant]:
    rows = RoleAssignment.objects.active().filter(user=user).select_related("area")
    return [Grant(r.role, r.area.path, r.area.pcode, r.operation_id) for r in rows]


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
        if not (action in {Perm.VIEW, Perm.EXPORT} and has_role(user, *self.READERS)):
            return False
        hidden = audit.hidden_from(user)
        if isinstance(obj, type) or hidden is None:
            return True
        return not AuditEvent.objects.filter(pk=obj.pk).filter(hidden).exists()

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not self.can(user, action, queryset.model):
            return queryset.none()
        hidden = audit.hidden_from(user)
        return queryset.exclude(hidden) if hidden is not None else queryset


def register_rules() -> None:
    permissions.set_grant_provider(_load_grants)
    permissions.register(AuditEvent, AuditTrailRule())
    permissions.register(Organisation, permissions.PublicToMembers())
    permissions.register(Operation, permissions.PublicToMembers())
    permissions.register(User, AdministeredRule())
    permissions.register(RoleAssignment, AdministeredRule())
    permissions.register(ApiToken, SelfOrAdminRule("user"))

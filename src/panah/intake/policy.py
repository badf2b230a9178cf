"""Who sees an import batch: the person who uploaded it, and IM officers and administrators (who run the data).

KoboToolbox sources hold another account's API key and pull as the person who set them up: only IM officers and
administrators see or change them, whatever their area (a source is not tied to one).

Whether someone may import at all is the spec's question (`ImportSpec.authorise`): it knows the target's rules.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from panah.core import permissions
from panah.core.permissions import Perm, has_role
from panah.core.roles import Role
from panah.intake.models import HeldRow, ImportBatch, KoboSource

SUPERVISORS = (Role.SYSTEM_ADMIN, Role.IM_OFFICER)


class UploaderOrSupervisorRule:
    def __init__(self, uploader: str) -> None:
        self.uploader = uploader

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action not in (Perm.VIEW, Perm.CHANGE):
            return False
        if has_role(user, *SUPERVISORS):
            return True
        if isinstance(obj, type):
            return True
        return bool(permissions.ScopedRule._value(obj, f"{self.uploader}_id") == user.pk)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if action not in (Perm.VIEW, Perm.CHANGE):
            return queryset.none()
        if has_role(user, *SUPERVISORS):
            return queryset
        return queryset.filter(**{f"{self.uploader}_id": user.pk})


class SupervisorsOnlyRule:
    ACTIONS = (Perm.VIEW, Perm.CREATE, Perm.CHANGE, Perm.DELETE)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action in self.ACTIONS and has_role(user, *SUPERVISORS)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if self.can(user, action, queryset.model) else queryset.none()


def register_rules() -> None:
    permissions.register(ImportBatch, UploaderOrSupervisorRule("uploaded_by"))
    permissions.register(HeldRow, UploaderOrSupervisorRule("batch__uploaded_by"))
    permissions.register(KoboSource, SupervisorsOnlyRule())

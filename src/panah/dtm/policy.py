"""Who sees and changes displacement data.

Mission staff who run DTM see every round in their areas and operations, whatever its status. Everyone else with a
role sees published rounds only, in their areas. Enumerators enter data but cannot submit or publish a round; an IM
officer submits, and a second IM officer or an administrator publishes. The public sees only published, suppressed
aggregates, through the public endpoints (publication.py), never through these rules.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from panah.core import permissions
from panah.core.permissions import Perm, ScopedRule
from panah.core.roles import Role
from panah.dtm.choices import RoundStatus
from panah.dtm.models import FlowCount, FlowSurvey, IndicatorThreshold, LocationAssessment, Round, SiteAssessment

INTERNAL_VIEWERS = {Role.SYSTEM_ADMIN, Role.IM_OFFICER, Role.ENUMERATOR, Role.AUDITOR}
PUBLISHED_VIEWERS = {
    Role.SITE_MANAGER,
    Role.PARTNER_VIEWER,
    Role.REGISTRATION_OFFICER,
    Role.CASH_OFFICER,
    Role.PIPELINE_OFFICER,
    Role.CFM_OFFICER,
    Role.CASEWORKER,
    Role.CASE_SUPERVISOR,
    Role.DATA_PROTECTION_OFFICER,
}
DATA_ENTRY = {Role.SYSTEM_ADMIN, Role.IM_OFFICER, Role.ENUMERATOR}
ROUND_MANAGERS = {Role.SYSTEM_ADMIN, Role.IM_OFFICER}
PUBLISHERS = {Role.SYSTEM_ADMIN, Role.IM_OFFICER}
SUBMIT = "submit"


class PublishedOrInternalRule:
    """Internal roles as declared; published-only roles see a record only once its round is published."""

    def __init__(self, *, area: str | None, operation: str, status: str) -> None:
        self.status = status
        self.internal = ScopedRule(
            roles={
                Perm.VIEW: INTERNAL_VIEWERS,
                Perm.CREATE: DATA_ENTRY,
                Perm.CHANGE: DATA_ENTRY,
                Perm.DELETE: ROUND_MANAGERS,
                Perm.EXPORT: INTERNAL_VIEWERS,
                SUBMIT: ROUND_MANAGERS,
                Perm.APPROVE: PUBLISHERS,
            },
            area=area,
            operation=operation,
        )
        self.published = ScopedRule(
            roles={Perm.VIEW: PUBLISHED_VIEWERS, Perm.EXPORT: PUBLISHED_VIEWERS}, area=area, operation=operation
        )

    def _is_published(self, obj: Any) -> bool:
        return bool(ScopedRule._value(obj, self.status) == RoundStatus.PUBLISHED)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if self.internal.can(user, action, obj):
            return True
        if isinstance(obj, type):
            return self.published.can(user, action, obj)
        return self._is_published(obj) and self.published.can(user, action, obj)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        internal = self.internal.scope(user, action, queryset)
        published = self.published.scope(user, action, queryset.filter(**{self.status: RoundStatus.PUBLISHED}))
        return internal | published


def register_rules() -> None:
    permissions.register(Round, PublishedOrInternalRule(area=None, operation="operation", status="status"))
    for model, area in [
        (LocationAssessment, "admin_area"),
        (SiteAssessment, "site__admin_area"),
        (FlowCount, "crossing__admin_area"),
        (FlowSurvey, "crossing__admin_area"),
    ]:
        permissions.register(
            model, PublishedOrInternalRule(area=area, operation="round__operation", status="round__status")
        )
    permissions.register(
        IndicatorThreshold,
        ScopedRule(
            roles={Perm.VIEW: INTERNAL_VIEWERS | PUBLISHED_VIEWERS, Perm.CHANGE: ROUND_MANAGERS}, operation="operation"
        ),
    )

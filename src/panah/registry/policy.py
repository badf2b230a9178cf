"""Who sees and changes the registry.

A household belongs to the organisation that registered it. Its staff see it in their areas; so do organisations it
is shared with. The mission (organisation kind "mission") holds the common registry that deduplicates across
partners, so its staff see every household in their areas; administrators, auditors and data-protection officers
see across organisations as everywhere else. Individuals, documents and decisions follow their household; a golden
record (Person) is visible through any source record the user may see, and shows only those.

Document numbers and other sensitive fields are shown whole only to roles with VIEW_SENSITIVE.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import models

from panah.core import permissions
from panah.core.permissions import Grant, Perm, grants_of
from panah.core.roles import CROSS_ORGANISATION_ROLES, Role

VIEW_SENSITIVE = "view_sensitive"

ROLES: dict[str, frozenset[str]] = {
    Perm.VIEW: frozenset(
        {
            Role.SYSTEM_ADMIN,
            Role.REGISTRATION_OFFICER,
            Role.CASH_OFFICER,
            Role.IM_OFFICER,
            Role.PARTNER_VIEWER,
            Role.AUDITOR,
            Role.DATA_PROTECTION_OFFICER,
        }
    ),
    Perm.CREATE: frozenset({Role.SYSTEM_ADMIN, Role.REGISTRATION_OFFICER, Role.ENUMERATOR}),
    Perm.CHANGE: frozenset({Role.SYSTEM_ADMIN, Role.REGISTRATION_OFFICER}),
    Perm.APPROVE: frozenset({Role.SYSTEM_ADMIN, Role.REGISTRATION_OFFICER}),
    Perm.EXPORT: frozenset({Role.SYSTEM_ADMIN, Role.REGISTRATION_OFFICER, Role.IM_OFFICER}),
    VIEW_SENSITIVE: frozenset(
        {Role.SYSTEM_ADMIN, Role.REGISTRATION_OFFICER, Role.CASH_OFFICER, Role.DATA_PROTECTION_OFFICER}
    ),
}
MISSION_KIND = "mission"


def _grants(user: Any, action: str) -> list[Grant]:
    allowed = ROLES.get(action, frozenset())
    return [g for g in grants_of(user) if g.role in allowed]


def _all_organisations(user: Any, grant: Grant) -> bool:
    if grant.role in CROSS_ORGANISATION_ROLES:
        return True
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == MISSION_KIND


def household_q(user: Any, action: str, prefix: str = "") -> models.Q | None:
    """The filter of households (reached through `prefix`, e.g. "household__") the user may act on; None: none."""
    grants = _grants(user, action)
    if not grants:
        return None
    from panah.registry.models import Household

    shared = Household.shared_with.through.objects.filter(
        household_id=models.OuterRef(f"{prefix[:-2]}_id" if prefix else "pk"),
        organisation_id=user.organisation_id,
    )
    parts = []
    for grant in grants:
        q = models.Q(**{f"{prefix}area__path__startswith": grant.area_path})
        if not _all_organisations(user, grant):
            q &= models.Q(**{f"{prefix}organisation_id": user.organisation_id}) | models.Q(models.Exists(shared))
        parts.append(q)
    return reduce(or_, parts)


def _covers(user: Any, grant: Grant, household: Any) -> bool:
    if not household.area.path.startswith(grant.area_path):
        return False
    if _all_organisations(user, grant) or household.organisation_id == user.organisation_id:
        return True
    return bool(user.organisation_id) and household.shared_with.filter(pk=user.organisation_id).exists()


def can_household(user: Any, action: str, household: Any) -> bool:
    return any(_covers(user, g, household) for g in _grants(user, action))


class HouseholdRule:
    """A record reached from its household through `path` ("" for the household itself)."""

    def __init__(self, path: str = "") -> None:
        self.path = path

    def _household(self, obj: Any) -> Any:
        for part in filter(None, self.path.split("__")):
            obj = getattr(obj, part)
        return obj

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if isinstance(obj, type):
            return bool(_grants(user, action))
        return can_household(user, action, self._household(obj))

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        q = household_q(user, action, f"{self.path}__" if self.path else "")
        return queryset.none() if q is None else queryset.filter(q)


class PersonRule:
    """A golden record is visible through any of its source individuals the user may see."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if isinstance(obj, type):
            return bool(_grants(user, action))
        return any(can_household(user, action, source.household) for source in obj.sources.all())

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        from panah.registry.models import Individual

        q = household_q(user, action, "household__")
        if q is None:
            return queryset.none()
        visible = Individual.objects.filter(q, person_id=models.OuterRef("pk"))
        return queryset.filter(models.Exists(visible))


class PairRule:
    """A candidate pair, merge or batch decision needs both sides (or the batch's scope) to be visible."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if isinstance(obj, type):
            return bool(_grants(user, action))
        return can_household(user, action, obj.left.household) and can_household(user, action, obj.right.household)

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        left = household_q(user, action, "left__household__")
        right = household_q(user, action, "right__household__")
        if left is None or right is None:
            return queryset.none()
        return queryset.filter(left).filter(right)


class BatchReviewRule:
    """A batch review belongs to the importing organisation, in the batch's area."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        grants = _grants(user, action)
        if isinstance(obj, type):
            return bool(grants)
        return any(
            obj.area.path.startswith(g.area_path)
            and (_all_organisations(user, g) or obj.organisation_id == user.organisation_id)
            for g in grants
        )

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        grants = _grants(user, action)
        if not grants:
            return queryset.none()
        parts = []
        for g in grants:
            q = models.Q(area__path__startswith=g.area_path)
            if not _all_organisations(user, g):
                q &= models.Q(organisation_id=user.organisation_id)
            parts.append(q)
        return queryset.filter(reduce(or_, parts))


def may_see_sensitive(user: Any, household: Any) -> bool:
    return can_household(user, VIEW_SENSITIVE, household)


def register_rules() -> None:
    from panah.registry.models import BatchReview, Document, Household, Individual, MatchCandidate, Person

    permissions.register(Household, HouseholdRule())
    permissions.register(Individual, HouseholdRule("household"))
    permissions.register(Document, HouseholdRule("individual__household"))
    permissions.register(Person, PersonRule())
    permissions.register(MatchCandidate, PairRule())
    permissions.register(BatchReview, BatchReviewRule())


def may_create(user: Any) -> bool:
    return bool(_grants(user, Perm.CREATE))


def may_create_in(user: Any, area: Any) -> bool:
    return any(area.path.startswith(g.area_path) for g in _grants(user, Perm.CREATE))

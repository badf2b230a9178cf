"""Who sees and handles complaints and feedback.

Unsealed tickets: complaints and feedback officers (the CFM team and the programme focal points given that role)
handle them in their areas; auditors and data-protection officers read them; administrators configure and handle.
Mission staff see every organisation's tickets in their areas, partner staff their own organisation's. Any signed-in
staff member may record a ticket (staff- and partner-reported feedback), without being able to read it afterwards.

Sealed tickets (sexual exploitation and abuse, harassment, fraud, misconduct, retaliation) are visible to the PSEA
focal point role only, in its areas, and to nobody else: not the person who recorded it, not an administrator, not an
auditor. There is no other way in; an administrator who needs in must be granted the PSEA role, which is audited and
announced to the focal points already holding it (accounts.services.role_grant).
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import models

from panah.core import permissions
from panah.core.permissions import Grant, Perm, PublicToMembers, ScopedRule, grants_of
from panah.core.roles import CROSS_ORGANISATION_ROLES, Role

REPORT = "report"  # the monthly trend page and the aggregate exports (no ticket content)
VIEW_SEALED = "view_sealed"  # class-level only: may open the sealed list

EVERY_ROLE = frozenset(Role.values)
HANDLERS = frozenset({Role.SYSTEM_ADMIN, Role.CFM_OFFICER})
ROLES: dict[str, frozenset[str]] = {
    Perm.VIEW: HANDLERS | {Role.AUDITOR, Role.DATA_PROTECTION_OFFICER},
    Perm.CREATE: EVERY_ROLE,
    Perm.CHANGE: HANDLERS,
    Perm.APPROVE: HANDLERS,
    Perm.EXPORT: HANDLERS,
    REPORT: HANDLERS | {Role.IM_OFFICER, Role.AUDITOR, Role.PSEA_FOCAL_POINT},
}
SEALED_ROLES = frozenset({Role.PSEA_FOCAL_POINT})
SEALED_ACTIONS = frozenset({Perm.VIEW, Perm.CHANGE})
MISSION_KIND = "mission"


def _all_organisations(user: Any, grant: Grant) -> bool:
    if grant.role in CROSS_ORGANISATION_ROLES:
        return True
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == MISSION_KIND


def _grant_q(user: Any, grant: Grant, prefix: str) -> models.Q:
    q = models.Q(**{f"{prefix}area__path__startswith": grant.area_path})
    if not _all_organisations(user, grant):
        q &= models.Q(**{f"{prefix}organisation_id": user.organisation_id})
    return q


def ticket_q(user: Any, action: str, prefix: str = "") -> models.Q | None:
    """Tickets (reached through `prefix`) the user may `action`; None when none at all."""
    parts: list[models.Q] = []
    for grant in grants_of(user):
        if grant.role in ROLES.get(action, ()):
            parts.append(models.Q(**{f"{prefix}sealed": False}) & _grant_q(user, grant, prefix))
        if grant.role in SEALED_ROLES and action in SEALED_ACTIONS:
            parts.append(models.Q(**{f"{prefix}sealed": True}) & _grant_q(user, grant, prefix))
    return reduce(or_, parts) if parts else None


def _covers(user: Any, grant: Grant, ticket: Any) -> bool:
    if not ticket.area.path.startswith(grant.area_path):
        return False
    return _all_organisations(user, grant) or ticket.organisation_id == user.organisation_id


def can_ticket(user: Any, action: str, ticket: Any) -> bool:
    for grant in grants_of(user):
        sealed_grant = grant.role in SEALED_ROLES and action in SEALED_ACTIONS
        if ticket.sealed and not sealed_grant:
            continue
        if not ticket.sealed and grant.role not in ROLES.get(action, ()):
            continue
        if _covers(user, grant, ticket):
            return True
    return False


class TicketRule:
    """A ticket, or a record reached from its ticket through `path`."""

    def __init__(self, path: str = "") -> None:
        self.path = path

    def _ticket(self, obj: Any) -> Any:
        for part in filter(None, self.path.split("__")):
            obj = getattr(obj, part)
        return obj

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if isinstance(obj, type):
            # Class-level questions open sections of the site: "view" the team's ticket pages (unsealed roles),
            # "view_sealed" the PSEA compartment.
            if action == VIEW_SEALED:
                return any(g.role in SEALED_ROLES for g in grants_of(user))
            return any(g.role in ROLES.get(action, ()) for g in grants_of(user))
        return can_ticket(user, action, self._ticket(obj))

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        q = ticket_q(user, action, f"{self.path}__" if self.path else "")
        return queryset.filter(q) if q is not None else queryset.none()


class TaxonomyRule(PublicToMembers):
    """Every member reads the taxonomy and its targets (forms list them); administrators change them."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in (Perm.CHANGE, Perm.CREATE, Perm.ADMINISTER):
            return any(g.role == Role.SYSTEM_ADMIN for g in grants_of(user))
        return super().can(user, action, obj)


def may_report(user: Any) -> bool:
    return any(g.role in ROLES[REPORT] for g in grants_of(user))


def register_rules() -> None:
    from panah.feedback.models import (
        BoxOpening,
        Category,
        CommunityMeeting,
        Routing,
        SlaTarget,
        Ticket,
        TicketEvent,
    )

    permissions.register(Ticket, TicketRule())
    permissions.register(TicketEvent, TicketRule("ticket"))
    permissions.register(Category, TaxonomyRule())
    permissions.register(SlaTarget, TaxonomyRule())
    permissions.register(Routing, TaxonomyRule())
    intake_roles = {
        Perm.VIEW: ROLES[Perm.VIEW] | {Role.IM_OFFICER},
        Perm.CREATE: HANDLERS | {Role.SITE_MANAGER},
        Perm.CHANGE: HANDLERS,
    }
    permissions.register(BoxOpening, ScopedRule(roles=intake_roles, area="area", organisation="organisation"))
    permissions.register(CommunityMeeting, ScopedRule(roles=intake_roles, area="area", organisation="organisation"))

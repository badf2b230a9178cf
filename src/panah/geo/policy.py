"""Who sees which places. P-codes and crossing points are reference data; site locations are scoped by area."""

from __future__ import annotations

from panah.core import permissions
from panah.core.permissions import Perm, ScopedRule
from panah.core.roles import Role
from panah.geo.models import AdminArea, BorderCrossing, Site

# Locations of Afghan settlements and camps have been used to find people for arrest: only roles that work with
# sites see them, and only within their own areas.
SITE_VIEWERS = {
    Role.SYSTEM_ADMIN,
    Role.IM_OFFICER,
    Role.ENUMERATOR,
    Role.SITE_MANAGER,
    Role.REGISTRATION_OFFICER,
    Role.CASH_OFFICER,
    Role.PIPELINE_OFFICER,
    Role.CASEWORKER,
    Role.CASE_SUPERVISOR,
    Role.CFM_OFFICER,
    Role.PARTNER_VIEWER,
    Role.AUDITOR,
}
SITE_EDITORS = {Role.SYSTEM_ADMIN, Role.IM_OFFICER, Role.SITE_MANAGER}

SITE_RULE = ScopedRule(
    roles={Perm.VIEW: SITE_VIEWERS, Perm.CREATE: SITE_EDITORS, Perm.CHANGE: SITE_EDITORS},
    area="admin_area",
)


def register_rules() -> None:
    permissions.register(AdminArea, permissions.PublicToMembers())
    permissions.register(BorderCrossing, permissions.PublicToMembers())
    permissions.register(Site, SITE_RULE)

"""The roles of a mission and its partners: a shared vocabulary. Each app's rules say what a role may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "admin", _("System administrator")
    IM_OFFICER = "im", _("Information-management officer")
    ENUMERATOR = "enumerator", _("Enumerator")
    REGISTRATION_OFFICER = "registration", _("Registration officer")
    CASH_OFFICER = "cash", _("Cash and assistance officer")
    PIPELINE_OFFICER = "pipeline", _("Pipeline officer")
    SITE_MANAGER = "site-manager", _("Site manager")
    CASEWORKER = "caseworker", _("Caseworker")
    CASE_SUPERVISOR = "case-supervisor", _("Case supervisor")
    CFM_OFFICER = "cfm", _("Complaints and feedback officer")
    PSEA_FOCAL_POINT = "psea", _("PSEA focal point")
    DATA_PROTECTION_OFFICER = "dpo", _("Data protection officer")
    READMISSION_OFFICER = "readmission", _("Readmission officer (requesting state)")
    VERIFICATION_OFFICER = "verification", _("Verification officer (Pakistan authority)")
    PARTNER_VIEWER = "partner-viewer", _("Partner viewer")
    AUDITOR = "auditor", _("Auditor")


# Roles that see sensitive personal data sign in with a second factor (TOTP). Demo mode alone may relax it.
TWO_FACTOR_ROLES = frozenset(
    {Role.PSEA_FOCAL_POINT, Role.CASEWORKER, Role.CASE_SUPERVISOR, Role.DATA_PROTECTION_OFFICER, Role.SYSTEM_ADMIN}
)

# Roles whose grants apply across organisations (everything else sees its own organisation's records only,
# where a record belongs to an organisation at all).
CROSS_ORGANISATION_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})

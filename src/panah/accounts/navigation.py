"""Role-aware navigation: a section shows when the user may view what it lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from panah.core.permissions import can


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    model: str  # "app_label.Model" whose `action` right opens the section
    action: str = "view"


NAV_ITEMS: list[NavItem] = [
    NavItem("dtm", _("Displacement"), "dtm:dashboard", "dtm.Round"),
    # For those who enter data: today's imports are all DTM's, so its entry right stands for "may import".
    NavItem("intake", _("Imports"), "intake:batches", "dtm.LocationAssessment", "create"),
    NavItem("places", _("Places"), "geo:areas", "geo.AdminArea"),
    NavItem("map", _("Map"), "geo:map", "geo.AdminArea"),
    NavItem("sites", _("Sites"), "geo:sites", "geo.Site"),
    NavItem("crossings", _("Border crossings"), "geo:crossings", "geo.BorderCrossing"),
    NavItem("users", _("Users and roles"), "accounts:users", "accounts.User"),
    NavItem("audit", _("Audit trail"), "audit:events", "core.AuditEvent"),
]


def items_for(user: Any) -> list[NavItem]:
    return [item for item in NAV_ITEMS if can(user, item.action, apps.get_model(item.model))]

"""Role-aware navigation: a section shows when the user may view what it lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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
    # Shown only to those without this right (who reach the same pages through another item).
    unless: str = ""
    badge: int = 0  # a count beside the label (work waiting), filled in per user


NAV_ITEMS: list[NavItem] = [
    NavItem("dtm", _("Displacement"), "dtm:dashboard", "dtm.Round"),
    # For those who enter data: today's imports are all DTM's, so its entry right stands for "may import".
    NavItem("intake", _("Imports"), "intake:batches", "dtm.LocationAssessment", "create"),
    NavItem("registry", _("Registry"), "registry:households", "registry.Household"),
    # Enumerators register households without seeing the registry.
    NavItem("register", _("Register a household"), "registry:register", "registry.Household", "create", unless="view"),
    NavItem("duplicates", _("Duplicates"), "registry:queue", "registry.MatchCandidate", "approve"),
    NavItem("feedback", _("Feedback"), "feedback:tickets", "feedback.Ticket"),
    # Anyone may record feedback they took in; those who handle it reach the same forms from the ticket list.
    NavItem("record_feedback", _("Record feedback"), "feedback:record", "feedback.Ticket", "create", unless="view"),
    NavItem("sealed", _("Confidential reports"), "feedback:sealed", "feedback.Ticket", "view_sealed"),
    NavItem("feedback_trends", _("Feedback trends"), "feedback:trends", "feedback.Ticket", "report"),
    NavItem("places", _("Places"), "geo:areas", "geo.AdminArea"),
    NavItem("map", _("Map"), "geo:map", "geo.AdminArea"),
    NavItem("sites", _("Sites"), "geo:sites", "geo.Site"),
    NavItem("crossings", _("Border crossings"), "geo:crossings", "geo.BorderCrossing"),
    NavItem("users", _("Users and roles"), "accounts:users", "accounts.User"),
    NavItem("audit", _("Audit trail"), "audit:events", "core.AuditEvent"),
]


# key -> (user -> count): apps above accounts register the counts of their items here (accounts imports none of them).
_badges: dict[str, Callable[[Any], int]] = {}


def register_badge(key: str, count: Callable[[Any], int]) -> None:
    _badges[key] = count


def _shown(user: Any, item: NavItem) -> bool:
    model = apps.get_model(item.model)
    return can(user, item.action, model) and not (item.unless and can(user, item.unless, model))


def items_for(user: Any) -> list[NavItem]:
    items = [item for item in NAV_ITEMS if _shown(user, item)]
    return [replace(item, badge=_badges[item.key](user)) if item.key in _badges else item for item in items]

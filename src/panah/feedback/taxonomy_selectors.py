"""Reads for the taxonomy settings pages: every category (active or not) with its effective targets and routings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from panah.accounts import selectors as account_selectors
from panah.core.errors import not_found
from panah.core.permissions import Perm, can, visible_to
from panah.core.roles import Role
from panah.feedback import sla
from panah.feedback.choices import Step
from panah.feedback.models import Category, Routing
from panah.feedback.policy import MISSION_KIND


@dataclass(frozen=True)
class StepTarget:
    step: str
    label: str
    hours: int
    working_time: bool
    default: bool


def _configurable(actor: Any) -> None:
    # The settings are the administrators' page; to anyone else there is no such page.
    if not can(actor, Perm.CHANGE, Category):
        raise not_found("page")


def targets_of(category: Category) -> list[StepTarget]:
    """Each step's target for the category (its own row, or the default marked as such); sla_targets prefetched."""
    own = {row.step: row for row in category.sla_targets.all()}
    rows = []
    for step in Step:
        target = sla.target_for(category, step.value)
        rows.append(StepTarget(step.value, str(step.label), target.hours, target.working_time, step.value not in own))
    return rows


def settings_categories(*, actor: Any) -> QuerySet[Category]:
    """Every category, deactivated ones too, with targets prefetched and `routing_count`; administrators only."""
    _configurable(actor)
    qs = visible_to(actor, Category.objects.all())
    rows = qs.prefetch_related("sla_targets").annotate(routing_count=Count("routings"))
    return rows.order_by("position", "code")  # an aggregate drops Meta.ordering


def settings_taxonomy(*, actor: Any) -> QuerySet[Category]:
    """Every category with its own targets and its routings (area and focal point) prefetched; administrators only."""
    routings = Routing.objects.select_related("area", "focal_point").order_by("area__path")
    return settings_categories(actor=actor).prefetch_related(Prefetch("routings", queryset=routings))


def settings_category(*, actor: Any, code: str) -> Category:
    """One category by code, active or not, for its settings page; not found for those who may not configure."""
    _configurable(actor)
    category = visible_to(actor, Category.objects.filter(code=code)).prefetch_related("sla_targets").first()
    if category is None:
        raise not_found("category")
    return category


def settings_routings(*, actor: Any, category: Category) -> QuerySet[Routing]:
    _configurable(actor)
    rows = visible_to(actor, Routing.objects.filter(category=category))
    return rows.select_related("area", "focal_point").order_by("area__path")


def routing_get(*, actor: Any, category: Category, routing_id: int) -> Routing:
    _configurable(actor)
    row = visible_to(actor, Routing.objects.filter(category=category, pk=routing_id)).first()
    if row is None:
        raise not_found("routing")
    return row


def routing_in_area(*, actor: Any, category: Category, pcode: str) -> Routing:
    """The category's routing for the area of that P-code (retired areas too, so that their routing can go)."""
    _configurable(actor)
    row = visible_to(actor, Routing.objects.filter(category=category, area__pcode=pcode)).first()
    if row is None:
        raise not_found("routing")
    return row


def focal_point_candidates(*, actor: Any) -> list[Any]:
    """Active administrators and mission CFM officers, whatever their area (routing_set checks the area)."""
    _configurable(actor)
    admins = list(account_selectors.role_holders(role=Role.SYSTEM_ADMIN))
    officers = account_selectors.role_holders(role=Role.CFM_OFFICER).filter(organisation__kind=MISSION_KIND)
    seen = {u.pk for u in admins}
    return sorted([*admins, *(u for u in officers if u.pk not in seen)], key=lambda u: u.get_username())

"""Configuring the taxonomy, its service-level targets and its routing: system administrators only.

Every change applies to clocks started after it: a ticket whose clock is running keeps the due time it was given
(start_clock computes `due_at` once, when the step starts). Categories are never deleted, as tickets refer to them:
they are deactivated and leave the forms' lists. A sensitive category stays sensitive while sealed tickets use it,
because a settings change must never take a report out of the PSEA compartment.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from panah.accounts import selectors as account_selectors
from panah.core import audit
from panah.core.errors import FieldError, forbidden, invalid
from panah.core.permissions import Perm, can
from panah.core.roles import Role
from panah.feedback.choices import Step
from panah.feedback.models import Category, Routing, SlaTarget, Ticket
from panah.feedback.policy import MISSION_KIND

CATEGORY_FIELDS = ("code", "name", "name_ur", "sensitive", "needs_response", "routing", "position")
TARGET_FIELDS = ("hours", "working_time")
MAX_HOURS = 24 * 60
MAX_POSITION = 32767
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")
_LIMITS = {"name": 120, "name_ur": 120, "routing": 200}


def _admin_only(actor: Any) -> None:
    if not can(actor, Perm.CHANGE, Category):
        raise forbidden(_("Only a system administrator may configure the taxonomy."))


def _clean(values: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
    """The category fields given, tidied; a problem with any of them goes into `errors` under its name."""
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name == "code":
            code = str(value or "").strip().lower()
            if not _CODE.match(code):
                errors.append(FieldError("code", _("Use 1 to 20 lower-case letters, digits or hyphens."), "format"))
            clean[name] = code
        elif name in _LIMITS:
            text = " ".join(str(value or "").split())
            if name == "name" and not text:
                errors.append(FieldError(name, _("A name is needed."), "required"))
            elif len(text) > _LIMITS[name]:
                errors.append(FieldError(name, _("At most %(n)d characters.") % {"n": _LIMITS[name]}, "too_long"))
            clean[name] = text
        elif name == "position":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_POSITION:
                errors.append(FieldError(name, _("A whole number from 0 to %(n)d.") % {"n": MAX_POSITION}, "range"))
            clean[name] = value
        elif name in ("sensitive", "needs_response"):
            clean[name] = bool(value)
        else:
            errors.append(FieldError(name, _("Not a setting of a category."), "unknown"))
    return clean


def _refuse(errors: list[FieldError]) -> None:
    if errors:
        raise invalid(_("The settings cannot be saved as given."), *errors)


def category_create(
    *,
    actor: Any,
    code: str,
    name: str,
    name_ur: str = "",
    sensitive: bool = False,
    needs_response: bool = True,
    routing: str = "",
    position: int = 0,
) -> Category:
    """Add a category to the taxonomy (a sensitive one seals its tickets); audited."""
    _admin_only(actor)
    errors: list[FieldError] = []
    given = {"code": code, "name": name, "name_ur": name_ur, "sensitive": sensitive}
    data = _clean({**given, "needs_response": needs_response, "routing": routing, "position": position}, errors)
    with transaction.atomic():
        if not errors and Category.objects.filter(code=data["code"]).exists():
            errors.append(FieldError("code", _("This code is already used."), "unique"))
        _refuse(errors)
        try:
            with transaction.atomic():
                category = Category.objects.create(**data)
        except IntegrityError:
            # Another administrator added the same code between the check and the insert.
            _refuse([FieldError("code", _("This code is already used."), "unique")])
            raise
        changes = audit.diff(Category, {}, audit.snapshot(category, CATEGORY_FIELDS))
        audit.record(actor=actor, action=audit.Action.CREATE, obj=category, changes=changes)
    return category


def _update_rules(category: Category, data: dict[str, Any], errors: list[FieldError]) -> None:
    used = Ticket.objects.filter(category=category)
    if "code" in data and data["code"] != category.code:
        if used.exists():
            errors.append(FieldError("code", _("Tickets use this code: it cannot change."), "in_use"))
        elif Category.objects.filter(code=data["code"]).exclude(pk=category.pk).exists():
            errors.append(FieldError("code", _("This code is already used."), "unique"))
    if category.sensitive and data.get("sensitive") is False and used.filter(sealed=True).exists():
        message = _("Sealed reports use this category: it stays sensitive.")
        errors.append(FieldError("sensitive", message, "sealed_in_use"))


def category_update(*, actor: Any, category: Category, **changes: Any) -> Category:
    """Change a category's names, flags, routing note or order. The code is fixed once tickets use it; `sensitive`
    cannot be turned off while sealed tickets use the category; turning it on seals new tickets only. Audited."""
    _admin_only(actor)
    errors: list[FieldError] = []
    data = _clean(changes, errors)
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        if not errors:
            _update_rules(locked, data, errors)
        _refuse(errors)
        before = audit.snapshot(locked, data)
        for name, value in data.items():
            setattr(locked, name, value)
        diff = audit.diff(Category, before, audit.snapshot(locked, data))
        if diff:
            locked.save(update_fields=list(diff))
            audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, changes=diff)
    return locked


def _set_active(actor: Any, category: Category, active: bool) -> Category:
    _admin_only(actor)
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            changes = {"is_active": [not active, active]}
            audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, changes=changes)
    return locked


def category_deactivate(*, actor: Any, category: Category) -> Category:
    """Take a category out of the forms' lists; its tickets keep it (categories are never deleted). Audited."""
    return _set_active(actor, category, False)


def category_activate(*, actor: Any, category: Category) -> Category:
    """Offer a deactivated category again. Audited."""
    return _set_active(actor, category, True)


def _check_step(step: str, errors: list[FieldError]) -> None:
    if step not in Step.values:
        errors.append(FieldError("step", _("Not one of the steps."), "choice"))


def sla_target_set(*, actor: Any, category: Category, step: str, hours: int, working_time: bool) -> SlaTarget:
    """The time a step may take for a category (1 hour to 60 days); clocks already running keep their due time."""
    _admin_only(actor)
    errors: list[FieldError] = []
    _check_step(step, errors)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
        errors.append(FieldError("hours", _("A whole number of hours from 1 to %(n)d.") % {"n": MAX_HOURS}, "range"))
    _refuse(errors)
    with transaction.atomic():
        # The category row is the lock: two administrators setting a first target for one step take turns.
        Category.objects.select_for_update().filter(pk=category.pk).first()
        row = SlaTarget.objects.select_for_update().filter(category=category, step=step).first()
        before = audit.snapshot(row, TARGET_FIELDS) if row else {}
        if row is None:
            row = SlaTarget.objects.create(category=category, step=step, hours=hours, working_time=working_time)
            action = audit.Action.CREATE
        else:
            row.hours, row.working_time = hours, bool(working_time)
            row.save(update_fields=["hours", "working_time"])
            action = audit.Action.UPDATE
        changes = audit.diff(SlaTarget, before, audit.snapshot(row, TARGET_FIELDS))
        metadata = {"category": category.code, "step": step}
        audit.record(actor=actor, action=action, obj=row, changes=changes, metadata=metadata)
    return row


def sla_target_clear(*, actor: Any, category: Category, step: str) -> None:
    """Remove a category's own target for a step, so the default applies to clocks started from now on. Audited."""
    _admin_only(actor)
    errors: list[FieldError] = []
    _check_step(step, errors)
    _refuse(errors)
    with transaction.atomic():
        # The category row is the lock: two administrators setting a first target for one step take turns.
        Category.objects.select_for_update().filter(pk=category.pk).first()
        row = SlaTarget.objects.select_for_update().filter(category=category, step=step).first()
        if row is None:
            return
        changes = audit.diff(SlaTarget, audit.snapshot(row, TARGET_FIELDS), {})
        metadata = {"category": category.code, "step": step}
        audit.record(actor=actor, action=audit.Action.DELETE, obj=row, changes=changes, metadata=metadata)
        row.delete()


def may_be_focal_point(user: Any, area: Any) -> bool:
    """An active administrator, or a mission CFM officer, covering `area`: someone able to change its tickets.
    A partner's officer is left out, as they could not open the other organisations' tickets routed to them."""
    if any(u.pk == user.pk for u in account_selectors.role_holders(role=Role.SYSTEM_ADMIN, area=area)):
        return True
    officers = account_selectors.role_holders(role=Role.CFM_OFFICER, area=area)
    return officers.filter(pk=user.pk, organisation__kind=MISSION_KIND).exists()


def routing_set(*, actor: Any, category: Category, area: Any, focal_point: Any) -> Routing:
    """Triage of the category's tickets in `area` (and below, unless a deeper routing exists) assigns them to the
    focal point. Tickets already triaged keep their handler. Audited."""
    _admin_only(actor)
    errors: list[FieldError] = []
    if category.sensitive:
        errors.append(FieldError("category", _("Sensitive reports go to the PSEA focal points only."), "sealed"))
    if area is None or area.retired_on is not None:
        errors.append(FieldError("area", _("Choose a current province or district."), "choice"))
    elif focal_point is None or not may_be_focal_point(focal_point, area):
        message = _("Choose a complaints and feedback officer or administrator covering this area.")
        errors.append(FieldError("focal_point", message, "not_handler"))
    _refuse(errors)
    with transaction.atomic():
        Category.objects.select_for_update().filter(pk=category.pk).first()  # one writer per category at a time
        row = Routing.objects.select_for_update().filter(category=category, area=area).first()
        before = {"focal_point": row.focal_point_id} if row else {}
        if row is None:
            row = Routing.objects.create(category=category, area=area, focal_point=focal_point)
            action = audit.Action.CREATE
        else:
            row.focal_point = focal_point
            row.save(update_fields=["focal_point"])
            action = audit.Action.UPDATE
        changes = audit.diff(Routing, before, {"focal_point": focal_point.pk})
        metadata = {"category": category.code, "area": area.pcode}
        audit.record(actor=actor, action=action, obj=row, changes=changes, metadata=metadata)
    return row


def routing_remove(*, actor: Any, routing: Routing) -> None:
    """Stop routing; triage then falls back to a wider area's routing, or leaves the ticket for assignment."""
    _admin_only(actor)
    with transaction.atomic():
        row = Routing.objects.select_for_update().select_related("category", "area").filter(pk=routing.pk).first()
        if row is None:
            return
        changes = audit.diff(Routing, {"focal_point": row.focal_point_id}, {})
        metadata = {"category": row.category.code, "area": row.area.pcode}
        audit.record(actor=actor, action=audit.Action.DELETE, obj=row, changes=changes, metadata=metadata)
        row.delete()

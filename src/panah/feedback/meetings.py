"""Community meetings: feedback gathered from a group, recorded as counts with no individual in it.

Sensitive matters raised in a meeting are not counted here: a person who raises one is taken aside and their report is
recorded as a ticket of its own (which seals it), so a meeting record never says that such a thing was reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import FieldError, invalid, not_found
from panah.core.permissions import Perm, can
from panah.feedback import selectors
from panah.feedback.inputs import MAX_DESCRIPTION, clean_text
from panah.feedback.models import CommunityMeeting

MAX_COUNT = 100_000


@dataclass
class MeetingInput:
    area: str  # P-code
    held_on: date
    summary: str
    women: int = 0
    men: int = 0
    girls: int = 0
    boys: int = 0
    issues: dict[str, int] = field(default_factory=dict)  # category code -> times raised
    action_taken: str = ""
    site: str = ""  # site public id


def _check_counts(data: MeetingInput, errors: list[FieldError]) -> None:
    for name in ("women", "men", "girls", "boys"):
        if not 0 <= getattr(data, name) <= MAX_COUNT:
            errors.append(FieldError(name, _("A number from 0 to %(max)d.") % {"max": MAX_COUNT}))
    if data.women + data.men + data.girls + data.boys == 0:
        errors.append(FieldError("women", _("Give the number of participants."), "required"))


def _check_issues(data: MeetingInput, errors: list[FieldError]) -> dict[str, int]:
    issues: dict[str, int] = {}
    for code, count in data.issues.items():
        category = selectors.category_by_code(code)
        if category is None or category.sensitive:
            # Sensitive matters are recorded as their own tickets, never as a count of a meeting.
            errors.append(FieldError(f"issue_{code}", _("Not a category counted in meetings.")))
        elif not 0 <= count <= MAX_COUNT:
            errors.append(FieldError(f"issue_{code}", _("A number from 0 to %(max)d.") % {"max": MAX_COUNT}))
        elif count:
            issues[code] = count
    return issues


def _validate(data: MeetingInput) -> tuple[Any, Any, str, str, dict[str, int]]:
    errors: list[FieldError] = []
    summary = clean_text(data.summary, name="summary", limit=MAX_DESCRIPTION, required=True, errors=errors)
    action = clean_text(data.action_taken, name="action_taken", limit=MAX_DESCRIPTION, required=False, errors=errors)
    _check_counts(data, errors)
    issues = _check_issues(data, errors)
    if data.held_on > timezone.localdate():
        errors.append(FieldError("held_on", _("Cannot be in the future.")))
    area = selectors.area_by_pcode(str(data.area or "").strip().upper())
    if area is None:
        errors.append(FieldError("area", _("Unknown or retired P-code: %(pcode)s") % {"pcode": str(data.area)[:20]}))
    site = selectors.site_by_public_id(data.site) if data.site else None
    if data.site and (site is None or (area is not None and not site.admin_area.path.startswith(area.path))):
        errors.append(FieldError("site", _("No such site in this area.")))
    if errors:
        raise invalid(_("The meeting cannot be recorded as given."), *errors)
    return area, site, summary, action, issues


def meeting_record(*, actor: Any, data: MeetingInput) -> CommunityMeeting:
    """Record a community meeting's aggregated feedback (no individual, no sensitive category); audited."""
    if not can(actor, Perm.CREATE, CommunityMeeting):
        raise not_found("meeting")
    area, site, summary, action, issues = _validate(data)
    meeting = CommunityMeeting(
        area=area, site=site, held_on=data.held_on, women=data.women, men=data.men, girls=data.girls, boys=data.boys,
        issues=issues, summary=summary, action_taken=action, recorded_by=actor, organisation=actor.organisation,
    )  # fmt: skip
    if actor.organisation is None or not can(actor, Perm.CREATE, meeting):
        # Recorded only in the actor's own areas, for their own organisation.
        raise invalid(_("The meeting cannot be recorded as given."), FieldError("area", _("Not one of your areas.")))
    with transaction.atomic():
        meeting.save()
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            obj=meeting,
            metadata={"area": area.pcode, "participants": meeting.participants, "issues": issues},
        )
    return meeting

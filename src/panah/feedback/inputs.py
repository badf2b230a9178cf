"""What a ticket carries at intake, and its validation: every problem at once, each named by its field.

The public form, the staff forms, the webhook and the API all build a `TicketInput`; `validate` resolves the P-code and
category and returns a `CleanTicket` or raises one `invalid` error listing every field that is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core.errors import FieldError, invalid
from panah.feedback.choices import AgeGroup, Channel, ContactMethod, Language, Screening, Sex

MAX_DESCRIPTION = 4000
MAX_SHORT = 200
PHONE = re.compile(r"^\+?[0-9]{7,15}$")
NEEDS_DETAIL = frozenset({ContactMethod.PHONE, ContactMethod.SMS, ContactMethod.WHATSAPP})


@dataclass
class TicketInput:
    channel: str
    area: str  # P-code
    description: str
    language: str = Language.URDU
    category: str = ""  # code; empty until triage
    screening: str = Screening.NO
    about_staff: bool = False
    sex: str = ""
    age_group: str = ""
    disability: bool | None = None
    contact_method: str = ContactMethod.NONE
    contact_detail: str = ""
    safe_contact_notes: str = ""
    consent_contact: bool = False
    consent_referral: bool = False
    site: str = ""  # site public id
    referring_agency: str = ""
    origin: str = ""
    origin_ref: str = ""
    received_at: datetime | None = None
    household: str = ""  # registration id of a household the recording user may see


@dataclass
class CleanTicket:
    data: TicketInput
    area: Any
    category: Any | None
    site: Any | None
    household: Any | None = None


def clean_text(value: Any, *, name: str, limit: int, required: bool, errors: list[FieldError]) -> str:
    """Text as given, minus control characters (but newlines and tabs), trimmed; length checked in characters."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if required and not text:
        errors.append(FieldError(name, _("This field is required."), "required"))
    elif len(text) > limit:
        errors.append(
            FieldError(name, _("At most %(limit)d characters (this has %(n)d).") % {"limit": limit, "n": len(text)})
        )
    return text


def _choice(value: str, choices: Any, name: str, errors: list[FieldError]) -> None:
    if value not in choices.values:
        errors.append(FieldError(name, _("Not one of the choices.")))


def _check_choices(data: TicketInput, errors: list[FieldError]) -> None:
    _choice(data.channel, Channel, "channel", errors)
    _choice(data.language, Language, "language", errors)
    _choice(data.screening, Screening, "screening", errors)
    _choice(data.sex, Sex, "sex", errors)
    _choice(data.age_group, AgeGroup, "age_group", errors)
    _choice(data.contact_method, ContactMethod, "contact_method", errors)


def _check_contact(data: TicketInput, errors: list[FieldError]) -> None:
    if data.contact_method in NEEDS_DETAIL:
        number = re.sub(r"[\s\-()]", "", data.contact_detail)
        if not data.contact_detail:
            errors.append(FieldError("contact_detail", _("Give the number to reach the person on."), "required"))
        elif not PHONE.match(number):
            errors.append(FieldError("contact_detail", _("A phone number has 7 to 15 digits, optionally after +.")))
        else:
            data.contact_detail = number
        if not data.consent_contact:
            errors.append(
                FieldError(
                    "consent_contact", _("Contact only with the person's consent: tick it, or choose no contact.")
                )
            )
    elif data.contact_method == ContactMethod.NONE:
        data.contact_detail = ""


def _household(data: TicketInput, actor: Any, errors: list[FieldError]) -> Any | None:
    from panah.core.errors import ApplicationError
    from panah.registry.selectors import household_get

    if not data.household or actor is None:
        return None
    try:
        return household_get(actor=actor, registration_id=str(data.household).strip().upper()[:20])
    except ApplicationError:
        errors.append(FieldError("household", _("No such household.")))
        return None


def validate(data: TicketInput, *, staff: bool, actor: Any = None) -> CleanTicket:
    """Check a ticket as given; `staff` intake may set a category and the staff-conduct flag, the public may not;
    a household is linked only when `actor` may see it."""
    from panah.feedback import selectors

    errors: list[FieldError] = []
    data.description = clean_text(
        data.description, name="description", limit=MAX_DESCRIPTION, required=True, errors=errors
    )
    for name in ("contact_detail", "safe_contact_notes", "referring_agency", "origin_ref"):
        setattr(data, name, clean_text(getattr(data, name), name=name, limit=MAX_SHORT, required=False, errors=errors))
    _check_choices(data, errors)
    _check_contact(data, errors)
    if data.received_at is not None and data.received_at > timezone.now():
        errors.append(FieldError("received_at", _("Cannot be in the future.")))
    area = selectors.area_by_pcode(str(data.area or "").strip().upper())
    if area is None:
        errors.append(FieldError("area", _("Unknown or retired P-code: %(pcode)s") % {"pcode": str(data.area)[:20]}))
    category = None
    if data.category and staff:
        category = selectors.category_by_code(data.category)
        if category is None:
            errors.append(FieldError("category", _("Unknown category.")))
    site = None
    if data.site:
        site = selectors.site_by_public_id(data.site)
        if site is None or (area is not None and not site.admin_area.path.startswith(area.path)):
            errors.append(FieldError("site", _("No such site in this area.")))
    household = _household(data, actor, errors) if staff else None
    if not staff:
        data.category, data.about_staff, data.origin, data.origin_ref = "", False, "", ""
    if errors:
        raise invalid(_("The feedback cannot be recorded as given."), *errors)
    return CleanTicket(data=data, area=area, category=category, site=site, household=household)

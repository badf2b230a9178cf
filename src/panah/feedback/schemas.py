"""API shapes of the complaints and feedback mechanism.

Inputs bound every string (PostgreSQL refuses NUL, columns have lengths: either would be a 500, not a 422) and leave
the rules to inputs.validate() and the workflow, so the API and the pages name the same problems the same way.
Outputs never carry the PIN's hash, the idempotency key or the sealed payload: a sealed ticket's content leaves only
through the sealed detail, opened for the PSEA focal point by selectors.ticket_view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from panah.core.errors import FieldError, invalid
from panah.feedback import selectors, sla
from panah.feedback.choices import AgeGroup, Channel, Closure, ContactMethod, Language, Screening, Sex, Step
from panah.feedback.inputs import MAX_DESCRIPTION, MAX_SHORT, TicketInput
from panah.feedback.models import Category, Ticket
from panah.feedback.selectors import TicketFilters, TicketView

LINE = r"^[^\x00-\x1f\x7f]*$"  # one line: no control characters
TEXT = r"^[^\x00]*$"  # several lines: PostgreSQL refuses NUL
REFERENCE = r"^[A-Za-z0-9-]{1,20}$"
CODE = r"^[a-z0-9-]{1,20}$"
# Longer than any limit the domain sets, so that the domain's own check names the field and says by how much.
SLACK = 100


def _text(limit: int, description: str = "") -> Any:
    return Field("", max_length=limit + SLACK, pattern=TEXT, description=description)


# --- inputs -------------------------------------------------------------------------------------------------------


class TicketIn(Schema):
    """A ticket recorded by staff from any channel. Contact details only with the person's consent."""

    channel: Channel
    area: str = Field(..., max_length=20, pattern=LINE, description="P-code where the person is.")
    description: str = Field(..., max_length=MAX_DESCRIPTION + SLACK, pattern=TEXT)
    language: Language = Language.URDU
    category: str = Field("", max_length=20, pattern=LINE, description="Category code, when already known.")
    screening: Screening = Field(
        Screening.NO,
        description="Does this concern sexual exploitation or abuse, harassment, fraud or misconduct by aid workers, "
        "or retaliation? 'yes' or 'unsure' seals the ticket at once.",
    )
    about_staff: bool = Field(False, description="About staff conduct (not sealed): the response needs approval.")
    sex: Sex = Sex.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN
    disability: bool | None = None
    contact_method: ContactMethod = ContactMethod.NONE
    contact_detail: str = Field("", max_length=MAX_SHORT + SLACK, pattern=LINE)
    safe_contact_notes: str = _text(MAX_SHORT)
    consent_contact: bool = False
    consent_referral: bool = False
    site: str = Field("", max_length=40, pattern=LINE, description="Public id of a site in the area.")
    referring_agency: str = Field("", max_length=MAX_SHORT + SLACK, pattern=LINE)
    received_at: datetime | None = Field(None, description="When the person gave it, if earlier than now.")

    def to_input(self) -> TicketInput:
        return TicketInput(
            channel=str(self.channel), area=self.area, description=self.description, language=str(self.language),
            category=self.category, screening=str(self.screening), about_staff=self.about_staff, sex=str(self.sex),
            age_group=str(self.age_group), disability=self.disability, contact_method=str(self.contact_method),
            contact_detail=self.contact_detail, safe_contact_notes=self.safe_contact_notes,
            consent_contact=self.consent_contact, consent_referral=self.consent_referral, site=self.site,
            referring_agency=self.referring_agency, received_at=self.received_at,
        )  # fmt: skip


class TicketFilterIn(Schema):
    status: str = Field("", max_length=20, pattern=LINE, description="A status, or `open` for every open one.")
    category: str = Field("", max_length=20, pattern=LINE)
    channel: str = Field("", max_length=20, pattern=LINE)
    area: str = Field("", max_length=20, pattern=LINE, description="P-code: tickets inside this area.")
    assigned_to_me: bool = False
    overdue: bool = False
    q: str = Field("", max_length=20, pattern=LINE, description="A ticket reference.")

    def to_filters(self) -> TicketFilters:
        return TicketFilters(**self.dict())


class TriageIn(Schema):
    category: str = Field(..., max_length=20, pattern=LINE, description="Category code; a sensitive one seals.")
    about_staff: bool = False


class AssignIn(Schema):
    assignee: str = Field(..., max_length=150, pattern=LINE, description="Username of a handler in the area.")


class ReasonIn(Schema):
    reason: str = _text(4000)


class RespondIn(Schema):
    response: str = _text(4000)


class ReferIn(Schema):
    referred_to: str = Field("", max_length=200 + SLACK, pattern=LINE)


class ContactAttemptIn(Schema):
    succeeded: bool
    note: str = _text(1000)


class CloseIn(Schema):
    closure: Closure
    note: str = _text(1000)
    satisfied: bool | None = None


class NoteIn(Schema):
    text: str = _text(4000)


class OversightIn(Schema):
    office: str = Field(..., max_length=10, pattern=LINE, description="`oio` (We Are All In) or `eco`.")
    reference: str = Field("", max_length=100 + SLACK, pattern=LINE, description="The oversight office's reference.")


class SurvivorReferralIn(Schema):
    service: str = Field("", max_length=200 + SLACK, pattern=LINE)
    case_reference: str = Field("", max_length=100 + SLACK, pattern=LINE, description="Opaque protection case id.")


class SealedCloseIn(Schema):
    note: str = _text(4000)
    public_note: str = Field("", max_length=200 + SLACK, pattern=LINE, description="All the status page will say.")


class ReleaseIn(Schema):
    category: str = Field(..., max_length=20, pattern=LINE, description="A category that is not sensitive.")
    reason: str = _text(1000)


# --- outputs ------------------------------------------------------------------------------------------------------


class SubmittedOut(Schema):
    """What intake answers: a sealed ticket gives nothing back but its reference, its PIN and that it is sealed."""

    reference: str
    pin: str | None = Field(None, description="Shown once, to be told to the person; absent on a retry.")
    sealed: bool | None = Field(None, description="Absent on a retry.")
    created: bool | None = Field(None, description="False: this Idempotency-Key was used before.")
    status: str | None = None
    due_at: datetime | None = None


class TicketAreaOut(Schema):
    pcode: str
    name: str


class TicketOut(Schema):
    """A list row: routing facts, no narrative and no contact detail."""

    reference: str
    sealed: bool
    status: str
    channel: str
    language: str
    area: TicketAreaOut
    organisation: str
    category: str | None
    about_staff: bool
    received_at: datetime
    sla_step: str
    due_at: datetime | None
    escalation_level: int
    assigned_to: str | None

    # The detail is shaped as a dict already (ticket_detail); list rows are tickets.
    @staticmethod
    def resolve_organisation(obj: Ticket | dict[str, Any]) -> str:
        return str(obj["organisation"] if isinstance(obj, dict) else obj.organisation.short_name)

    @staticmethod
    def resolve_category(obj: Ticket | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):
            return obj["category"]  # type: ignore[no-any-return]
        return obj.category.code if obj.category else None

    @staticmethod
    def resolve_assigned_to(obj: Ticket | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):
            return obj["assigned_to"]  # type: ignore[no-any-return]
        return obj.assigned_to.get_username() if obj.assigned_to else None


class TicketEventOut(Schema):
    kind: str
    at: datetime
    actor: str | None
    from_status: str
    to_status: str
    succeeded: bool | None
    level: int | None
    text: str


class TicketDetailOut(TicketOut):
    sex: str
    age_group: str
    disability: bool | None
    contact_method: str
    contact_detail: str
    safe_contact_notes: str
    consent_contact: bool
    consent_referral: bool
    description: str
    response: str
    site: str | None
    referring_agency: str
    origin: str
    origin_ref: str
    triaged_at: datetime | None
    responded_at: datetime | None
    referred_to: str
    closed_at: datetime | None
    closure: str
    satisfied: bool | None
    reopen_count: int
    events: list[TicketEventOut]


class OversightOut(Schema):
    office: str
    reference: str
    at: str


class SurvivorReferralOut(Schema):
    service: str
    case_reference: str
    at: str


class SealedDetailOut(Schema):
    """A sealed ticket opened for the PSEA focal point (the read is on the audit trail)."""

    reference: str
    status: str
    channel: str
    language: str
    area: TicketAreaOut
    category: str
    received_at: datetime
    sealed_at: datetime | None
    due_at: datetime | None
    sex: str
    age_group: str
    contact_method: str
    contact_detail: str
    safe_contact_notes: str
    consent_contact: bool
    consent_referral: bool
    description: str
    public_note: str
    oversight: list[OversightOut]
    referrals: list[SurvivorReferralOut]
    events: list[TicketEventOut]


class TargetOut(Schema):
    step: Step
    hours: int
    working_time: bool = Field(description="True: Monday to Friday only; False: every hour counts.")


class CategoryOut(Schema):
    code: str
    name: str
    name_ur: str
    sensitive: bool = Field(description="True: a ticket in this category is sealed for the PSEA focal point.")
    needs_response: bool
    targets: list[TargetOut] = Field(description="The service-level target of each step (configured or default).")


# --- parsing and shaping ---------------------------------------------------------------------------------------


def category_or_422(code: str) -> Category:
    """The active category a step names, or a 422 naming the field."""
    category = selectors.category_by_code(code)
    if category is None:
        raise invalid(_("The step cannot be recorded as given."), FieldError("category", _("Unknown category.")))
    return category


def submitted(ticket: Ticket, pin: str | None, created: bool) -> dict[str, Any]:
    if not created:
        # A retry says only which ticket the key made: not whether it has been sealed since (the recorder must not
        # learn that from here).
        return {"reference": ticket.reference, "created": False}
    if ticket.sealed:
        return {"reference": ticket.reference, "pin": pin, "sealed": True}
    return {
        "reference": ticket.reference, "pin": pin, "sealed": False, "created": True,
        "status": ticket.status, "due_at": ticket.due_at,
    }  # fmt: skip


def _events(view: TicketView) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.kind,
            "at": e.at,
            "actor": e.actor.get_username() if e.actor else None,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "succeeded": e.succeeded,
            "level": e.level,
            "text": text if isinstance(text, str) else str(text),
        }
        for e, text in view.events
    ]


def ticket_detail(view: TicketView) -> dict[str, Any]:
    t = view.ticket
    fields = {name: getattr(t, name) for name in TicketDetailOut.model_fields if hasattr(t, name)}
    return {
        **fields,
        "area": t.area,
        "organisation": t.organisation.short_name,
        "category": t.category.code if t.category else None,
        "assigned_to": t.assigned_to.get_username() if t.assigned_to else None,
        "site": str(t.site.public_id) if t.site else None,
        "description": view.description,
        "contact_detail": view.contact_detail,
        "safe_contact_notes": view.safe_contact_notes,
        "response": view.response,
        "events": _events(view),
    }


def sealed_detail(view: TicketView) -> dict[str, Any]:
    t, payload = view.ticket, view.sealed_fields
    return {
        "reference": t.reference, "status": t.status, "channel": t.channel, "language": t.language, "area": t.area,
        "category": str(payload.get("category") or (t.category.code if t.category else "")),
        "received_at": t.received_at, "sealed_at": t.sealed_at, "due_at": t.due_at, "sex": t.sex,
        "age_group": t.age_group, "contact_method": t.contact_method, "contact_detail": view.contact_detail,
        "safe_contact_notes": view.safe_contact_notes, "consent_contact": t.consent_contact,
        "consent_referral": t.consent_referral, "description": view.description, "public_note": t.public_note,
        "oversight": payload.get("oversight", []), "referrals": payload.get("referrals", []), "events": _events(view),
    }  # fmt: skip


def category_out(category: Category) -> dict[str, Any]:
    targets = [(step, sla.target_for(category, step)) for step in Step.values]
    return {
        "code": category.code, "name": category.name, "name_ur": category.name_ur, "sensitive": category.sensitive,
        "needs_response": category.needs_response,
        "targets": [{"step": s, "hours": t.hours, "working_time": t.working_time} for s, t in targets],
    }  # fmt: skip

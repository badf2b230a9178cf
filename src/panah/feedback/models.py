"""Tickets of the complaints and feedback mechanism, the taxonomy they are sorted by, and the intake events around them.

A ticket is sealed when it concerns sexual exploitation or abuse, harassment, fraud or misconduct by aid workers, or
retaliation. A sealed ticket keeps only routing facts in clear columns (channel, area, dates, status); everything the
person said, and how to reach them, moves into `sealed_payload`, encrypted under the PSEA compartment's own keys
(see sealing.py), and the permission rule hides the row from every role but the PSEA focal point.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from panah.core.classification import Sensitivity
from panah.core.fields import EncryptedTextField
from panah.core.models import TimeStampedModel
from panah.feedback.choices import (
    AgeGroup,
    Channel,
    Closure,
    ContactMethod,
    EventKind,
    Language,
    Screening,
    Sex,
    Status,
    Step,
)

PUBLIC, INTERNAL, PERSONAL, SENSITIVE = (
    Sensitivity.PUBLIC,
    Sensitivity.INTERNAL,
    Sensitivity.PERSONAL,
    Sensitivity.SENSITIVE,
)
# Crockford's base32 without I, L, O, U: read out over a phone line without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A reference told to the person: random (a counter would reveal volumes and let one guess others' tickets)."""
    return "FB-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class Category(models.Model):
    """One entry of the (configurable) taxonomy; sensitive categories seal their tickets."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    name_ur = models.CharField(max_length=120, blank=True)
    sensitive = models.BooleanField(default=False)
    # Feedback that needs no answer (thanks, a suggestion) may close without a drafted response.
    needs_response = models.BooleanField(default=True)
    routing = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    data_classification = {
        "code": PUBLIC,
        "name": PUBLIC,
        "name_ur": PUBLIC,
        "sensitive": PUBLIC,
        "needs_response": PUBLIC,
        "routing": INTERNAL,
        "position": PUBLIC,
        "is_active": PUBLIC,
    }

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_ur if language == "ur" and self.name_ur else self.name


class SlaTarget(models.Model):
    """How long one step may take for one category: `hours` of working time (Monday to Friday) or of elapsed time."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sla_targets")
    step = models.CharField(max_length=20, choices=Step.choices)
    hours = models.PositiveIntegerField()
    working_time = models.BooleanField(default=True)

    data_classification = {"category": PUBLIC, "step": PUBLIC, "hours": PUBLIC, "working_time": PUBLIC}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "step"], name="sla_target_once_per_step")]

    def __str__(self) -> str:
        return f"{self.category.code} {self.step}: {self.hours} h"


class Routing(models.Model):
    """Who handles a category in an area: triage assigns a ticket to the focal point of the deepest matching area."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routings")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    focal_point = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    data_classification = {"category": INTERNAL, "area": INTERNAL, "focal_point": PERSONAL}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="routing_once_per_category_area")]

    def __str__(self) -> str:
        return f"{self.category.code} in {self.area_id}"


class BoxOpening(TimeStampedModel):
    """A complaint box opened by two staff; each note found becomes one ticket linked here."""

    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    box_label = models.CharField(max_length=100)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.CharField(max_length=150)
    notes_found = models.PositiveIntegerField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    data_classification = {
        "created_at": INTERNAL,
        "updated_at": INTERNAL,
        "area": INTERNAL,
        "site": INTERNAL,
        "box_label": INTERNAL,
        "opened_at": INTERNAL,
        "opened_by": PERSONAL,
        "witness": PERSONAL,
        "notes_found": INTERNAL,
        "organisation": INTERNAL,
        "idempotency_key": INTERNAL,
    }

    def __str__(self) -> str:
        return f"{self.box_label} opened {self.opened_at:%Y-%m-%d}"


class CommunityMeeting(TimeStampedModel):
    """Feedback gathered in a community meeting: aggregated, with no individual complainant."""

    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    women = models.PositiveIntegerField(default=0)
    men = models.PositiveIntegerField(default=0)
    girls = models.PositiveIntegerField(default=0)
    boys = models.PositiveIntegerField(default=0)
    # {category code: number of times raised}; sensitive categories are never recorded here.
    issues = models.JSONField(default=dict)
    summary = models.TextField(max_length=4000)
    action_taken = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    data_classification = {
        "created_at": INTERNAL,
        "updated_at": INTERNAL,
        "area": INTERNAL,
        "site": INTERNAL,
        "held_on": INTERNAL,
        "women": INTERNAL,
        "men": INTERNAL,
        "girls": INTERNAL,
        "boys": INTERNAL,
        "issues": INTERNAL,
        "summary": INTERNAL,
        "action_taken": INTERNAL,
        "recorded_by": PERSONAL,
        "organisation": INTERNAL,
    }

    def __str__(self) -> str:
        return f"meeting {self.held_on}"

    @property
    def participants(self) -> int:
        return self.women + self.men + self.girls + self.boys


class TicketQuerySet(models.QuerySet["Ticket"]):
    def unsealed(self) -> TicketQuerySet:
        return self.filter(sealed=False)

    def sealed_only(self) -> TicketQuerySet:
        return self.filter(sealed=True)

    def open(self) -> TicketQuerySet:
        from panah.feedback.choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Ticket(TimeStampedModel):
    """One question, request, complaint or report, from any channel; anonymous unless the person gives contact."""

    audit_reads = True

    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    pin_hash = models.CharField(max_length=200)
    status_failures = models.PositiveSmallIntegerField(default=0)
    status_locked_until = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.URDU)
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    screening = models.CharField(max_length=10, choices=Screening.choices, default=Screening.NO)
    # A complaint about the conduct of staff (not sealed: rudeness, favouritism) needs a second person to approve
    # the response (four eyes).
    about_staff = models.BooleanField(default=False)
    sealed = models.BooleanField(default=False, db_index=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    # Everything said or identifying, once sealed: JSON encrypted under the PSEA keys (see sealing.py).
    sealed_payload = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    age_group = models.CharField(max_length=5, choices=AgeGroup.choices, blank=True)
    disability = models.BooleanField(null=True, blank=True)
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices, default=ContactMethod.NONE)
    contact_detail = EncryptedTextField(blank=True)
    safe_contact_notes = EncryptedTextField(blank=True)
    consent_contact = models.BooleanField(default=False)
    consent_referral = models.BooleanField(default=False)
    description = EncryptedTextField(blank=True)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Raised by another capability (origin "registry.merge" and the id there), or referred by an agency.
    origin = models.CharField(max_length=60, blank=True)
    origin_ref = models.CharField(max_length=100, blank=True)
    referring_agency = models.CharField(max_length=200, blank=True)
    box_opening = models.ForeignKey(BoxOpening, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    response = EncryptedTextField(blank=True)
    response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    referred_to = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure = models.CharField(max_length=20, choices=Closure.choices, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # The running service-level clock: the step it measures, when that step is due, how far it has escalated
    # (1: 80 % of the time used, 2: breached).
    sla_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    sla_started_at = models.DateTimeField(null=True, blank=True)
    # Whether the running clock counts working time: kept with the clock, so a target changed later in the settings
    # moves neither its due time nor its escalations.
    sla_working_time = models.BooleanField(default=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # Shown on the public status page for a sealed ticket in place of anything real.
    public_note = models.CharField(max_length=200, blank=True)

    objects = TicketQuerySet.as_manager()

    data_classification = {
        "created_at": INTERNAL,
        "updated_at": INTERNAL,
        "reference": PERSONAL,
        "pin_hash": SENSITIVE,
        "status_failures": INTERNAL,
        "status_locked_until": INTERNAL,
        "channel": INTERNAL,
        "language": INTERNAL,
        "area": INTERNAL,
        "site": INTERNAL,
        "organisation": INTERNAL,
        "category": INTERNAL,
        "screening": SENSITIVE,
        "about_staff": INTERNAL,
        "sealed": INTERNAL,
        "sealed_at": INTERNAL,
        "sealed_payload": SENSITIVE,
        "status": INTERNAL,
        "received_at": INTERNAL,
        "sex": PERSONAL,
        "age_group": PERSONAL,
        "disability": SENSITIVE,
        "contact_method": PERSONAL,
        "contact_detail": SENSITIVE,
        "safe_contact_notes": SENSITIVE,
        "consent_contact": PERSONAL,
        "consent_referral": PERSONAL,
        "description": SENSITIVE,
        "household": PERSONAL,
        "origin": INTERNAL,
        "origin_ref": INTERNAL,
        "referring_agency": INTERNAL,
        "box_opening": INTERNAL,
        "idempotency_key": INTERNAL,
        "created_by": PERSONAL,
        "assigned_to": PERSONAL,
        "triaged_at": INTERNAL,
        "response": SENSITIVE,
        "response_by": PERSONAL,
        "approved_by": PERSONAL,
        "responded_at": INTERNAL,
        "referred_to": INTERNAL,
        "closed_at": INTERNAL,
        "closure": INTERNAL,
        "satisfied": PERSONAL,
        "reopen_count": INTERNAL,
        "sla_step": INTERNAL,
        "sla_started_at": INTERNAL,
        "sla_working_time": INTERNAL,
        "due_at": INTERNAL,
        "escalation_level": INTERNAL,
        "public_note": INTERNAL,
    }

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["sealed", "status", "due_at"]), models.Index(fields=["sealed", "received_at"])]
        constraints = [
            # A sealed ticket keeps nothing said or identifying in clear columns.
            models.CheckConstraint(
                condition=models.Q(sealed=False)
                | (models.Q(description="") & models.Q(contact_detail="") & models.Q(response="")),
                name="sealed_ticket_has_no_clear_narrative",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class TicketEvent(models.Model):
    """What happened to a ticket: status changes, notes, contact attempts and escalations, in order."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # For a contact attempt: reached or not. For an escalation: the level reached.
    succeeded = models.BooleanField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    text = EncryptedTextField(blank=True)
    # On a sealed ticket the text is kept here instead, under the PSEA keys.
    sealed_text = models.TextField(blank=True)

    data_classification = {
        "sealed_text": SENSITIVE,
        "ticket": INTERNAL,
        "kind": INTERNAL,
        "at": INTERNAL,
        "actor": PERSONAL,
        "from_status": INTERNAL,
        "to_status": INTERNAL,
        "succeeded": INTERNAL,
        "level": INTERNAL,
        "text": SENSITIVE,
    }

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d}"


class InboundMessage(models.Model):
    """A webhook message already taken in (provider and its message id): a replay finds it and stores nothing."""

    provider = models.CharField(max_length=40)
    message_id = models.CharField(max_length=120)
    received_at = models.DateTimeField()
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    data_classification = {"provider": INTERNAL, "message_id": INTERNAL, "received_at": INTERNAL, "ticket": INTERNAL}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "message_id"], name="inbound_message_once")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.message_id}"


class RateCounter(models.Model):
    """Requests counted per key (a keyed hash of a network address and a purpose) and hour, in the database so every
    worker process shares one count; no third-party service is involved."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    data_classification = {"key": INTERNAL, "window_start": INTERNAL, "count": INTERNAL}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_once_per_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.window_start:%H:%M} {self.count}"


__all__ = [
    "AgeGroup",
    "BoxOpening",
    "Category",
    "Channel",
    "Closure",
    "CommunityMeeting",
    "ContactMethod",
    "EventKind",
    "InboundMessage",
    "Language",
    "RateCounter",
    "Routing",
    "Screening",
    "Sex",
    "SlaTarget",
    "Status",
    "Step",
    "Ticket",
    "TicketEvent",
]

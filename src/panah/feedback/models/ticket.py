"""Tickets of the complaints and feedback mechanism and their history.

A ticket is sealed when it concerns sexual exploitation or abuse, harassment, fraud or misconduct by aid workers, or
retaliation. A sealed ticket keeps only routing facts in clear columns (channel, area, dates, status); everything the
person said, and how to reach them, moves into `sealed_payload`, encrypted under the PSEA compartment's own keys
(see sealing.py), and the permission rule hides the row from every role but the PSEA focal point.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

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
from panah.feedback.models.common import INTERNAL, PERSONAL, SENSITIVE
from panah.feedback.models.intake import BoxOpening
from panah.feedback.models.taxonomy import Category

# Crockford's base32 without I, L, O, U: read out over a phone line without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A reference told to the person: random (a counter would reveal volumes and let one guess others' tickets)."""
    return "FB-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


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

"""Intake events around tickets: complaint box openings, community meetings, webhook messages taken in, and the
counters that rate-limit the public form."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from panah.core.models import TimeStampedModel
from panah.feedback.models.common import INTERNAL, PERSONAL


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


class InboundMessage(models.Model):
    """A webhook message already taken in (provider and its message id): a replay finds it and stores nothing."""

    provider = models.CharField(max_length=40)
    message_id = models.CharField(max_length=120)
    received_at = models.DateTimeField()
    ticket = models.ForeignKey("feedback.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

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

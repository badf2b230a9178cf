from __future__ import annotations

from django.conf import settings
from django.db import models

from panah.core.classification import Sensitivity


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only, hash-chained entry of the audit trail. Written only by panah.core.audit."""

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    data_classification = {
        "occurred_at": Sensitivity.INTERNAL,
        "actor": Sensitivity.PERSONAL,
        "actor_username": Sensitivity.PERSONAL,
        "actor_organisation": Sensitivity.INTERNAL,
        "action": Sensitivity.INTERNAL,
        "object_type": Sensitivity.INTERNAL,
        "object_id": Sensitivity.INTERNAL,
        "changes": Sensitivity.PERSONAL,
        "metadata": Sensitivity.INTERNAL,
        "request_id": Sensitivity.INTERNAL,
        "client_ip": Sensitivity.PERSONAL,
        "prev_hash": Sensitivity.INTERNAL,
        "hash": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.action}"


class AuditChainHead(models.Model):
    """The one row that holds the newest event's id and hash, so a deleted tail is detected too."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    data_classification = {"last_event_id": Sensitivity.INTERNAL, "last_hash": Sensitivity.INTERNAL}

    def __str__(self) -> str:
        return f"audit chain head at event {self.last_event_id}"

"""Staged imports: one batch per uploaded file, and the rows held back from it for correction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.core.classification import Sensitivity
from panah.core.fields import EncryptedJSONField, EncryptedTextField
from panah.core.models import TimeStampedModel

INTERNAL = Sensitivity.INTERNAL


class BatchStatus(models.TextChoices):
    VALIDATING = "validating", _("Validating")
    NEEDS_DECISION = "needs_decision", _("Waiting for your decision")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class BatchPolicy(models.TextChoices):
    REJECT_FILE = "reject_file", _("Reject the whole file when any row has a problem")
    ACCEPT_CLEAN = "accept_clean", _("Import the clean rows and hold the others for correction")
    ASK = "ask", _("Show me the problems first, then I decide")


class Resolution(models.TextChoices):
    OPEN = "", _("Waiting for correction")
    IMPORTED = "imported", _("Corrected and imported")
    DISCARDED = "discarded", _("Discarded")


class ImportBatch(TimeStampedModel):
    """One uploaded file for one import spec and context (such as a round). The same file twice is one batch."""

    spec_name = models.CharField(max_length=60)
    context = models.JSONField(default=dict, help_text="What the rows belong to, e.g. {'round_id': 3}.")
    # The canonical JSON of `context`: makes "same file for the same target" a database constraint.
    context_key = models.CharField(max_length=200, editable=False)
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.VALIDATING)
    policy = models.CharField(max_length=20, choices=BatchPolicy.choices, default=BatchPolicy.REJECT_FILE)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    held_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    error_summary = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "spec_name": INTERNAL,
        "context": INTERNAL,
        "context_key": INTERNAL,
        "original_filename": INTERNAL,
        "sha256": INTERNAL,
        # Uploaded files may carry names of key informants in free-text columns.
        "content": Sensitivity.PERSONAL,
        "uploaded_by": Sensitivity.PERSONAL,
        "status": INTERNAL,
        "policy": INTERNAL,
        "total_rows": INTERNAL,
        "valid_rows": INTERNAL,
        "held_rows": INTERNAL,
        "imported_rows": INTERNAL,
        "progress": INTERNAL,
        "error_summary": INTERNAL,
        "finished_at": INTERNAL,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["spec_name", "context_key", "sha256"], name="import_batch_same_file"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="import_batch_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.spec_name} batch {self.pk} ({self.original_filename})"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.REJECTED, BatchStatus.FAILED)


class HeldRow(TimeStampedModel):
    """A row of a batch that did not pass validation, with the values as read and what is wrong with them."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="held")
    row_number = models.PositiveIntegerField(help_text="As numbered in the file: the header is row 1.")
    # Held rows of registrations carry document numbers and phones: encrypted like every sensitive field.
    values = EncryptedJSONField(default=dict)
    errors = models.JSONField(default=list, help_text="[{column, message}]")
    resolved = models.BooleanField(default=False)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True, default=Resolution.OPEN)

    data_classification = {
        "batch": INTERNAL,
        "row_number": INTERNAL,
        "values": Sensitivity.SENSITIVE,
        "errors": INTERNAL,
        "resolved": INTERNAL,
        "resolution": INTERNAL,
    }

    class Meta:
        ordering = ["batch_id", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="held_row_unique")]

    def __str__(self) -> str:
        return f"row {self.row_number} of batch {self.batch_id}"

    @property
    def columns_in_error(self) -> list[str]:
        return sorted({e["column"] for e in self.errors})


class SubmissionSource(models.TextChoices):
    OPENROSA = "openrosa", _("ODK Collect / Enketo (OpenRosa)")
    KOBO = "kobo", _("KoboToolbox pull")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting for import")
    IMPORTED = "imported", _("Imported")
    HELD = "held", _("Held for correction")
    DUPLICATE = "duplicate", _("Same values as an earlier submission")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")
    REPLACED = "replaced", _("Replaced by an edit")


class KoboSource(TimeStampedModel):
    """A KoboToolbox form (asset) whose submissions are pulled into one import spec, incrementally."""

    name = models.CharField(max_length=100)
    server_url = models.URLField(help_text="e.g. https://kf.kobotoolbox.org")
    asset_uid = models.CharField(max_length=64)
    token = EncryptedTextField(help_text="The KoboToolbox API key of the account that owns or shares the form.")
    spec_name = models.CharField(max_length=60)
    context = models.JSONField(default=dict, blank=True, help_text="What the rows belong to, e.g. {'round_id': 3}.")
    last_submission_time = models.CharField(max_length=40, blank=True, help_text="_submission_time of the last pull.")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    data_classification = {
        "name": INTERNAL,
        "server_url": INTERNAL,
        "asset_uid": INTERNAL,
        "token": Sensitivity.SENSITIVE,
        "spec_name": INTERNAL,
        "context": INTERNAL,
        "last_submission_time": INTERNAL,
        "last_run_at": INTERNAL,
        "last_error": INTERNAL,
        "created_by": Sensitivity.PERSONAL,
    }

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["server_url", "asset_uid", "spec_name"], name="kobo_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.asset_uid})"


class Submission(TimeStampedModel):
    """One form instance received from a phone or pulled from Kobo; its instanceID makes a resubmission harmless."""

    source = models.CharField(max_length=10, choices=SubmissionSource.choices, default=SubmissionSource.OPENROSA)
    form_id = models.CharField(max_length=100)
    instance_id = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64, help_text="Of the payload as received: a different one is a conflict.")
    # XML (OpenRosa) or JSON (Kobo) as received; registration forms will carry personal data, so it is encrypted.
    payload = EncryptedTextField()
    attachments = models.JSONField(default=list, blank=True, help_text="[{filename, path, size, content_type}]")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kobo_source = models.ForeignKey(KoboSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    row_number = models.PositiveIntegerField(null=True, blank=True, help_text="The submission's row in the batch.")

    data_classification = {
        "source": INTERNAL,
        "form_id": INTERNAL,
        "instance_id": INTERNAL,
        "sha256": INTERNAL,
        "payload": Sensitivity.SENSITIVE,
        "attachments": Sensitivity.PERSONAL,
        "submitted_by": Sensitivity.PERSONAL,
        "kobo_source": INTERNAL,
        "received_at": INTERNAL,
        "status": INTERNAL,
        "batch": INTERNAL,
        "row_number": INTERNAL,
    }

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["batch", "row_number"], name="submission_batch_row")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.instance_id}"

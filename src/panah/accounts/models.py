from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.core.classification import Sensitivity
from panah.core.models import TimeStampedModel
from panah.core.roles import Role
from panah.geo.models import AdminArea


class OrganisationKind(models.TextChoices):
    MISSION = "mission", _("IOM mission")
    UN_AGENCY = "un_agency", _("UN agency")
    INGO = "ingo", _("International NGO")
    NNGO = "nngo", _("National NGO")
    GOVERNMENT = "government", _("Government body")
    EU_AUTHORITY = "eu_authority", _("EU member-state authority")


class Organisation(TimeStampedModel):
    short_name = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(max_length=2, default="PK", help_text="ISO 3166-1 alpha-2 of the organisation's seat.")
    is_active = models.BooleanField(default=True)

    data_classification = {
        "short_name": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "kind": Sensitivity.PUBLIC,
        "country": Sensitivity.PUBLIC,
        "is_active": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class User(AbstractUser):
    # Staff records hold names and contact details of aid workers, which armed groups have used to target them.
    audit_reads = True

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    preferred_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "password": Sensitivity.SENSITIVE,
        "last_login": Sensitivity.INTERNAL,
        "is_superuser": Sensitivity.INTERNAL,
        "username": Sensitivity.PERSONAL,
        "first_name": Sensitivity.PERSONAL,
        "last_name": Sensitivity.PERSONAL,
        "email": Sensitivity.PERSONAL,
        "is_staff": Sensitivity.INTERNAL,
        "is_active": Sensitivity.INTERNAL,
        "date_joined": Sensitivity.INTERNAL,
        "organisation": Sensitivity.INTERNAL,
        "preferred_language": Sensitivity.INTERNAL,
        "failed_logins": Sensitivity.INTERNAL,
        "locked_until": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["username"]

    def is_locked(self, at: object = None) -> bool:
        now = at or timezone.now()
        return self.locked_until is not None and self.locked_until > now  # type: ignore[operator]


class Operation(TimeStampedModel):
    """A response the mission runs (2022 Floods Response, Afghan Returns): roles may be scoped to one."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    data_classification = {
        "code": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "started_on": Sensitivity.PUBLIC,
        "ended_on": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["-started_on", "code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, at: object = None) -> RoleAssignmentQuerySet:
        now = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=now).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class RoleAssignment(TimeStampedModel):
    """One role held by one user over one admin area (a province covers its districts and tehsils)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    data_classification = {
        "user": Sensitivity.INTERNAL,
        "role": Sensitivity.INTERNAL,
        "area": Sensitivity.INTERNAL,
        "operation": Sensitivity.INTERNAL,
        "starts_at": Sensitivity.INTERNAL,
        "expires_at": Sensitivity.INTERNAL,
        "granted_by": Sensitivity.INTERNAL,
        "revoked_at": Sensitivity.INTERNAL,
        "revoked_by": Sensitivity.INTERNAL,
        "reason": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["user_id", "role"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} in {self.area_id}"

    def is_active(self, at: object = None) -> bool:
        now = at or timezone.now()
        return (
            self.revoked_at is None
            and self.starts_at <= now  # type: ignore[operator]
            and (self.expires_at is None or self.expires_at > now)  # type: ignore[operator]
        )


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 hash of the secret is stored; the prefix finds the row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "user": Sensitivity.INTERNAL,
        "name": Sensitivity.INTERNAL,
        "prefix": Sensitivity.INTERNAL,
        "key_hash": Sensitivity.SENSITIVE,
        "expires_at": Sensitivity.INTERNAL,
        "revoked_at": Sensitivity.INTERNAL,
        "last_used_at": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at: object = None) -> bool:
        now = at or timezone.now()
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]

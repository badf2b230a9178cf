"""The taxonomy tickets are sorted by, the service-level targets per category and step, and who handles what where."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from panah.feedback.choices import Step
from panah.feedback.models.common import INTERNAL, PERSONAL, PUBLIC


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

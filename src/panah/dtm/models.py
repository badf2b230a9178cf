"""Displacement tracking records. Figures are stored where they are collected (location, site, crossing and day)
and summed only within one round: round figures are stocks, flow figures are movements (see figures.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from panah.accounts.models import Operation, User
from panah.core.classification import Sensitivity
from panah.core.models import TimeStampedModel
from panah.dtm.choices import (
    AssessmentLevel,
    Direction,
    DisplacementReason,
    DocumentationStatus,
    PopulationGroup,
    ReturnType,
    RoundKind,
    RoundStatus,
    ShelterType,
)
from panah.dtm.querysets import FlowQuerySet, StockQuerySet
from panah.geo.models import AdminArea, BorderCrossing, Site

INTERNAL = Sensitivity.INTERNAL
PUBLIC = Sensitivity.PUBLIC


def _classify(*names: str, level: Sensitivity = INTERNAL) -> dict[str, Sensitivity]:
    return dict.fromkeys(names, level)


class Round(TimeStampedModel):
    """One data-collection round of an operation. A correction of a published round is a new version of it."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField(max_length=20, choices=RoundKind.choices, default=RoundKind.MOBILITY)
    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT, db_index=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        **_classify("operation", "kind", "number", "version", "period_start", "period_end", "status", level=PUBLIC),
        **_classify("supersedes", "correction_reason", "created_by", "submitted_by", "submitted_at"),
        **_classify("published_by", "published_at"),
    }

    class Meta:
        ordering = ["operation_id", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "number", "version"], name="round_number_version_unique"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="round_period_order"),
        ]

    def __str__(self) -> str:
        suffix = f" v{self.version}" if self.version > 1 else ""
        return f"{self.operation} – round {self.number}{suffix}"

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == RoundStatus.DRAFT


class LocationAssessment(TimeStampedModel):
    """Key-informant figures for one place in one round: displaced or returnee households and people present."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="location_assessments")
    level = models.CharField(max_length=2, choices=AssessmentLevel.choices)
    admin_area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="+")
    location_name = models.CharField(
        max_length=200, blank=True, help_text="Union council or village, below the tehsil."
    )
    population_group = models.CharField(max_length=20, choices=PopulationGroup.choices)
    displacement_reason = models.CharField(max_length=20, choices=DisplacementReason.choices)
    origin_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField()
    individuals = models.PositiveIntegerField()
    males = models.PositiveIntegerField(null=True, blank=True)
    females = models.PositiveIntegerField(null=True, blank=True)
    children = models.PositiveIntegerField(null=True, blank=True, help_text="0 to 17 years")
    adults = models.PositiveIntegerField(null=True, blank=True, help_text="18 to 59 years")
    elderly = models.PositiveIntegerField(null=True, blank=True, help_text="60 years and over")
    displaced_since = models.DateField(null=True, blank=True)
    shelter_type = models.CharField(max_length=30, choices=ShelterType.choices, blank=True)
    priority_needs = models.JSONField(default=list, blank=True, help_text="Need codes, most pressing first.")
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = StockQuerySet.as_manager()

    data_classification = _classify(
        "round",
        "level",
        "admin_area",
        "location_name",
        "population_group",
        "displacement_reason",
        "origin_area",
        "households",
        "individuals",
        "males",
        "females",
        "children",
        "adults",
        "elderly",
        "displaced_since",
        "shelter_type",
        "priority_needs",
        "import_batch_id",
    )

    class Meta:
        ordering = ["round_id", "admin_area_id", "location_name"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "round",
                    "admin_area",
                    "location_name",
                    "population_group",
                    "displacement_reason",
                    "origin_area",
                ],
                name="location_assessment_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(individuals__gte=models.F("households")), name="individuals_not_below_households"
            ),
        ]
        indexes = [models.Index(fields=["round", "admin_area"])]

    def __str__(self) -> str:
        return f"{self.admin_area_id} {self.location_name} {self.population_group}: {self.individuals}"


class SiteAssessment(TimeStampedModel):
    """One site in one round: who lives there, who manages it, and what its services measure against standards."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="site_assessments")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    managing_agency = models.CharField(max_length=200, blank=True)
    households = models.PositiveIntegerField()
    individuals = models.PositiveIntegerField()
    males = models.PositiveIntegerField(null=True, blank=True)
    females = models.PositiveIntegerField(null=True, blank=True)
    children = models.PositiveIntegerField(null=True, blank=True)
    elderly = models.PositiveIntegerField(null=True, blank=True)
    # Service indicators: None means not measured; 0 water points or latrines means no service.
    water_litres_per_person_day = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    functioning_water_points = models.PositiveIntegerField(null=True, blank=True)
    functioning_latrines = models.PositiveIntegerField(null=True, blank=True)
    latrines_sex_segregated = models.BooleanField(null=True, blank=True)
    distance_to_water_m = models.PositiveIntegerField(null=True, blank=True)
    covered_space_m2_per_person = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    health_facility_access = models.BooleanField(null=True, blank=True)
    waste_management = models.BooleanField(null=True, blank=True)
    lighting = models.BooleanField(null=True, blank=True)
    security_incidents = models.PositiveIntegerField(null=True, blank=True, help_text="Reported in the last 30 days.")
    priority_needs = models.JSONField(default=list, blank=True)
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = StockQuerySet.as_manager()

    data_classification = _classify(
        "round",
        "site",
        "assessed_on",
        "managing_agency",
        "households",
        "individuals",
        "males",
        "females",
        "children",
        "elderly",
        "water_litres_per_person_day",
        "functioning_water_points",
        "functioning_latrines",
        "latrines_sex_segregated",
        "distance_to_water_m",
        "covered_space_m2_per_person",
        "health_facility_access",
        "waste_management",
        "lighting",
        "security_incidents",
        "priority_needs",
        "import_batch_id",
    )

    class Meta:
        ordering = ["round_id", "site_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="site_assessment_unique"),
            models.CheckConstraint(
                condition=Q(individuals__gte=models.F("households")), name="site_individuals_not_below_households"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} in round {self.round_id}"

    @property
    def people_per_water_point(self) -> float | None:
        if not self.functioning_water_points:
            return None
        return self.individuals / self.functioning_water_points

    @property
    def people_per_latrine(self) -> float | None:
        if not self.functioning_latrines:
            return None
        return self.individuals / self.functioning_latrines


class IndicatorThreshold(TimeStampedModel):
    """An operation's own threshold for a site indicator, overriding the Sphere default (standards.py)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="thresholds")
    indicator = models.CharField(max_length=50)
    value = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=200, help_text="Where the value comes from, e.g. a WASH cluster decision.")

    data_classification = _classify("operation", "indicator", "value", "source", level=PUBLIC)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation", "indicator"], name="threshold_unique")]

    def __str__(self) -> str:
        return f"{self.operation}: {self.indicator} {self.value}"


class FlowCount(TimeStampedModel):
    """Movements counted at one crossing on one day in one direction, for one documentation status and return type.

    These are movements, not people: one person crossing twice is counted twice."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="flow_counts")
    crossing = models.ForeignKey(BorderCrossing, on_delete=models.PROTECT, related_name="flow_counts")
    date = models.DateField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    documentation_status = models.CharField(max_length=20, choices=DocumentationStatus.choices)
    return_type = models.CharField(max_length=20, choices=ReturnType.choices)
    men = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    boys = models.PositiveIntegerField(default=0)
    girls = models.PositiveIntegerField(default=0)
    unaccompanied_children = models.PositiveIntegerField(default=0)
    persons_with_disability = models.PositiveIntegerField(default=0)
    pregnant_or_lactating = models.PositiveIntegerField(default=0)
    older_persons = models.PositiveIntegerField(default=0)
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = FlowQuerySet.as_manager()

    data_classification = _classify(
        "round",
        "crossing",
        "date",
        "direction",
        "documentation_status",
        "return_type",
        "men",
        "women",
        "boys",
        "girls",
        "unaccompanied_children",
        "persons_with_disability",
        "pregnant_or_lactating",
        "older_persons",
        "import_batch_id",
    )

    class Meta:
        ordering = ["date", "crossing_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "crossing", "date", "direction", "documentation_status", "return_type"],
                name="flow_count_unique",
            )
        ]
        indexes = [models.Index(fields=["crossing", "date"])]

    def __str__(self) -> str:
        return f"{self.crossing_id} {self.date} {self.direction}: {self.total}"

    @property
    def total(self) -> int:
        return self.men + self.women + self.boys + self.girls


class FlowSurvey(TimeStampedModel):
    """One flow monitoring interview. Repeat respondents are kept but flagged and left out of the analysis."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="flow_surveys")
    crossing = models.ForeignKey(BorderCrossing, on_delete=models.PROTECT, related_name="+")
    interviewed_on = models.DateField()
    # A keyed hash of the respondent's document or phone number (core.fields.blind_index): repeat interviews can
    # be screened out without keeping the number.
    respondent_key = models.CharField(max_length=64, db_index=True)
    sex = models.CharField(max_length=1, choices=[("m", "male"), ("f", "female")])
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    documentation_status = models.CharField(max_length=20, choices=DocumentationStatus.choices)
    return_type = models.CharField(max_length=20, choices=ReturnType.choices)
    intended_destination = models.CharField(max_length=100, help_text="Province in Afghanistan (name or code).")
    reasons = models.JSONField(default=list, help_text="Return reason codes.")
    needs = models.JSONField(default=list, help_text="Need codes, most pressing first.")
    is_repeat = models.BooleanField(default=False)
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    data_classification = {
        **_classify("round", "crossing", "interviewed_on", "sex", "age", "documentation_status", "return_type"),
        **_classify("intended_destination", "reasons", "needs", "is_repeat", "import_batch_id"),
        "respondent_key": Sensitivity.SENSITIVE,
    }

    class Meta:
        ordering = ["interviewed_on"]

    def __str__(self) -> str:
        return f"interview at {self.crossing_id} on {self.interviewed_on}"

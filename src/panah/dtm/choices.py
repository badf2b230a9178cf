"""Code lists of displacement tracking. Values are stable codes (they appear in imports, exports and the API)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class RoundKind(models.TextChoices):
    MOBILITY = "mobility", _("Mobility tracking")
    FLOW = "flow", _("Flow monitoring")


class AssessmentLevel(models.TextChoices):
    BASELINE = "BA", _("Baseline assessment (district)")
    LOCATION = "LA", _("Location assessment (tehsil, union council or village)")


class PopulationGroup(models.TextChoices):
    # The government says TDP (temporarily displaced persons); the code stays "idp" and the label is a setting.
    IDP = "idp", _("Displaced (IDP/TDP)")
    RETURNEE = "returnee", _("Returnee")


class DisplacementReason(models.TextChoices):
    FLOOD = "flood", _("Flood")
    CONFLICT = "conflict", _("Conflict")
    OTHER = "other", _("Other")


class ShelterType(models.TextChoices):
    HOST_FAMILY = "host_family", _("With host family")
    RENTED = "rented", _("Rented")
    CAMP = "camp", _("Camp or site")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre (school, public building)")
    MAKESHIFT = "makeshift", _("Makeshift shelter or open air")
    OWN_DAMAGED = "own_damaged", _("Own damaged house")
    OTHER = "other", _("Other")


class Need(models.TextChoices):
    FOOD = "food", _("Food")
    SHELTER = "shelter", _("Shelter")
    WATER = "water", _("Drinking water")
    SANITATION = "sanitation", _("Sanitation and hygiene")
    HEALTH = "health", _("Health")
    NFI = "nfi", _("Household items")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    CASH = "cash", _("Cash")
    PROTECTION = "protection", _("Protection")
    EDUCATION = "education", _("Education")
    DOCUMENTATION = "documentation", _("Documentation")
    TRANSPORT = "transport", _("Transport")


class Direction(models.TextChoices):
    # Seen from Pakistan: returns to Afghanistan leave; arrivals enter.
    OUTGOING = "out", _("Leaving Pakistan")
    INCOMING = "in", _("Entering Pakistan")


class DocumentationStatus(models.TextChoices):
    POR = "por", _("Proof of Registration card")
    ACC = "acc", _("Afghan Citizen Card")
    TAZKIRA_PASSPORT = "tazkira_passport", _("Tazkira or passport")
    UNDOCUMENTED = "undocumented", _("Undocumented")


class ReturnType(models.TextChoices):
    SPONTANEOUS = "spontaneous", _("Spontaneous")
    DEPORTED = "deported", _("Deported")
    ASSISTED = "assisted", _("Assisted (VolRep)")


class ReturnReason(models.TextChoices):
    FEAR_OF_ARREST = "fear_of_arrest", _("Fear of arrest or deportation")
    HARASSMENT = "harassment", _("Harassment or extortion")
    ECONOMIC = "economic", _("No work or income")
    DOCUMENTS_EXPIRED = "documents_expired", _("Documents expired or not renewed")
    FAMILY = "family", _("Family reunification")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other")


class IndicatorStatus(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_SERVICE = "no_service", _("No service")
    NO_DATA = "no_data", _("No data")

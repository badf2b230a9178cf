"""The household registry: source records as registered, and the people they are found to describe.

A `Household` and its `Individual` members are kept exactly as one organisation registered them (a source record).
Deduplication never edits or deletes them: it decides which `Person` (the golden record) each individual belongs to.
A merge moves the individuals of one person onto another and is written down as a `Merge`; undoing it moves them
back. The golden record's values are read from its source records (see golden.py), so nothing is copied that could
drift.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.classification import Sensitivity
from panah.core.fields import EncryptedTextField
from panah.core.models import TimeStampedModel

PUBLIC, INTERNAL, PERSONAL, SENSITIVE = (
    Sensitivity.PUBLIC,
    Sensitivity.INTERNAL,
    Sensitivity.PERSONAL,
    Sensitivity.SENSITIVE,
)
OLDER_PERSON_AGE = 60  # the humanitarian convention (IASC, Sphere) for "older person"
# Crockford's base32 without I, L, O, U: read aloud at a distribution point without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_public_id(prefix: str) -> str:
    """A random id printed on cards: not a secret, but not a counter either. 50 bits keep the chance that a registry
    of a million ever draws the same id twice near 1 in 2,000; a registration that draws a taken one draws again."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def new_registration_id() -> str:
    return new_public_id("H")


def new_person_id() -> str:
    return new_public_id("P")


class HouseholdStatus(models.TextChoices):
    IDP = "idp", _("Internally displaced (IDP/TDP)")
    RETURNEE = "returnee", _("Returnee")
    HOST = "host", _("Host community")
    AFGHAN = "afghan", _("Afghan national")


class Documentation(models.TextChoices):
    """For Afghan nationals: the documentation status that decides their legal situation in Pakistan."""

    NOT_APPLICABLE = "", _("Not applicable")
    POR = "por", _("Proof of Registration card holder")
    ACC = "acc", _("Afghan Citizen Card holder")
    UNDOCUMENTED = "undocumented", _("Undocumented")


class RecordState(models.TextChoices):
    STAGED = "staged", _("Staged: waiting for review")
    ACTIVE = "active", _("In the registry")
    REJECTED = "rejected", _("Rejected at review")


class Source(models.TextChoices):
    PAGE = "page", _("Registration page")
    OPENROSA = "openrosa", _("ODK Collect / KoboCollect / Enketo")
    KOBO = "kobo", _("KoboToolbox pull")
    FILE = "file", _("XLSX/CSV import")
    API = "api", _("Panah API")


class Household(TimeStampedModel):
    """One household as one organisation registered it."""

    registration_id = models.CharField(max_length=12, unique=True, default=new_registration_id, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="registered_households"
    )
    shared_with = models.ManyToManyField("accounts.Organisation", blank=True, related_name="shared_households")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="households")
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="households")
    address = EncryptedTextField(blank=True)
    coordinates = EncryptedTextField(blank=True, help_text="'latitude,longitude' where the household was registered.")
    status = models.CharField(max_length=20, choices=HouseholdStatus.choices)
    documentation = models.CharField(max_length=20, choices=Documentation.choices, blank=True, default="")
    phones = EncryptedTextField(blank=True, help_text="Normalised numbers, one per line.")
    consent_purpose = models.CharField(max_length=200)
    consent_date = models.DateField()
    consent_recorded_by = models.CharField(max_length=150, help_text="Who took the consent (staff member).")
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    # The instanceID of a form submission, or the household reference of an imported file: one registration once.
    source_ref = models.CharField(max_length=120, blank=True)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="The intake batch it came in.")
    state = models.CharField(max_length=20, choices=RecordState.choices, default=RecordState.ACTIVE)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    data_classification = {
        "registration_id": INTERNAL,
        "organisation": INTERNAL,
        # shared_with (many-to-many, a table of its own) is internal too: which organisations may see the household.
        "area": INTERNAL,
        "site": INTERNAL,
        "address": SENSITIVE,
        "coordinates": SENSITIVE,
        "status": PERSONAL,
        "documentation": SENSITIVE,
        "phones": SENSITIVE,
        "consent_purpose": INTERNAL,
        "consent_date": INTERNAL,
        "consent_recorded_by": PERSONAL,
        "consent_withdrawn_at": INTERNAL,
        "source": INTERNAL,
        "source_ref": INTERNAL,
        "batch_id": INTERNAL,
        "state": INTERNAL,
        "registered_by": PERSONAL,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="household_one_registration_per_source_ref",
            )
        ]

    def __str__(self) -> str:
        return self.registration_id

    @property
    def consent_active(self) -> bool:
        return self.consent_withdrawn_at is None


class Person(TimeStampedModel):
    """The golden record: one real person, described by one or more source individuals."""

    registry_id = models.CharField(max_length=12, unique=True, default=new_person_id, editable=False)
    # Set when a merge absorbed this person into another; cleared when the merge is undone.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed")

    data_classification = {"registry_id": INTERNAL, "merged_into": INTERNAL}

    def __str__(self) -> str:
        return self.registry_id


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Wife or husband")
    CHILD = "child", _("Son or daughter")
    PARENT = "parent", _("Father or mother")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "relative", _("Other relative")
    NON_RELATIVE = "non_relative", _("Not related")


class FatherRelation(models.TextChoices):
    """How the second name was given: son of, daughter of, or wife of (then it is the husband's name)."""

    SON_OF = "s/o", _("son of (s/o)")
    DAUGHTER_OF = "d/o", _("daughter of (d/o)")
    WIFE_OF = "w/o", _("wife of (w/o)")


class Individual(TimeStampedModel):
    """One member of a registered household, as registered (a source record of a person)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sources")
    line_number = models.PositiveSmallIntegerField()
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    given_name = models.CharField(max_length=100)
    father_name = models.CharField(max_length=100, blank=True)
    father_relation = models.CharField(max_length=3, choices=FatherRelation.choices, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Age in years when registered.")
    birth_estimated = models.BooleanField(default=False)
    # JSON: {"wg": {"seeing": 1-4, ...}, "pregnant_lactating": bool, "chronic_illness": bool, "separated_child": ...}
    vulnerabilities = EncryptedTextField(blank=True)
    # Set by deduplication (linking.py) when the record is first compared: finds the registry records worth
    # comparing without reading the whole registry. name_block: first token of the canonical given name.
    name_block = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    data_classification = {
        "household": INTERNAL,
        "person": INTERNAL,
        "line_number": INTERNAL,
        "relationship": PERSONAL,
        "given_name": PERSONAL,
        "father_name": PERSONAL,
        "father_relation": PERSONAL,
        "family_name": PERSONAL,
        "sex": PERSONAL,
        "date_of_birth": PERSONAL,
        "age": PERSONAL,
        "birth_estimated": PERSONAL,
        "vulnerabilities": SENSITIVE,
        "name_block": PERSONAL,
        "birth_year": PERSONAL,
    }

    class Meta:
        ordering = ["household_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["household", "line_number"], name="individual_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.household.registration_id}/{self.line_number}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years on a day: from the date of birth, else from the age given when registered."""
        if self.date_of_birth is not None:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.age is not None and self.created_at is not None:
            return self.age + (day - self.created_at.date()).days // 365
        return None

    def is_older_person(self, day: datetime.date) -> bool:
        age = self.age_on(day)
        return age is not None and age >= OLDER_PERSON_AGE


class DocumentType(models.TextChoices):
    CNIC = "cnic", _("CNIC (Pakistani national identity card)")
    BFORM = "bform", _("B-form (child registration certificate)")
    POR = "por", _("PoR card")
    ACC = "acc", _("Afghan Citizen Card")
    TAZKIRA = "tazkira", _("Tazkira")
    PASSPORT = "passport", _("Passport")


class Document(TimeStampedModel):
    """An identity document of an individual. The number is encrypted; its keyed hash finds the same document."""

    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(max_length=20, choices=DocumentType.choices)
    number = EncryptedTextField()
    # blind_index("<type>:<normalised number>"): exact deduplication and distribution-point lookup.
    number_index = models.CharField(max_length=64, db_index=True, editable=False)
    # Stored file names of photos of the document (attachments of a form submission).
    attachment = models.CharField(max_length=255, blank=True)

    data_classification = {
        "individual": INTERNAL,
        "doc_type": PERSONAL,
        "number": SENSITIVE,
        "number_index": SENSITIVE,
        "attachment": SENSITIVE,
    }

    class Meta:
        ordering = ["individual_id", "doc_type"]
        constraints = [
            models.UniqueConstraint(fields=["individual", "doc_type"], name="document_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} of {self.individual_id}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    LINKED = "linked", _("Same person")
    DISTINCT = "distinct", _("Different people")


class Suggestion(models.TextChoices):
    """What the linkage proposed. In a staged batch, "link" pairs are merged when the batch is merged."""

    DOCUMENT = "document", _("Same identity document")
    LINK = "link", _("Above the upper threshold: same person")
    REVIEW = "review", _("Between the thresholds: needs a decision")


class MatchCandidate(TimeStampedModel):
    """A pair of individuals the linkage scored between the thresholds, for a person to decide."""

    left = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField(default=0)
    # {comparison: level label}: no values, only which level each field reached (safe to show and to log).
    evidence = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    suggestion = models.CharField(max_length=20, choices=Suggestion.choices, default=Suggestion.REVIEW)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    data_classification = {
        "suggestion": INTERNAL,
        "left": INTERNAL,
        "right": INTERNAL,
        "probability": INTERNAL,
        "match_weight": INTERNAL,
        "evidence": INTERNAL,
        "status": INTERNAL,
        "decided_by": PERSONAL,
        "decided_at": INTERNAL,
        "batch_id": INTERNAL,
    }

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_unique"),
            models.CheckConstraint(condition=models.Q(left__lt=models.F("right")), name="candidate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"candidate {self.left_id}~{self.right_id}"


class MergeReason(models.TextChoices):
    DOCUMENT = "document", _("Same identity document")
    AUTOMATIC = "automatic", _("Linked automatically above the upper threshold")
    ADJUDICATED = "adjudicated", _("Decided by a reviewer")


class Merge(TimeStampedModel):
    """One merge of two golden records, and its undoing. Never deleted: the history of a person."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    moved = models.JSONField(default=list, help_text="Ids of the individuals moved from absorbed to survivor.")
    reason = models.CharField(max_length=20, choices=MergeReason.choices)
    probability = models.FloatField(null=True, blank=True)
    candidate = models.ForeignKey(MatchCandidate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    data_classification = {
        "survivor": INTERNAL,
        "absorbed": INTERNAL,
        "moved": INTERNAL,
        "reason": INTERNAL,
        "probability": INTERNAL,
        "candidate": INTERNAL,
        "merged_by": PERSONAL,
        "undone_at": INTERNAL,
        "undone_by": PERSONAL,
    }

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"merge {self.absorbed_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class ReviewStatus(models.TextChoices):
    LINKING = "linking", _("Looking for duplicates")
    READY = "ready", _("Ready for review")
    STOPPED = "stopped", _("Stopped: abnormal duplicate rate")
    MERGED = "merged", _("Merged into the registry")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Linkage failed")


class BatchReview(TimeStampedModel):
    """The registry's side of an imported batch: what deduplication found in it, and the reviewer's decision."""

    batch_id = models.BigIntegerField(unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.LINKING)
    households = models.PositiveIntegerField(default=0)
    individuals = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_link = models.PositiveIntegerField(default=0)
    to_review = models.PositiveIntegerField(default=0)
    duplicate_rate = models.FloatField(default=0)
    error = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "batch_id": INTERNAL,
        "organisation": INTERNAL,
        "area": INTERNAL,
        "status": INTERNAL,
        "households": INTERNAL,
        "individuals": INTERNAL,
        "to_create": INTERNAL,
        "to_link": INTERNAL,
        "to_review": INTERNAL,
        "duplicate_rate": INTERNAL,
        "error": INTERNAL,
        "decided_by": PERSONAL,
        "decided_at": INTERNAL,
    }

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"review of batch {self.batch_id}"

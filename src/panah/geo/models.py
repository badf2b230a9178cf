from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _

from panah.core.classification import Sensitivity
from panah.core.models import TimeStampedModel
from panah.geo.text import normalise


class AdminLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    PROVINCE = 1, _("Province or territory")
    DISTRICT = 2, _("District")
    TEHSIL = 3, _("Tehsil or taluka")


class AdminAreaQuerySet(models.QuerySet["AdminArea"]):
    def current(self) -> AdminAreaQuerySet:
        return self.filter(retired_on__isnull=True)

    def within(self, area: AdminArea) -> AdminAreaQuerySet:
        return self.filter(path__startswith=area.path)

    def search(self, query: str) -> AdminAreaQuerySet:
        q = query.strip()
        if not q:
            return self
        needle = normalise(q)
        # People write "DI Khan" as often as "D. I. Khan": also match with the spaces taken out on both sides.
        compact = Replace(models.F("search_name"), models.Value(" "), models.Value(""))
        return self.alias(compact_name=compact).filter(
            models.Q(pcode__istartswith=q)
            | models.Q(search_name__contains=needle)
            | models.Q(compact_name__contains=needle.replace(" ", ""))
        )


class AdminArea(TimeStampedModel):
    """An OCHA COD-AB administrative area. Retired P-codes stay, because old records refer to them."""

    pcode = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(choices=AdminLevel.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of P-codes ("PK/PK5/PK513/"): scope checks become one indexed prefix match.
    path = models.CharField(max_length=200, db_index=True, editable=False)
    valid_on = models.DateField(help_text="COD release the current name and parent come from.")
    retired_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    geometry = models.JSONField(null=True, blank=True, help_text="Simplified GeoJSON geometry for display maps.")
    geometry_source = models.CharField(max_length=20, blank=True, help_text="ocha or osm: the licence differs.")
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    objects = AdminAreaQuerySet.as_manager()

    data_classification = {
        "pcode": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "search_name": Sensitivity.PUBLIC,
        "level": Sensitivity.PUBLIC,
        "parent": Sensitivity.PUBLIC,
        "path": Sensitivity.PUBLIC,
        "valid_on": Sensitivity.PUBLIC,
        "retired_on": Sensitivity.PUBLIC,
        "source": Sensitivity.PUBLIC,
        "geometry": Sensitivity.PUBLIC,
        "geometry_source": Sensitivity.PUBLIC,
        "centroid_lat": Sensitivity.PUBLIC,
        "centroid_lon": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["pcode"]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = normalise(self.name)
        self.path = (self.parent.path if self.parent else "") + self.pcode + "/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def contains(self, other: AdminArea) -> bool:
        return other.path.startswith(self.path)


class SiteKind(models.TextChoices):
    CAMP = "camp", _("Camp")
    INFORMAL_SETTLEMENT = "informal_settlement", _("Informal settlement")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    REFUGEE_VILLAGE = "refugee_village", _("Refugee village")


class Site(TimeStampedModel):
    """A place where displaced people live. Locations of Afghan settlements can expose people: scoped by area."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(max_length=30, choices=SiteKind.choices)
    admin_area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="sites")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    data_classification = {
        "public_id": Sensitivity.INTERNAL,
        "name": Sensitivity.INTERNAL,
        "search_name": Sensitivity.INTERNAL,
        "kind": Sensitivity.INTERNAL,
        "admin_area": Sensitivity.INTERNAL,
        "latitude": Sensitivity.INTERNAL,
        "longitude": Sensitivity.INTERNAL,
        "is_active": Sensitivity.INTERNAL,
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="site_latitude_range"),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="site_longitude_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = normalise(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CoordinateStatus(models.TextChoices):
    VERIFIED = "verified_public", _("Verified (crossing point)")
    VERIFIED_TOWN = "verified_public_town", _("Verified (border town)")
    UNVERIFIED = "UNVERIFIED_APPROX", _("Unverified estimate")
    MISSING = "MISSING", _("No coordinates")


class BorderCrossing(TimeStampedModel):
    """A border crossing point. Coordinates are shown only with their status; estimates never feed spatial joins."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    alt_names = models.CharField(max_length=300, blank=True)
    search_name = models.CharField(max_length=400, db_index=True, editable=False)
    country_pair = models.CharField(max_length=10)
    neighbour_side = models.CharField(max_length=200, blank=True)
    admin_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="crossings")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coord_status = models.CharField(max_length=30, choices=CoordinateStatus.choices)
    # Where the point comes from, or why it is only an estimate: shown beside the coordinates.
    coord_source = models.TextField(blank=True)
    # How the district was assigned (verified by point-in-polygon, or from general knowledge).
    admin_note = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    sources = models.TextField(blank=True)

    data_classification = {
        "code": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "alt_names": Sensitivity.PUBLIC,
        "search_name": Sensitivity.PUBLIC,
        "country_pair": Sensitivity.PUBLIC,
        "neighbour_side": Sensitivity.PUBLIC,
        "admin_area": Sensitivity.PUBLIC,
        "latitude": Sensitivity.PUBLIC,
        "longitude": Sensitivity.PUBLIC,
        "coord_status": Sensitivity.PUBLIC,
        "coord_source": Sensitivity.PUBLIC,
        "admin_note": Sensitivity.PUBLIC,
        "note": Sensitivity.PUBLIC,
        "sources": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = self.search_text(self.name, self.alt_names)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def search_text(name: str, alt_names: str) -> str:
        # Bulk loads skip save(): they call this so both paths index a crossing the same way.
        return normalise(f"{name} {alt_names}")

    @property
    def coordinates_trusted(self) -> bool:
        return self.coord_status in {CoordinateStatus.VERIFIED, CoordinateStatus.VERIFIED_TOWN}

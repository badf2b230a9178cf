"""API shapes of the geography. Output schemas read model attributes; no queries beyond what selectors loaded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from panah.geo.models import AdminArea, BorderCrossing, SiteKind
from panah.geo.selectors import area_ancestors


class AreaRef(Schema):
    pcode: str
    name: str
    level: int


class AreaOut(Schema):
    pcode: str
    name: str
    level: int
    level_label: str
    parent_pcode: str | None
    path: str
    valid_on: date
    retired_on: date | None
    source: str
    centroid_lat: float | None
    centroid_lon: float | None

    @staticmethod
    def resolve_level_label(obj: AdminArea) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_parent_pcode(obj: AdminArea) -> str | None:
        return obj.parent.pcode if obj.parent else None  # parent is select_related by every selector


class AreaDetailOut(AreaOut):
    ancestors: list[AreaRef]
    has_geometry: bool
    geometry_source: str

    @staticmethod
    def resolve_ancestors(obj: AdminArea) -> list[AdminArea]:
        return area_ancestors(obj)

    @staticmethod
    def resolve_has_geometry(obj: AdminArea) -> bool:
        return obj.geometry is not None


class AreaFilters(Schema):
    q: str = Field("", max_length=100, description="Name (any case, accents optional) or P-code prefix.")
    level: int | None = Field(None, ge=0, le=3, description="0 country, 1 province, 2 district, 3 tehsil.")
    parent: str | None = Field(None, max_length=20, description="P-code: only the direct children of this area.")
    include_retired: bool = False


class BoundaryFilters(Schema):
    level: int = Field(..., ge=0, le=2, description="0 country, 1 provinces and territories, 2 districts.")


class Feature(Schema):
    type: Literal["Feature"]
    id: str
    properties: dict[str, Any]
    geometry: dict[str, Any]


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class SiteOut(Schema):
    public_id: UUID
    name: str
    kind: str
    kind_label: str
    admin_area: AreaRef
    latitude: float | None
    longitude: float | None
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class SiteFilters(Schema):
    q: str | None = Field(None, max_length=100)
    area: str | None = Field(None, max_length=20, description="P-code: sites anywhere inside this area.")
    kind: SiteKind | None = None


class SiteIn(Schema):
    name: str = Field(..., max_length=200)
    kind: SiteKind
    admin_area: str = Field(..., max_length=20, description="P-code of a current district or tehsil.")
    latitude: float | None = None
    longitude: float | None = None


class SitePatch(Schema):
    name: str | None = Field(None, max_length=200)
    kind: SiteKind | None = None
    admin_area: str | None = Field(None, max_length=20)
    latitude: float | None = None
    longitude: float | None = None
    is_active: bool | None = None


class CrossingOut(Schema):
    code: str
    name: str
    alt_names: list[str]
    country_pair: str
    neighbour_side: str
    admin_area: AreaRef | None
    province: AreaRef | None
    latitude: float | None
    longitude: float | None
    coord_status: str
    coord_status_label: str
    coordinates_trusted: bool
    coord_source: str
    admin_note: str
    note: str
    sources: list[str]

    @staticmethod
    def resolve_alt_names(obj: BorderCrossing) -> list[str]:
        return [n.strip() for n in obj.alt_names.split(";") if n.strip()]

    @staticmethod
    def resolve_province(obj: BorderCrossing) -> AdminArea | None:
        return obj.admin_area.parent if obj.admin_area else None

    @staticmethod
    def resolve_coord_status_label(obj: BorderCrossing) -> str:
        return str(obj.get_coord_status_display())

    @staticmethod
    def resolve_sources(obj: BorderCrossing) -> list[str]:
        return [s.strip() for s in obj.sources.split(" ; ") if s.strip()]

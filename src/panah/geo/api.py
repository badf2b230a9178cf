"""Geography API: P-codes, boundaries for maps, sites and border crossings. Auth comes from the NinjaAPI."""

# No `from __future__ import annotations`: ninja's paginate() cannot resolve string annotations like Query[...].

import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Query, Router, Status
from ninja.pagination import paginate

from panah.core.pagination import Pagination
from panah.core.schemas import ERRORS
from panah.geo import selectors, services
from panah.geo.schemas import (
    AreaDetailOut,
    AreaFilters,
    AreaOut,
    BoundaryFilters,
    CrossingOut,
    FeatureCollection,
    SiteFilters,
    SiteIn,
    SiteOut,
    SitePatch,
)

router = Router()

# Boundaries change once per COD release: let slow connections keep them a day and then revalidate cheaply.
BOUNDARY_CACHE = "private, max-age=86400"
# The body is served as application/geo+json (RFC 7946); say so in the OpenAPI document next to ninja's default.
GEOJSON_DOC = {
    "responses": {
        200: {"content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}}
    }
}


@router.get("/areas", response={200: list[AreaOut], **ERRORS}, summary="Search admin areas by name or P-code")
@paginate(Pagination)
def areas(request: HttpRequest, filters: Query[AreaFilters]) -> Any:
    return selectors.area_search(actor=request.user, **filters.dict())


@router.get("/areas/{pcode}", response={200: AreaDetailOut, **ERRORS}, summary="One admin area with its ancestors")
def area(request: HttpRequest, pcode: str) -> Any:
    return selectors.area_get(actor=request.user, pcode=pcode)


@router.get(
    "/areas/{pcode}/children", response={200: list[AreaOut], **ERRORS}, summary="The direct children of an area"
)
def area_children(request: HttpRequest, pcode: str, include_retired: bool = False) -> Any:
    return selectors.area_children(actor=request.user, pcode=pcode, include_retired=include_retired)


@router.get(
    "/boundaries",
    response={200: FeatureCollection, 304: None, **ERRORS},
    summary="GeoJSON boundaries of one level (0 country, 1 provinces: OCHA CC BY-IGO; 2 districts: OSM ODbL)",
    openapi_extra=GEOJSON_DOC,
)
def boundaries(request: HttpRequest, filters: Query[BoundaryFilters]) -> HttpResponse:
    level = filters.level
    etag = f'"{selectors.boundaries_version(actor=request.user, level=level)}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = json.dumps(selectors.boundaries(actor=request.user, level=level), separators=(",", ":"))
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = BOUNDARY_CACHE
    return response


@router.get("/sites", response={200: list[SiteOut], **ERRORS}, summary="Sites in my areas")
@paginate(Pagination)
def sites(request: HttpRequest, filters: Query[SiteFilters]) -> Any:
    return selectors.site_list(actor=request.user, **filters.dict())


@router.get("/sites/{public_id}", response={200: SiteOut, **ERRORS}, summary="One site")
def site(request: HttpRequest, public_id: UUID) -> Any:
    return selectors.site_get(actor=request.user, public_id=public_id)


@router.post("/sites", response={201: SiteOut, **ERRORS}, summary="Record a site in one of my areas")
def site_create(request: HttpRequest, payload: SiteIn) -> Any:
    return Status(201, services.site_create(actor=request.user, **payload.dict()))


@router.patch("/sites/{public_id}", response={200: SiteOut, **ERRORS}, summary="Change some fields of a site")
def site_update(request: HttpRequest, public_id: UUID, payload: SitePatch) -> Any:
    return services.site_update(actor=request.user, public_id=public_id, **payload.dict(exclude_unset=True))


@router.get(
    "/crossings", response={200: list[CrossingOut], **ERRORS}, summary="Border crossings with coordinate status"
)
def crossings(request: HttpRequest, q: str | None = None) -> Any:
    return selectors.crossing_list(actor=request.user, q=q)


@router.get("/crossings/{code}", response={200: CrossingOut, **ERRORS}, summary="One border crossing")
def crossing(request: HttpRequest, code: str) -> Any:
    return selectors.crossing_get(actor=request.user, code=code)

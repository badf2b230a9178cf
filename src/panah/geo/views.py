"""Pages of the geography: the areas browser, the map, sites and border crossings. Thin: forms -> selectors/services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.geo import selectors, services
from panah.geo.forms import AreaFilterForm, SiteFilterForm, SiteForm, add_application_error
from panah.geo.models import Site

PAGE_SIZE = 50
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _is_partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sent it.
    return "HX-Request" in request.headers and "HX-History-Restore-Request" not in request.headers


def _filtered(form: Any, query: Callable[..., Any]) -> tuple[Any, str | None]:
    """Run a selector on valid filters; a bad filter value shows as an error, not a 500."""
    if not form.is_valid():
        return [], None
    try:
        return query(**form.cleaned_data), None
    except ApplicationError as error:
        return [], error.message


@page
def areas(request: HttpRequest) -> HttpResponse:
    form = AreaFilterForm(request.GET)
    rows, error = _filtered(form, lambda **f: selectors.area_search(actor=request.user, **f))
    context = {"form": form, "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "error": error}
    template = "geo/_area_results.html" if _is_partial(request) else "geo/areas.html"
    response = render(request, template, {**context, "nav_active": "places"})
    patch_vary_headers(response, ["HX-Request"])
    return response


@page
def area_detail(request: HttpRequest, pcode: str) -> HttpResponse:
    area = selectors.area_get(actor=request.user, pcode=pcode)
    context = {
        "area": area,
        "ancestors": selectors.area_ancestors(area),
        "children": selectors.area_children(actor=request.user, pcode=area.pcode, include_retired=True),
        "crossings": selectors.crossing_list(actor=request.user, area=area),
        "nav_active": "places",
    }
    return render(request, "geo/area_detail.html", context)


def _map_urls() -> dict[str, str]:
    boundaries = reverse("api:boundaries")
    return {
        "country_url": f"{boundaries}?level=0",
        "provinces_url": f"{boundaries}?level=1",
        "districts_url": f"{boundaries}?level=2",
        "crossings_url": reverse("api:crossings"),
        "area_url": reverse("geo:area_detail", args=["PCODE"]),
        "tiles_url": OSM_TILES,
    }


@page
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "geo/map.html", {"urls": _map_urls(), "nav_active": "map"})


@page
def sites(request: HttpRequest) -> HttpResponse:
    form = SiteFilterForm(request.GET)
    rows, error = _filtered(form, lambda **f: selectors.site_list(actor=request.user, **f))
    context = {
        "form": form,
        "error": error,
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": can(request.user, Perm.CREATE, Site),
        "nav_active": "sites",
    }
    return render(request, "geo/sites.html", context)


@page
def site_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    site = selectors.site_get(actor=request.user, public_id=public_id)
    context = {"site": site, "can_change": can(request.user, Perm.CHANGE, site), "nav_active": "sites"}
    return render(request, "geo/site_detail.html", context)


@page
def site_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.CREATE, Site):
        raise PermissionDenied
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        try:
            site = services.site_create(actor=request.user, **data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Site recorded."))
            return redirect("geo:site_detail", public_id=site.public_id)
    return render(request, "geo/site_form.html", {"form": form, "site": None, "nav_active": "sites"})


@page
def site_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    site = selectors.site_get(actor=request.user, public_id=public_id)
    if not can(request.user, Perm.CHANGE, site):
        raise PermissionDenied
    initial = {"name": site.name, "kind": site.kind, "admin_area": site.admin_area.pcode, "latitude": site.latitude,
               "longitude": site.longitude, "is_active": site.is_active}  # fmt: skip
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, public_id=site.public_id, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Site saved."))
            return redirect("geo:site_detail", public_id=site.public_id)
    return render(request, "geo/site_form.html", {"form": form, "site": site, "nav_active": "sites"})


@page
def crossings(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.crossing_list(actor=request.user, q=request.GET.get("q")))
    context = {"crossings": rows, "q": request.GET.get("q", ""), "urls": _map_urls(), "nav_active": "crossings"}
    return render(request, "geo/crossings.html", context)


@page
def crossing_detail(request: HttpRequest, code: str) -> HttpResponse:
    crossing = selectors.crossing_get(actor=request.user, code=code)
    return render(request, "geo/crossing_detail.html", {"crossing": crossing, "nav_active": "crossings"})

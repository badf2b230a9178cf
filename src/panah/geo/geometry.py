"""Small GeoJSON helpers for display maps. Plain Python on purpose: no GEOS/shapely on field laptops."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Any

Geometry = dict[str, Any]
Ring = list[list[float]]


def polygons_of(geometry: Geometry) -> list[list[Ring]]:
    """The polygons of a Polygon or MultiPolygon, each a list of rings (outer ring first)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry type {geometry['type']!r}")


def merge(geometries: Iterable[Geometry]) -> Geometry | None:
    """One geometry from several: a lone one as it is, several as one MultiPolygon (parts listed, not dissolved)."""
    parts = list(geometries)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    # Concatenating polygon lists leaves the shared edges in place; Leaflet draws the parts filled the same, so a
    # display map looks dissolved without a geometry library.
    return {"type": "MultiPolygon", "coordinates": [poly for g in parts for poly in polygons_of(g)]}


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring, by the shoelace formula."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area2 / 2, cx / (3 * area2), cy / (3 * area2)


def label_point(geometry: Geometry | None) -> tuple[float, float] | None:
    """(lat, lon) for a label: the centroid of the largest outer ring, so islands and exclaves do not pull it off."""
    if not geometry:
        return None
    best = max(
        (_ring_area_centroid(poly[0]) for poly in polygons_of(geometry) if poly and poly[0]), key=lambda r: abs(r[0])
    )
    return round(best[2], 5), round(best[1], 5)

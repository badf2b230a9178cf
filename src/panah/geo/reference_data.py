"""Reads the reference geography shipped in geo/data/ into plain records. No database access here."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from panah.geo import geometry

DATA_DIR = Path(__file__).resolve().parent / "data"
OSM_DIR = DATA_DIR / "osm"

RELEASE_DATE = date(2022, 9, 9)
SOURCE = "OCHA COD-AB PAK 2022-09-09"
COUNTRY_PCODE = "PK"


@dataclass(frozen=True)
class AreaRecord:
    pcode: str
    name: str
    level: int
    parent_pcode: str | None


@dataclass(frozen=True)
class Shape:
    geometry: dict[str, Any]
    source: str  # "ocha" or "osm": the licence and the credit line differ


@dataclass(frozen=True)
class CrossingRecord:
    code: str
    name: str
    alt_names: str
    country_pair: str
    neighbour_side: str
    district_pcode: str
    latitude: float | None
    longitude: float | None
    coord_status: str
    coord_source: str
    admin_note: str
    note: str
    sources: str


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _features(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def gazetteer() -> list[AreaRecord]:
    """Country, provinces, districts and tehsils, parents always before their children."""
    admin1 = _rows(DATA_DIR / "pak_admin1.csv")
    records = [AreaRecord(COUNTRY_PCODE, admin1[0]["adm0_name"], 0, None)]
    records += [AreaRecord(r["adm1_pcode"], r["adm1_name"], 1, r["adm0_pcode"]) for r in admin1]
    records += [
        AreaRecord(r["adm2_pcode"], r["adm2_name"], 2, r["adm1_pcode"]) for r in _rows(DATA_DIR / "pak_admin2.csv")
    ]
    records += [
        AreaRecord(r["adm3_pcode"], r["adm3_name"], 3, r["adm2_pcode"]) for r in _rows(DATA_DIR / "pak_admin3.csv")
    ]
    return records


def _district_shapes() -> dict[str, Shape]:
    """OSM district polygons keyed by OCHA admin2 P-code, through the crosswalk; several OSM parts become one."""
    crosswalk = {
        (r["name"], r["adm1_pcode"]): r["ocha_adm2_pcode"]
        for r in _rows(OSM_DIR / "crosswalk_osm_census2023_to_ocha_adm2.csv")
    }
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in _features(OSM_DIR / "pak_districts_osm_census2023_simplified.geojson"):
        props = feature["properties"]
        pcode = crosswalk.get((props["name"], props["adm1_pcode"]), "")
        if pcode and feature.get("geometry"):  # Keamari (2020) has no OCHA district: left off the OCHA-keyed map
            parts[pcode].append(feature["geometry"])
    return {pcode: Shape(geometry.merge(geoms), "osm") for pcode, geoms in parts.items()}  # type: ignore[arg-type]


def shapes() -> dict[str, Shape]:
    """Display geometry by P-code: OCHA for the country and provinces, OSM for districts, none for tehsils."""
    result: dict[str, Shape] = {}
    for feature in _features(DATA_DIR / "pak_adm0_ocha_2022_simplified.geojson"):
        result[feature["properties"]["ADM0_PCODE"]] = Shape(feature["geometry"], "ocha")
    for feature in _features(DATA_DIR / "pak_adm1_ocha_2022_simplified.geojson"):
        result[feature["properties"]["ADM1_PCODE"]] = Shape(feature["geometry"], "ocha")
    result.update(_district_shapes())
    return result


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def crossings() -> list[CrossingRecord]:
    return [
        CrossingRecord(
            code=r["id"],
            name=r["name"],
            alt_names=r["alt_names"].strip(),
            country_pair=r["country_pair"],
            neighbour_side=r["neighbour_side"].strip(),
            district_pcode=r["pak_adm2_pcode"].strip(),
            latitude=_float(r["lat"]),
            longitude=_float(r["lon"]),
            coord_status=r["coord_status"],
            coord_source=r["coord_source"].strip(),
            admin_note=r["admin_assignment"].strip(),
            note=r["status_note"].strip(),
            sources=r["sources"].strip(),
        )
        for r in _rows(DATA_DIR / "border_crossings.csv")
    ]

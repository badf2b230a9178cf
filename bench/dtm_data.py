"""Synthetic DTM location-assessment rows: tehsils of Sindh and Balochistan, union councils below them."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from typing import Any

HEADER = [
    "level", "district_pcode", "admin_pcode", "location_name", "population_group", "displacement_reason",
    "households", "individuals", "males", "females", "children", "adults", "elderly", "displaced_since",
    "shelter_type", "priority_needs",
]  # fmt: skip
SHELTERS = ["host_family", "rented", "camp", "collective_centre", "makeshift", "own_damaged"]
NEEDS = ["food", "shelter", "water", "health", "nfi", "cash"]


def location_rows(tehsils: list[tuple[str, str]], n: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """n valid rows as typed values; `tehsils` is [(district_pcode, tehsil_pcode)]. Every row is a distinct place."""
    rng = random.Random(seed)
    start = date(2022, 8, 25)
    rows = []
    for i in range(n):
        district, tehsil = tehsils[i % len(tehsils)]
        households = rng.randint(1, 400)
        individuals = households * rng.randint(3, 9)
        males = individuals // 2
        children = individuals // 2
        adults = individuals // 3
        rows.append({
            "level": "LA", "district_pcode": district, "admin_pcode": tehsil,
            "location_name": f"UC {i // len(tehsils) + 1} {tehsil}",
            "population_group": "idp" if i % 3 else "returnee",
            "displacement_reason": "flood" if i % 5 else "conflict",
            "households": households, "individuals": individuals, "males": males, "females": individuals - males,
            "children": children, "adults": adults, "elderly": individuals - children - adults,
            "displaced_since": start + timedelta(days=rng.randint(0, 20)),
            "shelter_type": rng.choice(SHELTERS), "priority_needs": rng.sample(NEEDS, 2),
        })  # fmt: skip
    return rows


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([";".join(v) if isinstance(v, list) else v for v in (row[h] for h in HEADER)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

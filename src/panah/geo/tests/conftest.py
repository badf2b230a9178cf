"""Geography fixtures: sites on both sides of the Sindh / Balochistan line, and small COD release files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from panah.geo.models import Site
from panah.geo.reference_data import DATA_DIR


@pytest.fixture
def sukkur_camp(area: Callable[[str], Any]) -> Site:
    return Site.objects.create(
        name="Sukkur camp", kind="camp", admin_area=area("PK723"), latitude=27.7, longitude=68.86
    )


@pytest.fixture
def quetta_settlement(area: Callable[[str], Any]) -> Site:
    return Site.objects.create(name="Quetta settlement", kind="informal_settlement", admin_area=area("PK222"))


@pytest.fixture
def sindh_viewer(make_user: Callable[..., Any]) -> Any:
    return make_user("enumerator", "PK7")


@pytest.fixture
def sindh_editor(make_user: Callable[..., Any]) -> Any:
    return make_user("site-manager", "PK7")


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv("name.csv", header, rows) -> the path of a CSV file written in a temporary folder."""

    def write(name: str, header: list[str], rows: list[list[str]]) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def admin2_rows() -> list[dict[str, str]]:
    """The shipped district table, to derive a full national release from in a test."""
    with (DATA_DIR / "pak_admin2.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from panah.geo.models import AdminArea

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_geography_reports_nothing_to_do_on_a_loaded_database():
    output = _run("load_geography")

    assert output.splitlines() == [
        "Areas: 0 added, 0 changed (level 0: 1, level 1: 7, level 2: 160, level 3: 577; 163 with geometry).",
        "Border crossings: 0 added, 0 changed (13 in all).",
        "Reference geography already up to date.",
    ]


def test_import_cod_dry_run_lists_the_changes(write_csv):
    names = {
        1: "Azad Jammu and Kashmir",
        2: "Balochistan",
        4: "Islamabad",
        5: "Khyber Pakhtunkhwa",
        6: "Punjab",
        7: "Sindh",
    }
    rows = [["PK", f"PK{n}", name, "2024-01-01"] for n, name in names.items()]
    path = write_csv("adm1.csv", ["adm0_pcode", "adm1_pcode", "adm1_name", "valid_on"], rows)

    output = _run("import_cod", str(path), "--dry-run")

    assert output.splitlines() == [
        "COD release 2024-01-01 (levels 1): DRY RUN, nothing changed.",
        "Added: 0",
        "Renamed: 1",
        "  PK1 Azad Kashmir -> Azad Jammu and Kashmir",
        "Re-parented: 0",
        "Retired: 1",
        "  PK3 Gilgit Baltistan",
        "Reinstated: 0",
        "Unchanged: 5",
    ]
    assert AdminArea.objects.get(pcode="PK1").name == "Azad Kashmir"


def test_import_cod_applies_without_dry_run(write_csv):
    path = write_csv(
        "adm1.csv",
        ["adm1_pcode", "adm1_name"],
        [[f"PK{n}", AdminArea.objects.get(pcode=f"PK{n}").name] for n in range(1, 8)],
    )

    output = _run("import_cod", str(path), "--valid-on", "2024-01-01")

    assert output.splitlines()[0] == "COD release 2024-01-01 (levels 1): applied."
    assert AdminArea.objects.get(pcode="PK1").valid_on.isoformat() == "2024-01-01"


def test_import_cod_turns_a_bad_file_into_a_command_error(write_csv):
    path = write_csv("bad.csv", ["adm1_pcode", "adm1_name"], [["PK1", "Azad Kashmir"], ["P1", "Nowhere"]])

    with pytest.raises(CommandError, match=r"Row 3, column adm1_pcode: 'P1' is not an admin1 P-code"):
        _run("import_cod", str(path), "--dry-run")

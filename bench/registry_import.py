"""Import N households of three (one row per member) through panah.intake into the registry's staging area, timing
the validation (row checks and whole-household checks) and the write (bulk) apart. Linkage is not included: it runs
afterwards as its own task (bench/registry_link_bench.py times the engine).

    DATABASE_URL=... .venv/bin/python bench/registry_import.py [--households 5000]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def rows(n: int) -> bytes:
    """n valid households of three in tehsils of Khyber Pakhtunkhwa, one row per member, CNICs all distinct."""
    from panah.registry.importers import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, [c.name for c in COLUMNS], lineterminator="\n")
    writer.writeheader()
    for i in range(n):
        ref, tehsil = f"HH-{i}", ("PK50601", "PK50602")[i % 2]
        writer.writerow({"household_ref": ref, "area_pcode": tehsil, "status": "idp", "phone": f"0301{i:07d}",
                         "consent_purpose": "Registration for assistance", "consent_date": "2026-01-10",
                         "consent_recorded_by": "Team 3", "relationship": "head", "given_name": f"Yousaf {i}",
                         "father_name": "Gul Khan", "father_relation": "s/o", "family_name": "Khan", "sex": "m",
                         "date_of_birth": "1980-01-01", "document_type": "cnic",
                         "document_number": f"17301-{i:07d}-1", "wg_walking": "2"})  # fmt: skip
        writer.writerow({"household_ref": ref, "relationship": "spouse", "given_name": f"Khadija {i}", "sex": "f",
                         "age": "40", "document_type": "cnic", "document_number": f"17301-{i + n:07d}-2"})  # fmt: skip
        writer.writerow({"household_ref": ref, "relationship": "child", "given_name": f"Ahmad {i}", "sex": "m",
                         "age": "9"})  # fmt: skip
    return out.getvalue().encode()


def run(n: int) -> dict[str, float]:
    from panah.accounts.models import Organisation, RoleAssignment, User
    from panah.geo.models import AdminArea
    from panah.intake import registry, services
    from panah.registry.models import Household

    org = Organisation.objects.create(short_name="IOM-B", name="IOM bench", kind="mission")
    user = User.objects.create_user(username="bench", password=None, organisation=org)
    RoleAssignment.objects.create(user=user, role="registration", area=AdminArea.objects.get(pcode="PK5"))
    from panah.registry import tasks

    # Deduplication is queued after commit as its own task; the immediate backend of the test settings would run
    # it inline and time the linkage engine instead of the import.
    tasks.enqueue_batch_link = lambda batch_id: None
    spec = registry.get("registry.households")
    written: dict[str, float] = {}

    def timed_persist(*args: Any) -> int:
        started = time.perf_counter()
        count = persist(*args)
        written["persist"] = time.perf_counter() - started
        return count

    persist = spec.persist
    object.__setattr__(spec, "persist", timed_persist)
    content = rows(n)
    started = time.perf_counter()
    upload = services.batch_create(actor=user, spec_name=spec.name, context={}, filename="bench.csv",
                                   content=content, policy="reject_file")  # fmt: skip
    batch = services.batch_process(batch_id=upload.batch.pk)
    total = time.perf_counter() - started
    if batch.imported_rows != 3 * n or Household.objects.count() != n:
        raise SystemExit(f"stored {batch.imported_rows} rows of {3 * n}: {batch.error_summary}")
    result = {"households": n, "rows": 3 * n, "total_s": round(total, 2), "write_s": round(written["persist"], 2),
              "households_per_s": round(n / total)}  # fmt: skip
    print(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=5000)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    workdir = tempfile.mkdtemp(prefix="panah-bench-")
    if not os.environ.get("DATABASE_URL", "").strip():
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{workdir}/bench-test.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from panah.geo.services import reference_load

        reference_load()
        run(args.households)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

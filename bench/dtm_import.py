"""Import 100,000 location-assessment rows through panah.intake (parse + validate + insert), next to a bare
bulk_create of the same rows in the same run. Target: the import reaches at least a third of the bare rate."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from dtm_data import location_rows, to_csv


def _world() -> tuple[Any, Any, Any]:
    from panah.accounts.models import Operation, Organisation, RoleAssignment, User
    from panah.dtm.models import Round
    from panah.geo.models import AdminArea

    org = Organisation.objects.create(short_name="IOM-B", name="IOM bench", kind="mission")
    user = User.objects.create_user(username="bench", password=None, organisation=org)
    RoleAssignment.objects.create(user=user, role="im", area=AdminArea.objects.get(pcode="PK"))
    op = Operation.objects.create(code="bench-floods", name="Bench floods", started_on=date(2022, 8, 1))
    rounds = [
        Round.objects.create(operation=op, number=n, period_start=date(2022, 9, 1), period_end=date(2022, 9, 30))
        for n in (1, 2)
    ]
    return user, rounds[0], rounds[1]


def _tehsils() -> list[tuple[str, str]]:
    from panah.geo.models import AdminArea

    qs = AdminArea.objects.current().filter(level=3, path__regex=r"^PK/PK(2|7)/").order_by("pcode")
    return list(qs.values_list("parent__pcode", "pcode"))


def _bare(round_: Any, rows: list[dict[str, Any]]) -> float:
    from django.db import transaction

    from panah.dtm.models import LocationAssessment
    from panah.geo.models import AdminArea

    ids = dict(AdminArea.objects.values_list("pcode", "pk"))
    fields = [k for k in rows[0] if k not in ("district_pcode", "admin_pcode")]
    started = time.perf_counter()
    with transaction.atomic():
        objs = [
            LocationAssessment(round=round_, admin_area_id=ids[r["admin_pcode"]], **{f: r[f] for f in fields})
            for r in rows
        ]
        LocationAssessment.objects.bulk_create(objs, batch_size=5000)
    return time.perf_counter() - started


def _framework(user: Any, round_: Any, content: bytes) -> tuple[float, Any]:
    from panah.dtm.importers import register_importers
    from panah.intake import services

    register_importers()
    started = time.perf_counter()
    upload = services.batch_create(
        actor=user, spec_name="dtm.location_assessment", context={"round_id": round_.pk}, filename="bench.csv",
        content=content, policy="reject_file",
    )  # fmt: skip
    batch = services.batch_process(batch_id=upload.batch.pk)
    return time.perf_counter() - started, batch


def run(n: int = 100_000) -> dict[str, float]:
    from django.db import connection

    user, round_a, round_b = _world()
    rows = location_rows(_tehsils(), n)
    content = to_csv(rows)
    elapsed, batch = _framework(user, round_a, content)
    if batch.imported_rows != n:
        raise SystemExit(f"import stored {batch.imported_rows} of {n} rows: {batch.error_summary}")
    # Same starting point for both: the table is emptied again, so the bare insert does not pay for the indexes
    # the import filled (which would flatter the import).
    from panah.dtm.models import LocationAssessment

    LocationAssessment.objects.all().delete()
    bare = _bare(round_b, rows)
    result = {"rows": n, "import_s": elapsed, "bare_s": bare, "import_rps": n / elapsed, "bare_rps": n / bare}
    result["ratio"] = result["import_rps"] / result["bare_rps"]
    print(f"dtm_import on {connection.vendor} ({len(content) / 1e6:.1f} MB CSV, {n:,} rows)")
    print(f"  framework import (parse + validate + insert): {elapsed:7.2f} s  {result['import_rps']:>9,.0f} rows/s")
    print(f"  bare bulk_create of the same rows:            {bare:7.2f} s  {result['bare_rps']:>9,.0f} rows/s")
    print(f"  ratio import/bare: {result['ratio']:.2f} (target >= 0.33)")
    return result

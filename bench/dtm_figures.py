"""Read the figures of a 50,000-location round the way people do: the district endpoint of the map, the dashboard
page and the DTM-API-compatible admin2 endpoint, each as a national IM officer and as a partner viewer of one
province. Target: p95 under 300 ms on PostgreSQL for the district endpoint and the dashboard."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from dtm_data import NEEDS, SHELTERS

TARGET_MS = 300
PARTNER_PROVINCE = "PK7"  # Sindh


def _world() -> dict[str, Any]:
    from panah.accounts.models import Operation, Organisation, RoleAssignment, User
    from panah.accounts.services import token_create
    from panah.dtm.models import Round
    from panah.geo.models import AdminArea

    org = Organisation.objects.create(short_name="IOM-F", name="IOM figures bench", kind="mission")
    partner_org = Organisation.objects.create(short_name="NGO-F", name="Partner figures bench", kind="ingo")
    im = User.objects.create_user(username="bench-im", password=None, organisation=org)
    partner = User.objects.create_user(username="bench-partner", password=None, organisation=partner_org)
    RoleAssignment.objects.create(user=im, role="im", area=AdminArea.objects.get(pcode="PK"))
    RoleAssignment.objects.create(
        user=partner, role="partner-viewer", area=AdminArea.objects.get(pcode=PARTNER_PROVINCE)
    )
    op = Operation.objects.create(code="bench-figures", name="Bench figures floods", started_on=date(2022, 8, 1))
    rounds = [
        Round.objects.create(
            operation=op,
            number=n,
            status="published",
            period_start=date(2022, 7 + n, 1),
            period_end=date(2022, 7 + n, 28),
            created_by=im,
            submitted_by=im,
            published_by=im,
        )
        for n in (1, 2, 3)
    ]
    return {
        "operation": op,
        "rounds": rounds,
        "users": {"im": im, "partner": partner},
        "tokens": {
            u: token_create(actor=user, name="bench", days=30).secret for u, user in (("im", im), ("partner", partner))
        },
    }


def _assessments(round_: Any, n: int, *, seed: int) -> list[Any]:
    """n location rows (LA) over every current tehsil, idp and returnee, flood and conflict, with sex and age splits,
    an origin province for the displaced, plus the baseline (BA) rows of every district that they refine."""
    from panah.dtm.models import LocationAssessment
    from panah.geo.models import AdminArea

    rng = random.Random(seed)
    current = AdminArea.objects.current()
    tehsils = list(current.filter(level=3).order_by("pcode").values_list("pk", flat=True))
    districts = list(current.filter(level=2).order_by("pcode").values_list("pk", flat=True))
    provinces = list(current.filter(level=1).order_by("pcode").values_list("pk", flat=True))
    start = date(2022, 8, 25)
    objs = []

    def row(level: str, area: int, name: str, i: int) -> Any:
        households = rng.randint(1, 400)
        individuals = households * rng.randint(3, 9)
        males = individuals // 2 + rng.randint(0, 3) if individuals > 8 else individuals // 2
        children, adults = individuals // 2, individuals // 3
        group = "idp" if i % 3 else "returnee"
        known = i % 10 != 0  # a tenth of key informants give no splits
        return LocationAssessment(
            round=round_,
            level=level,
            admin_area_id=area,
            location_name=name,
            population_group=group,
            displacement_reason="flood" if i % 5 else "conflict",
            origin_area_id=rng.choice(provinces) if group == "idp" and i % 4 else None,
            households=households,
            individuals=individuals,
            males=males if known else None,
            females=individuals - males if known else None,
            children=children if known else None,
            adults=adults if known else None,
            elderly=individuals - children - adults if known else None,
            displaced_since=start + timedelta(days=rng.randint(0, 20)),
            shelter_type=rng.choice(SHELTERS),
            priority_needs=rng.sample(NEEDS, 2),
        )

    for i in range(n):
        tehsil = tehsils[i % len(tehsils)]
        objs.append(row("LA", tehsil, f"UC {i // len(tehsils) + 1}", i))
    for j, district in enumerate(districts * 6):
        objs.append(row("BA", district, f"baseline {j // len(districts) + 1}", j))
    return objs


def _load(world: dict[str, Any], n: int) -> None:
    from django.db import connection, transaction

    from panah.dtm.models import LocationAssessment

    with transaction.atomic():
        for seed, round_ in enumerate(world["rounds"]):
            LocationAssessment.objects.bulk_create(_assessments(round_, n, seed=seed), batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench", "confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _measure(client: Any, url: str, headers: dict[str, str], requests: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url, headers=headers)  # warm-up: imports, template compilation
    if first.status_code != 200:
        raise SystemExit(f"GET {url} answered {first.status_code}: {first.content[:300]!r}")
    times, queries = [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
        "queries": statistics.median(queries),
        "bytes": len(first.content),
    }


def run(n: int = 50_000, requests: int = 50) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.urls import reverse

    world = _world()
    started = time.perf_counter()
    _load(world, n)
    loaded = time.perf_counter() - started
    round_ = world["rounds"][-1]
    endpoints = {
        "district endpoint": (reverse("api:dtm_district_figures", args=[round_.pk]), "bearer"),
        "dashboard page": (f"{reverse('dtm:dashboard')}?round={round_.pk}", "session"),
        "v3 admin2": (f"{reverse('dtm_api:admin2')}?Operation={world['operation'].name}", "key"),
    }
    results: dict[str, dict[str, float]] = {}
    for who in ("im", "partner"):
        client = _client(world["users"][who])
        token = world["tokens"][who]
        for name, (url, auth) in endpoints.items():
            headers = {"authorization": f"Bearer {token}"} if auth == "bearer" else {}
            if auth == "key":
                headers = {"Ocp-Apim-Subscription-Key": token}
            results[f"{name} ({who})"] = _measure(client, url, headers, requests)
    _report(connection.vendor, n, loaded, requests, results)
    return results


def _report(vendor: str, n: int, loaded: float, requests: int, results: dict[str, dict[str, float]]) -> None:
    print(f"dtm_figures on {vendor} (3 published rounds of {n:,} location rows each, loaded in {loaded:.1f} s; "
          f"{requests} requests each)")  # fmt: skip
    print(f"  {'':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KB':>7}")
    for name, r in results.items():
        mark = "" if "v3" in name or r["p95"] < TARGET_MS else "  over target"
        print(
            f"  {name:28} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['queries']:8.0f} "
            f"{r['bytes'] / 1024:7.1f}{mark}"
        )
    print(f"  target: p95 < {TARGET_MS} ms for the district endpoint and the dashboard on PostgreSQL")

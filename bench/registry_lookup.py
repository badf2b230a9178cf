"""Look up a household by document number or registration id, as a distribution point does. Target: p95 under 50 ms
on PostgreSQL with 1,000,000 households.

The registry is loaded with N households, each with a head of household (an individual and its golden record) and a
CNIC; 60% registered by the mission, 40% by two partner NGOs, 5% of the mission's shared with the first partner. Values
are real: the CNIC and phone are encrypted with the configured keys and the CNIC's blind index is computed with the
registry's own function, in a pool of processes (Fernet at a million rows is the slow part of loading). On PostgreSQL
rows go in with COPY; on SQLite with executemany.

Timed: the selectors (households_by_document, household_get) and the API (POST /api/registry/lookup by document and
by registration id; GET of the full record, which is audited) for a mission registration officer of Khyber
Pakhtunkhwa and for a partner NGO's registration officer of the same province, each on households they may see.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

TARGET_MS = 50
PROVINCE = "PK5"  # Khyber Pakhtunkhwa
CHUNK = 25_000
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GIVEN = ["Muhammad", "Gul", "Sher", "Abdul", "Zar", "Fazal", "Noor", "Bibi", "Khadija", "Amina", "Shah", "Wali"]
FAMILY = ["Khan", "Afridi", "Yousafzai", "Shinwari", "Mohmand", "Bibi", "Durrani", "Achakzai", ""]


def _public_id(prefix: str, n: int, multiplier: int) -> str:
    """A unique 8-character id per n: an odd multiplier is a bijection on 40 bits, so ids never collide and do not
    read as a counter (random ids would: a million draws in 2^40 collide with probability ~0.4)."""
    value = (n * multiplier + 0x5A5A5A5A5) % (1 << 40)
    return prefix + "".join(_ALPHABET[(value >> shift) & 31] for shift in range(35, -1, -5))


def cnic(n: int) -> str:
    """The normalised CNIC of household n's head: unique, with the male check digit (odd)."""
    return f"{17301 + n // 10_000_000:05d}{n % 10_000_000:07d}{(n % 5) * 2 + 1}"


def _rows(args: tuple[int, int, list[int], list[int], int, int]) -> dict[str, list[dict[str, Any]]]:
    """The rows of households [start, start + n): run in a worker process (forked: settings and keys inherited).
    Columns left out take the model's default when written (e.g. the search keys deduplication fills in later)."""
    start, n, tehsils, organisations, user_id, first_id = args
    from panah.core.fields import encrypt
    from panah.registry.services import document_index

    rng = random.Random(start)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    out: dict[str, list[dict[str, Any]]] = {"person": [], "household": [], "individual": [], "document": []}
    for i in range(start, start + n):
        pk = first_id + i
        stamps = {"created_at": now - timedelta(minutes=i), "updated_at": now - timedelta(minutes=i)}
        org = organisations[0] if i % 10 < 6 else organisations[1 + i % 2]
        out["person"].append({"id": pk, "registry_id": _public_id("P", i, 0x9E3779B97), **stamps})
        out["household"].append({
            "id": pk, "registration_id": _public_id("H", i, 0x5851F42D4C9), "organisation_id": org,
            "area_id": tehsils[rng.randrange(len(tehsils))], "status": "idp" if i % 3 else "returnee",
            "phones": encrypt(f"+92300{i % 10_000_000:07d}"), "consent_purpose": "Registration for assistance",
            "consent_date": date(2025, 10, 1), "consent_recorded_by": "Registration team", "source": "file",
            "state": "active", "registered_by_id": user_id, **stamps,
        })  # fmt: skip
        out["individual"].append({
            "id": pk, "household_id": pk, "person_id": pk, "line_number": 1, "relationship": "head",
            "given_name": GIVEN[i % len(GIVEN)], "father_name": GIVEN[(i // 7) % len(GIVEN)], "father_relation": "s/o",
            "family_name": FAMILY[i % len(FAMILY)], "sex": "m", "date_of_birth": date(1950 + i % 50, 1 + i % 12, 1),
            "birth_estimated": i % 3 == 0, **stamps,
        })  # fmt: skip
        number = cnic(i)
        out["document"].append({
            "id": pk, "individual_id": pk, "doc_type": "cnic", "number": encrypt(number),
            "number_index": document_index("cnic", number), **stamps,
        })  # fmt: skip
    return out


def _writer() -> Callable[[str, list[dict[str, Any]]], None]:
    from django.db import connection

    from panah.registry.models import Document, Household, Individual, Person

    models = {"person": Person, "household": Household, "individual": Individual, "document": Document}
    # Every concrete column of each model, in order, and what a row that leaves it out stores (the field's default).
    layout = {
        table: [(f.column, f.get_default() if f.has_default() or not f.null else None)
                for f in model._meta.concrete_fields]
        for table, model in models.items()
    }  # fmt: skip

    def values(table: str, rows: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
        columns = ", ".join(column for column, _default in layout[table])
        return columns, [tuple(row.get(column, default) for column, default in layout[table]) for row in rows]

    def copy(table: str, rows: list[dict[str, Any]]) -> None:
        columns, tuples = values(table, rows)
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY registry_{table} ({columns}) FROM STDIN"
        ) as copier:  # fmt: skip
            for row in tuples:
                copier.write_row(row)

    def insert(table: str, rows: list[dict[str, Any]]) -> None:
        columns, tuples = values(table, rows)
        marks = ", ".join(["%s"] * len(layout[table]))
        with connection.cursor() as cursor:
            # Table and column names come from the models, never from input.
            cursor.executemany(f"INSERT INTO registry_{table} ({columns}) VALUES ({marks})", tuples)  # noqa: S608

    return copy if connection.vendor == "postgresql" else insert


def _world() -> dict[str, Any]:
    from panah.accounts.models import Organisation, RoleAssignment, User
    from panah.accounts.services import token_create
    from panah.geo.models import AdminArea

    mission = Organisation.objects.create(short_name="IOM-L", name="IOM lookup bench", kind="mission")
    partners = [
        Organisation.objects.create(short_name=f"NGO-L{k}", name=f"Partner {k} lookup bench", kind="nngo")
        for k in (1, 2)
    ]
    province = AdminArea.objects.get(pcode=PROVINCE)
    users = {}
    for who, org in (("mission", mission), ("partner", partners[0])):
        user = User.objects.create_user(username=f"bench-lookup-{who}", password=None, organisation=org)
        RoleAssignment.objects.create(user=user, role="registration", area=province)
        users[who] = user
    return {
        "organisations": [mission.pk, *(p.pk for p in partners)],
        "users": users,
        "tokens": {who: token_create(actor=u, name="bench", days=30).secret for who, u in users.items()},
        "province": province,
    }


def _chunks(n: int, world: dict[str, Any], first_id: int) -> Iterator[tuple[int, int, list[int], list[int], int, int]]:
    from panah.geo.models import AdminArea

    tehsils = list(AdminArea.objects.current().filter(level=3).order_by("pcode").values_list("pk", flat=True))
    user_id = world["users"]["mission"].pk
    for start in range(0, n, CHUNK):
        yield (start, min(CHUNK, n - start), tehsils, world["organisations"], user_id, first_id)


def populate(n: int, world: dict[str, Any]) -> float:
    """Load n households; returns the seconds it took (generation, encryption, loading, indexes' upkeep, ANALYZE)."""
    from django.db import connection, transaction

    from panah.registry.models import Document, Household, Individual, Person

    started = time.perf_counter()
    write = _writer()
    # One id for a household, its head, the head's golden record and CNIC: above every id already taken.
    tables = (Person, Household, Individual, Document)
    first_id = max((m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in tables) + 1
    processes = max(1, os.cpu_count() or 1)
    with multiprocessing.get_context("fork").Pool(processes) as pool, transaction.atomic():
        for done, chunk in enumerate(pool.imap(_rows, _chunks(n, world, first_id)), start=1):
            for table in ("person", "household", "individual", "document"):
                write(table, chunk[table])
            if done % 8 == 0:
                print(f"  loaded {min(done * CHUNK, n):,} households in {time.perf_counter() - started:.0f} s")
        _share(world, first_id, n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("person", "household", "individual", "document"):
                # Ids were given explicitly: move each sequence past them.
                sequence = f"pg_get_serial_sequence('registry_{table}', 'id')"
                cursor.execute(f"SELECT setval({sequence}, (SELECT MAX(id) FROM registry_{table}))")  # noqa: S608
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _share(world: dict[str, Any], first_id: int, n: int) -> None:
    from panah.registry.models import Household

    partner = world["organisations"][1]
    through = Household.shared_with.through
    shared = [
        through(household_id=first_id + i, organisation_id=partner) for i in range(0, n, 20) if i % 10 < 6
    ]  # every 20th household is the mission's (i % 10 == 0): 5% of the registry
    through.objects.bulk_create(shared, batch_size=10_000)


def _targets(world: dict[str, Any], who: str, count: int) -> list[tuple[str, str]]:
    """(registration id, CNIC as a person reads it out) of households the user may see, picked at random."""
    from panah.core.permissions import visible_to
    from panah.registry.models import Document, Household

    rng = random.Random(7)
    visible = visible_to(world["users"][who], Household.objects.all())
    top = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    found: list[tuple[str, str]] = []
    while len(found) < count:
        picks = [rng.randint(1, top) for _ in range(count * 4)]
        for pk, registration_id in visible.filter(pk__in=picks).values_list("pk", "registration_id"):
            number = Document.objects.get(individual__household_id=pk).number
            found.append((registration_id, f"{number[:5]}-{number[5:12]}-{number[12:]}"))
    return found[:count]


def _timed(call: Callable[[Any], Any], targets: list[Any]) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call(targets[0])  # warm-up: imports, first plans
    times, queries = [], []
    for target in targets:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call(target)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, max(0, round(p * len(times)) - 1))]

    return {"p50": statistics.median(times), "p95": pct(0.95), "p99": pct(0.99), "queries": statistics.median(queries)}


def _calls(world: dict[str, Any], who: str) -> dict[str, Callable[[Any], Any]]:
    from django.test import Client

    from panah.registry import selectors

    user = world["users"][who]
    client = Client(SERVER_NAME="localhost", headers={"authorization": f"Bearer {world['tokens'][who]}"})

    def api_lookup(body: dict[str, str]) -> Any:
        response = client.post("/api/registry/lookup", body, content_type="application/json")
        if response.status_code != 200 or response.json()["count"] != 1:
            raise SystemExit(f"lookup answered {response.status_code}: {response.content[:300]!r}")
        return response

    def api_record(registration_id: str) -> Any:
        response = client.get(f"/api/registry/households/{registration_id}")
        if response.status_code != 200:
            raise SystemExit(f"record answered {response.status_code}: {response.content[:300]!r}")
        return response

    return {
        "selector households_by_document": lambda t: list(
            selectors.households_by_document(actor=user, doc_type="cnic", number=t[1])
        ),
        "selector household_get": lambda t: selectors.household_get(actor=user, registration_id=t[0]),
        "API lookup by CNIC": lambda t: api_lookup({"doc_type": "cnic", "number": t[1]}),
        "API lookup by registration id": lambda t: api_lookup({"registration_id": t[0]}),
        "API full record (audited)": lambda t: api_record(t[0]),
    }


def run(n: int = 1_000_000, lookups: int = 500) -> dict[str, dict[str, float]]:
    from django.db import connection

    world = _world()
    print(f"registry_lookup: loading {n:,} households on {connection.vendor} with {os.cpu_count()} processes")
    loaded = populate(n, world)
    results: dict[str, dict[str, float]] = {}
    for who in ("mission", "partner"):
        targets = _targets(world, who, lookups)
        for name, call in _calls(world, who).items():
            results[f"{name} ({who})"] = _timed(call, targets)
    _report(connection.vendor, n, loaded, lookups, results)
    return results


def _report(vendor: str, n: int, loaded: float, lookups: int, results: dict[str, dict[str, float]]) -> None:
    print(f"registry_lookup on {vendor}: {n:,} households (head, golden record, CNIC each) loaded in {loaded:.0f} s "
          f"({n / loaded:,.0f} households/s); {lookups} lookups each")  # fmt: skip
    print(f"  {'':48} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
    for name, r in results.items():
        mark = "" if r["p95"] < TARGET_MS else "  over target"
        print(f"  {name:48} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['queries']:8.0f}{mark}")
    print(f"  target: p95 < {TARGET_MS} ms on PostgreSQL with 1,000,000 households")

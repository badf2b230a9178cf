"""Generated demo data for displacement tracking: invented figures at a realistic scale, never real ones.

- "floods-2022": three mobility-tracking rounds (September, October, December 2022) over the Sindh and Balochistan
  districts hit hardest by the 2022 floods, at tehsil level with invented union councils, people going home from
  round to round; about thirty sites with service indicators, some below standard.
- "afghan-returns": 180 days of flow monitoring at Torkham and Chaman from October 2023, with the surge around the
  1 November 2023 deadline for undocumented foreigners and a large share of deportations, in bi-weekly rounds, plus
  a few hundred flow monitoring interviews with some repeat respondents.

Rounds go through the services (created, submitted, approved by a second person); rows are bulk-inserted. The random
generator is seeded, so every run produces the same figures, and a round that exists is left alone (idempotent).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from panah.accounts.models import Operation, RoleAssignment
from panah.dtm import services
from panah.dtm.choices import (
    Direction,
    DocumentationStatus,
    Need,
    ReturnReason,
    ReturnType,
    RoundKind,
    RoundStatus,
    ShelterType,
)
from panah.dtm.models import FlowCount, FlowSurvey, LocationAssessment, Round, SiteAssessment
from panah.dtm.policy import PUBLISHERS
from panah.geo import services as geo_services
from panah.geo.models import AdminArea, BorderCrossing, Site

SEED = 2022
OPERATIONS = {
    "floods-2022": ("2022 Floods Response", date(2022, 8, 25)),
    "afghan-returns": ("Afghan Returns Flow Monitoring", date(2023, 11, 1)),
}
# (number, period start, period end, final status)
FLOOD_ROUNDS = [
    (1, date(2022, 9, 1), date(2022, 9, 30), RoundStatus.PUBLISHED),
    (2, date(2022, 10, 1), date(2022, 10, 31), RoundStatus.PUBLISHED),
    (3, date(2022, 12, 1), date(2022, 12, 31), RoundStatus.SUBMITTED),
]
# District P-code and how hard it was hit (share of the worst case).
FLOOD_DISTRICTS = [
    ("PK703", 1.0),  # Dadu
    ("PK711", 0.7),  # Khairpur
    ("PK713", 0.6),  # Larkana
    ("PK707", 0.9),  # Jacobabad
    ("PK723", 0.5),  # Sukkur
    ("PK709", 0.8),  # Kambar Shahdad Kot
    ("PK720", 0.4),  # Shikarpur
    ("PK207", 0.8),  # Jaffarabad
    ("PK222", 0.7),  # Nasirabad
    ("PK229", 0.6),  # Sohbatpur
    ("PK208", 0.5),  # Jhal Magsi
    ("PK217", 0.3),  # Lasbela
]
IDP_LEFT = {1: 1.0, 2: 0.62, 3: 0.33}  # share of the displaced still away from home, per round
RETURNED = {1: 0.02, 2: 0.18, 3: 0.3}  # returnees, as a share of the first round's displaced
UC_FIRST = ["Ali", "Bhag", "Chak", "Dera", "Goth", "Haji", "Kot", "Mir", "Pir", "Shah", "Wali", "Yar", "Sher"]
UC_SECOND = ["Abad", "Bux", "Dino", "Jamali", "Khan", "Lashari", "Magsi", "Mari", "Panhwar", "Solangi", "Unar"]
SHELTERS = [
    (ShelterType.HOST_FAMILY, 30),
    (ShelterType.MAKESHIFT, 25),
    (ShelterType.CAMP, 15),
    (ShelterType.COLLECTIVE_CENTRE, 10),
    (ShelterType.OWN_DAMAGED, 12),
    (ShelterType.RENTED, 8),
]
NEEDS = [Need.FOOD, Need.SHELTER, Need.WATER, Need.HEALTH, Need.NFI, Need.CASH, Need.SANITATION, Need.LIVELIHOODS]


def _rng(seed: int | str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - invented figures that must come out the same on every run


@dataclass
class Plan:
    rng: random.Random
    report: list[str] = field(default_factory=list)


def _operation(code: str) -> Operation:
    name, started = OPERATIONS[code]
    operation, _ = Operation.objects.get_or_create(code=code, defaults={"name": name, "started_on": started})
    return operation


def _approver(actor: Any, operation: Operation) -> Any:
    """A second person who may publish: the demo's two-person rule is the real one."""
    grant = (
        RoleAssignment.objects.active()
        .filter(role__in=PUBLISHERS, user__is_active=True)
        .exclude(user_id=actor.pk)
        .filter(Q(operation__isnull=True) | Q(operation=operation))
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    return grant.user if grant else None


def _open_round(
    plan: Plan, actor: Any, operation: Operation, kind: str, number: int, start: date, end: date
) -> Round | None:
    """A new draft round, or None when the round exists already (nothing is changed then)."""
    if Round.objects.filter(operation=operation, kind=kind, number=number).exists():
        return None
    return services.round_create(
        actor=actor, operation=operation, kind=kind, number=number, period_start=start, period_end=end
    )


def _finish_round(plan: Plan, actor: Any, rnd: Round, status: str) -> None:
    services.round_submit(actor=actor, round=rnd)
    approver = _approver(actor, rnd.operation)
    if status == RoundStatus.PUBLISHED and approver is not None:
        services.round_publish(actor=approver, round=rnd)
        status_text = "published"
    else:
        status_text = "submitted for approval"
    plan.report.append(f"dtm round {rnd.operation.code} {rnd.number} ({status_text})")


def _uc_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"UC {rng.choice(UC_FIRST)} {rng.choice(UC_SECOND)}")
    return sorted(names)


def _places(rng: random.Random) -> list[tuple[AdminArea, str, float]]:
    """(tehsil, union council name, size) for every place the mobility rounds cover, the same in every round."""
    places = []
    for pcode, severity in FLOOD_DISTRICTS:
        tehsils = AdminArea.objects.current().filter(parent__pcode=pcode, level=3).order_by("pcode")
        for tehsil in tehsils:
            for name in _uc_names(rng, rng.randint(2, 3)):
                places.append((tehsil, name, severity * rng.uniform(700, 5200)))
    return places


def _splits(rng: random.Random, individuals: int) -> dict[str, int | None]:
    if rng.random() < 0.1:  # key informants could not say for about one place in ten
        return {"males": None, "females": None, "children": None, "adults": None, "elderly": None}
    males = round(individuals * rng.uniform(0.49, 0.53))
    children = round(individuals * rng.uniform(0.45, 0.55))
    elderly = round(individuals * rng.uniform(0.04, 0.07))
    return {
        "males": males,
        "females": individuals - males,
        "children": children,
        "adults": individuals - children - elderly,
        "elderly": elderly,
    }


def _location_row(rng: random.Random, rnd: Round, place: tuple[AdminArea, str, float], group: str) -> Any:
    tehsil, name, size = place
    share = IDP_LEFT[rnd.number] if group == "idp" else RETURNED[rnd.number]
    individuals = max(7, round(size * share * rng.uniform(0.9, 1.1)))
    households = max(1, round(individuals / rng.uniform(6.2, 7.4)))
    return LocationAssessment(
        round=rnd,
        level="LA",
        admin_area=tehsil,
        location_name=name,
        population_group=group,
        displacement_reason="flood" if rng.random() < 0.95 else "other",
        origin_area=tehsil,
        households=households,
        individuals=individuals,
        displaced_since=date(2022, 8, rng.randint(14, 31)),
        shelter_type=rng.choices([s for s, _ in SHELTERS], [w for _, w in SHELTERS])[0] if group == "idp" else "",
        priority_needs=rng.sample(NEEDS, 3),
        **_splits(rng, individuals),
    )


SITE_KINDS = [
    ("camp", "{} Relief Camp"),
    ("collective_centre", "Government High School {}"),
    ("informal_settlement", "{} Embankment Settlement"),
]
SITE_COUNT = 25  # with the flood sites of the base demo data, about thirty
AGENCIES = {"PK7": ["PDMA Sindh", "SRSO", "IOM", "District administration"], "PK2": ["PDMA Balochistan", "BRSP", "IOM"]}
SITE_LEFT = {1: 1.0, 2: 0.74, 3: 0.46}  # people still living on the sites, as a share of the first round


def _site_point(rng: random.Random, district: AdminArea) -> tuple[float | None, float | None]:
    dlat, dlon = rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)
    if district.centroid_lat is None or district.centroid_lon is None:
        return None, None
    return round(district.centroid_lat + dlat, 5), round(district.centroid_lon + dlon, 5)


def _ensure_sites(rng: random.Random, actor: Any, district_pcodes: list[str], report: list[str]) -> list[Site]:
    """Create the demo's sites that are missing; returns every active site in the districts (the base demo's too)."""
    districts = AdminArea.objects.filter(pcode__in=district_pcodes)
    tehsils = list(
        AdminArea.objects.current().filter(parent__in=districts, level=3).select_related("parent").order_by("pcode")
    )
    existing = set(Site.objects.values_list("name", flat=True))
    for i in range(min(SITE_COUNT, len(tehsils))):
        tehsil = tehsils[(i * 7) % len(tehsils)]  # a stride spreads the sites over the districts
        kind, pattern = SITE_KINDS[i % len(SITE_KINDS)]
        name = pattern.format(tehsil.name)
        latitude, longitude = _site_point(rng, tehsil.parent or tehsil)  # drawn either way, so later draws never shift
        if name in existing:
            continue
        geo_services.site_create(
            actor=actor, name=name, kind=kind, admin_area=tehsil, latitude=latitude, longitude=longitude
        )
        existing.add(name)
        report.append(f"site {name}")
    within = Q()
    for path in districts.values_list("path", flat=True):
        within |= Q(admin_area__path__startswith=path)
    return list(Site.objects.filter(within, is_active=True).select_related("admin_area").order_by("name"))


def _maybe(rng: random.Random, value: Any) -> Any:
    return None if rng.random() < 0.05 else value  # an indicator nobody could measure that day


def _site_services(rng: random.Random, individuals: int, quality: float) -> dict[str, Any]:
    # quality 1 meets every standard with room to spare; below about 0.65 most indicators fall short.
    return {
        "water_litres_per_person_day": _maybe(rng, Decimal(str(round(max(0.0, 6 + 14 * quality), 1)))),
        "functioning_water_points": 0 if quality < 0.1 else math.ceil(individuals / (180 + 250 * (1 - quality))),
        "functioning_latrines": 0 if quality < 0.08 else math.ceil(individuals / (30 + 60 * (1 - quality))),
        "latrines_sex_segregated": _maybe(rng, rng.random() < 0.4 + 0.6 * quality),
        "distance_to_water_m": _maybe(rng, round(150 + 700 * (1 - quality) + rng.uniform(-50, 50))),
        "covered_space_m2_per_person": _maybe(rng, Decimal(str(round(2.2 + 2.0 * quality, 2)))),
        "health_facility_access": rng.random() < 0.5 + 0.5 * quality,
        "waste_management": _maybe(rng, rng.random() < 0.3 + 0.6 * quality),
        "lighting": rng.random() < 0.3 + 0.6 * quality,
        "security_incidents": 0 if rng.random() < 0.4 + 0.5 * quality else rng.randint(1, 4),
    }


def _site_assessment(rng: random.Random, rnd: Round, site: Site, end: date) -> SiteAssessment:
    own = _rng(f"{SEED}:{site.name}")  # a site keeps its size and condition from round to round
    base, quality = own.uniform(600, 5000), own.uniform(0.3, 1.0)
    individuals = max(20, round(base * SITE_LEFT[rnd.number] * rng.uniform(0.92, 1.08)))
    males, children = round(individuals * rng.uniform(0.47, 0.52)), round(individuals * rng.uniform(0.45, 0.55))
    province = site.admin_area.path.split("/")[1]
    return SiteAssessment(
        round=rnd,
        site=site,
        assessed_on=end - timedelta(days=rng.randint(3, 12)),
        managing_agency=own.choice(AGENCIES.get(province, ["IOM"])),
        households=max(1, round(individuals / rng.uniform(6.0, 7.2))),
        individuals=individuals,
        males=males,
        females=individuals - males,
        children=children,
        elderly=round(individuals * rng.uniform(0.04, 0.07)),
        priority_needs=rng.sample(NEEDS, 3),
        **_site_services(rng, individuals, min(1.0, quality + 0.08 * (rnd.number - 1))),
    )


FLOW_START, FLOW_DAYS, DEADLINE = date(2023, 10, 1), 180, date(2023, 11, 1)
FLOW_ROUNDS = [
    (
        n + 1,
        FLOW_START + timedelta(days=14 * n),
        min(FLOW_START + timedelta(days=14 * n + 13), FLOW_START + timedelta(days=FLOW_DAYS - 1)),
        RoundStatus.PUBLISHED if n < 12 else RoundStatus.SUBMITTED,
    )
    for n in range(13)
]
# Crossing: (ordinary departures a day, how many times that at the deadline peak, arrivals a day, destinations).
CROSSINGS = {
    "torkham": (900, 16, 250, ["Nangarhar", "Kabul", "Kunar", "Laghman", "Kunduz"]),
    "chaman": (550, 11, 150, ["Kandahar", "Helmand", "Zabul", "Uruzgan", "Farah"]),
}
U, A, P, T = (
    DocumentationStatus.UNDOCUMENTED,
    DocumentationStatus.ACC,
    DocumentationStatus.POR,
    DocumentationStatus.TAZKIRA_PASSPORT,
)
DOCUMENTS = {
    ReturnType.SPONTANEOUS: [(U, 0.60), (A, 0.17), (P, 0.12), (T, 0.11)],
    ReturnType.DEPORTED: [(U, 0.86), (A, 0.09), (P, 0.02), (T, 0.03)],
    ReturnType.ASSISTED: [(P, 1.0)],  # voluntary repatriation is for PoR card holders
}
SEX_AGE = {ReturnType.DEPORTED: (0.62, 0.12, 0.16), "other": (0.28, 0.24, 0.25)}  # men, women, boys; girls the rest


def _daily_departures(rng: random.Random, code: str, day: date) -> int:
    base, peak, _, _ = CROSSINGS[code]
    t = (day - DEADLINE).days
    width = 12 if t < 2 else 18  # a slow build-up over October, a slower ebb after the deadline
    return round(base * (1 + (peak - 1) * math.exp(-(((t - 2) / width) ** 2))) * rng.uniform(0.85, 1.15))


def _count(rnd: Round, crossing: BorderCrossing, day: date, kind: tuple[str, str, str], n: int) -> FlowCount:
    direction, documents, return_type = kind
    m, w, b = SEX_AGE.get(return_type, SEX_AGE["other"])
    men, women, boys = int(n * m), int(n * w), int(n * b)
    girls = n - men - women - boys
    deported = return_type == ReturnType.DEPORTED
    return FlowCount(
        round=rnd,
        crossing=crossing,
        date=day,
        direction=direction,
        documentation_status=documents,
        return_type=return_type,
        men=men,
        women=women,
        boys=boys,
        girls=girls,
        unaccompanied_children=round((boys + girls) * (0.02 if deported else 0.003)),
        persons_with_disability=round(n * 0.012),
        pregnant_or_lactating=round(women * 0.14),
        older_persons=round(n * 0.03),
    )


def _day_counts(rng: random.Random, rnd: Round, crossing: BorderCrossing, day: date) -> list[FlowCount]:
    total = _daily_departures(rng, crossing.code, day)
    deported = round(total * (0.08 if day < DEADLINE else rng.uniform(0.34, 0.46)))
    assisted = round(total * rng.uniform(0.03, 0.07))
    by_type = {ReturnType.DEPORTED: deported, ReturnType.ASSISTED: assisted}
    by_type[ReturnType.SPONTANEOUS] = total - deported - assisted
    rows = []
    for return_type, people in by_type.items():
        shares = DOCUMENTS[return_type]
        parts = [int(people * share) for _, share in shares[:-1]]
        for (documents, _), n in zip(shares, [*parts, people - sum(parts)], strict=True):
            if n > 0:
                rows.append(_count(rnd, crossing, day, (Direction.OUTGOING, documents, return_type), n))
    arrivals = round(CROSSINGS[crossing.code][2] * rng.uniform(0.7, 1.3))
    rows.append(_count(rnd, crossing, day, (Direction.INCOMING, T, ReturnType.SPONTANEOUS), arrivals))
    return rows


def _crossings() -> list[BorderCrossing]:
    return list(BorderCrossing.objects.filter(code__in=CROSSINGS).order_by("code"))


def _flow_counts(rng: random.Random, rnd: Round) -> list[FlowCount]:
    days = [rnd.period_start + timedelta(days=i) for i in range((rnd.period_end - rnd.period_start).days + 1)]
    return [row for day in days for crossing in _crossings() for row in _day_counts(rng, rnd, crossing, day)]


def _interview(rng: random.Random, rnd: Round, crossing: BorderCrossing, day: date, key: str) -> FlowSurvey:
    return_type = rng.choices(list(DOCUMENTS), [0.55, 0.38, 0.07])[0]
    documents = rng.choices([d for d, _ in DOCUMENTS[return_type]], [s for _, s in DOCUMENTS[return_type]])[0]
    reasons: list[str] = [ReturnReason.FEAR_OF_ARREST] if day >= DEADLINE and rng.random() < 0.7 else []
    reasons += rng.sample([r for r in ReturnReason.values if r not in reasons], rng.randint(1, 2))
    return FlowSurvey(
        round=rnd,
        crossing=crossing,
        interviewed_on=day,
        respondent_key=key,
        sex="m" if rng.random() < 0.72 else "f",
        age=rng.randint(18, 70),
        documentation_status=documents,
        return_type=return_type,
        intended_destination=rng.choice(CROSSINGS[crossing.code][3]),
        reasons=reasons,
        needs=rng.sample([Need.FOOD, Need.SHELTER, Need.CASH, Need.TRANSPORT, Need.HEALTH, Need.DOCUMENTATION], 3),
    )


def _flow_surveys(rng: random.Random, rnd: Round) -> list[FlowSurvey]:
    """About thirty interviews a round; one in sixteen is someone interviewed before, flagged as a repeat."""
    days = (rnd.period_end - rnd.period_start).days
    dates = sorted(rnd.period_start + timedelta(days=rng.randint(0, days)) for _ in range(30))
    crossings, rows = _crossings(), list[FlowSurvey]()
    for i, day in enumerate(dates):
        earlier = [r for r in rows if not r.is_repeat]
        if earlier and rng.random() < 1 / 16:
            first = rng.choice(earlier)
            row = _interview(rng, rnd, first.crossing, day, first.respondent_key)
            row.is_repeat = True
        else:
            key = hashlib.sha256(f"panah-demo-respondent:{rnd.number}:{i}".encode()).hexdigest()
            row = _interview(rng, rnd, crossings[i % len(crossings)], day, key)
        rows.append(row)
    return rows


def _seed_floods(plan: Plan, actor: Any) -> None:
    operation = _operation("floods-2022")
    places = _places(plan.rng)
    sites = _ensure_sites(plan.rng, actor, [p for p, _ in FLOOD_DISTRICTS], plan.report)
    for number, start, end, status in FLOOD_ROUNDS:
        rng = _rng(SEED * 100 + number)  # each round draws its own figures, whichever exist already
        rnd = _open_round(plan, actor, operation, RoundKind.MOBILITY, number, start, end)
        if rnd is None:
            continue
        rows = [_location_row(rng, rnd, place, group) for place in places for group in ("idp", "returnee")]
        LocationAssessment.objects.bulk_create(rows, batch_size=1000)
        assessments = [_site_assessment(rng, rnd, site, end) for site in sites]
        SiteAssessment.objects.bulk_create(assessments)
        plan.report.append(f"dtm {len(rows)} location and {len(assessments)} site assessments in round {number}")
        _finish_round(plan, actor, rnd, status)


def _seed_flows(plan: Plan, actor: Any) -> None:
    operation = _operation("afghan-returns")
    for number, start, end, status in FLOW_ROUNDS:
        rng = _rng(SEED * 1000 + number)
        rnd = _open_round(plan, actor, operation, RoundKind.FLOW, number, start, end)
        if rnd is None:
            continue
        counts = FlowCount.objects.bulk_create(_flow_counts(rng, rnd), batch_size=1000)
        surveys = FlowSurvey.objects.bulk_create(_flow_surveys(rng, rnd), batch_size=1000)
        plan.report.append(f"dtm {len(counts)} flow counts and {len(surveys)} interviews in flow round {number}")
        _finish_round(plan, actor, rnd, status)


@transaction.atomic
def seed_dtm_demo(*, actor: Any) -> list[str]:
    """Create the DTM demo rounds, sites and figures that are missing; returns what was created (empty: nothing)."""
    plan = Plan(_rng(SEED))
    _seed_floods(plan, actor)
    _seed_flows(plan, actor)
    return plan.report

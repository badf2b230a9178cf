"""Demo feedback: about 500 tickets over the last six months in Khyber Pakhtunkhwa, Sindh and Balochistan, from every
channel, more questions and requests than complaints, at every stage; a few complaint-box openings and community
meetings; and six reports about aid workers, sealed for the PSEA focal point.

Everything goes through the services and workflow steps, so history, audit trail and clocks are real. Those steps
stamp "now"; the history is then moved back to plausible times after receipt (see _backdate). Deterministic (seeded),
idempotent (nothing is made when the demo tickets exist), and made without PIN hashing cost (see _fast_pins).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test.utils import override_settings
from django.utils import timezone

from panah.accounts.models import User
from panah.feedback import meetings, psea, services, sla, taxonomy, workflow
from panah.feedback.choices import Channel, Closure, ContactMethod, EventKind, Screening, Status
from panah.feedback.inputs import TicketInput
from panah.feedback.models import Category, Routing, SlaTarget, Ticket, TicketEvent
from panah.feedback.selectors import area_by_pcode

SEED = 5
TICKETS = 480
DAYS = 180
KEY = "demo-fb-"  # idempotency keys of the demo tickets: their presence means the demo is there
# (district P-code, weight): KP districts with Afghan returnees and refugee villages, Sindh and Balochistan flood areas.
DISTRICTS = [("PK528", 8), ("PK506", 5), ("PK526", 4), ("PK511", 3), ("PK703", 4), ("PK707", 4), ("PK723", 3),
             ("PK711", 2), ("PK207", 3), ("PK226", 4)]  # fmt: skip
CATEGORIES = [("info", 30), ("assist", 28), ("complaint", 14), ("praise", 7), ("suggestion", 8), ("data", 3),
              ("safety", 3), ("out-of-scope", 4)]  # fmt: skip
CHANNELS = [(Channel.HOTLINE, 30), (Channel.HELP_DESK, 26), (Channel.WEB, 8), (Channel.SMS, 10),
            (Channel.WHATSAPP, 12), (Channel.STAFF, 6), (Channel.REFERRAL, 3)]  # fmt: skip
PUBLIC = {Channel.WEB, Channel.SMS, Channel.WHATSAPP}
TEXTS = {
    "info": "When is the next distribution at our site, and which documents should we bring?",
    "assist": "Our family was not on the cash list although we registered in the same week as our neighbours.",
    "complaint": "The queue at the distribution point was not managed and older people waited all day in the sun.",
    "praise": "Thank you to the team at the help desk, they explained everything in Pashto.",
    "suggestion": "Please announce distributions on the mosque loudspeaker as well as by SMS.",
    "data": "Please correct the spelling of my mother's name in your records.",
    "safety": "The path to the latrines has no lights and women are afraid to use it at night.",
    "out-of-scope": "We need help with a land dispute with the landlord.",
}
SEALED = [("sea", Screening.NO), ("fraud", Screening.NO), ("misconduct", Screening.NO), ("", Screening.YES),
          ("", Screening.YES), ("", Screening.UNSURE)]  # fmt: skip


def seed_feedback_demo(*, cfm: User, psea_user: User, approver: User) -> list[str]:
    """Create the demo feedback (once); returns what was created, for the seed report."""
    # The taxonomy comes with a migration; a flushed database (browser tests flush after each) lacks it.
    taxonomy.load(Category, SlaTarget)
    if Ticket.objects.filter(idempotency_key__startswith=KEY).exists():
        return []
    rng, now = random.Random(SEED), timezone.now()  # noqa: S311 (demo data, reproducible on purpose)
    created = _routings(cfm)
    with _fast_pins():
        tickets = [_one(rng, now, i, cfm, approver) for i in range(TICKETS)]
        tickets += _boxes(rng, now, cfm, approver)
        sealed = _sealed(rng, now, cfm, psea_user)
    _backdate(rng, now, tickets)
    created += _meetings(rng, now, cfm)
    created.append(f"feedback tickets {len(tickets)} (+{len(sealed)} sealed)")
    return created


@contextmanager
def _fast_pins() -> Iterator[None]:
    # Each ticket's PIN is hashed with Argon2 (about 0.3 s): 500 would hold `make run` up for minutes. Demo PINs are
    # shown to nobody, so they are hashed cheaply here and then made unusable in one statement.
    started = timezone.now()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
    Ticket.objects.filter(created_at__gte=started).update(pin_hash=make_password(None))


def _routings(cfm: User) -> list[str]:
    kp, created = area_by_pcode("PK5"), []
    for category in Category.objects.filter(sensitive=False):
        _routing, new = Routing.objects.get_or_create(category=category, area=kp, defaults={"focal_point": cfm})
        if new:
            created.append(f"routing {category.code} PK5")
    return created


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _input(rng: random.Random, now: datetime, channel: str, category: str) -> TicketInput:
    received = now - timedelta(days=rng.uniform(0.2, DAYS), hours=rng.uniform(0, 8))
    contact = rng.random() < 0.55
    return TicketInput(
        channel=channel,
        area=_pick(rng, DISTRICTS),
        description=TEXTS.get(category, TEXTS["info"]),
        language=rng.choice(["ur", "ur", "ps", "sd", "en"]),
        category=category if channel not in PUBLIC else "",
        about_staff=category == "complaint" and rng.random() < 0.2,
        sex=rng.choice(["f", "f", "m", "m", "m", ""]),
        age_group=rng.choice(["18-59", "18-59", "18-59", "60+", "0-17", ""]),
        disability=rng.choice([True, False, False, False, None]),
        contact_method=ContactMethod.PHONE if contact else ContactMethod.NONE,
        contact_detail=f"03{rng.randrange(10**8, 10**9)}" if contact else "",
        consent_contact=contact,
        consent_referral=rng.random() < 0.7,
        received_at=received,
    )


def _one(rng: random.Random, now: datetime, i: int, cfm: User, approver: User) -> Ticket:
    category, channel = _pick(rng, CATEGORIES), _pick(rng, CHANNELS)
    data = _input(rng, now, channel, category)
    ticket = services.ticket_submit(actor=None if channel in PUBLIC else cfm, data=data, idempotency_key=f"{KEY}{i}")
    return _handle(rng, now, ticket.ticket, Category.objects.get(code=category), cfm, approver)


def _handle(rng: random.Random, now: datetime, t: Ticket, category: Category, cfm: User, approver: User) -> Ticket:
    """Move a ticket as far as its age makes likely: older tickets are mostly closed, this week's mostly open."""
    age = (now - t.received_at).days
    progress = rng.random() * min(1.0, 0.25 + age / 25)
    if progress < 0.08:
        return t
    if t.status == Status.NEW:
        t = workflow.ticket_triage(actor=cfm, ticket=t, category=category, about_staff=t.about_staff)
    if progress < 0.18:
        return t
    if not category.needs_response:
        return workflow.ticket_close(actor=cfm, ticket=t, closure=_closure(t), note="Shared with the team.")
    if category.code == "out-of-scope" and t.consent_referral:
        t = workflow.ticket_refer(actor=cfm, ticket=t, referred_to="District legal aid desk")
    else:
        t = workflow.ticket_start(actor=cfm, ticket=t)
        if progress < 0.3:
            return workflow.ticket_hold(actor=cfm, ticket=t, reason="Waiting for the distribution list.")
        if progress < 0.38:
            return t
        t = workflow.ticket_respond(actor=cfm, ticket=t, response="We checked and answered the question.")
        if t.status == Status.FOR_APPROVAL:
            if progress < 0.5:
                return t
            t = workflow.ticket_approve(actor=approver, ticket=t)
    if progress < 0.55:
        return t
    if t.contact_method != ContactMethod.NONE and rng.random() < 0.1:
        for _attempt in range(3):
            t = workflow.ticket_contact_attempt(actor=cfm, ticket=t, succeeded=False)
        return t
    t = workflow.ticket_close(actor=cfm, ticket=t, closure=_closure(t), satisfied=rng.choice([True, True, None]))
    if rng.random() < 0.04:
        t = workflow.ticket_reopen(actor=cfm, ticket=t, reason="The person says the problem is not solved.")
    return t


def _closure(t: Ticket) -> str:
    reachable = t.contact_method != ContactMethod.NONE or t.channel in {Channel.HOTLINE, Channel.HELP_DESK}
    return Closure.INFORMED if reachable else Closure.NOTICE_BOARD


def _boxes(rng: random.Random, now: datetime, cfm: User, approver: User) -> list[Ticket]:
    out = []
    for n, (pcode, days_ago) in enumerate([("PK528", 150), ("PK703", 90), ("PK226", 40), ("PK528", 12)]):
        opened = now - timedelta(days=days_ago)
        notes = []
        for _note in range(rng.randint(3, 6)):
            note = _input(rng, now, Channel.BOX, _pick(rng, CATEGORIES))
            note.area, note.received_at, note.category = pcode, opened, ""
            note.contact_method, note.contact_detail, note.consent_contact = ContactMethod.NONE, "", False
            notes.append(note)
        box = services.box_opening_record(
            actor=cfm,
            area=area_by_pcode(pcode),
            box_label=f"Box {n + 1} at the help desk",
            opened_at=opened,
            witness="Site management committee member",
            notes=notes,
        )
        out += [
            _handle(rng, now, t, Category.objects.get(code=_pick(rng, CATEGORIES)), cfm, approver)
            for t in box.tickets.order_by("pk")
        ]
    return out


def _sealed(rng: random.Random, now: datetime, cfm: User, psea_user: User) -> list[Ticket]:
    out = []
    for n, (category, screening) in enumerate(SEALED):
        data = _input(rng, now, Channel.HOTLINE, category)
        data.description = "A report about the conduct of a worker at a distribution (demo text)."
        data.category, data.screening = category, screening
        ticket = services.ticket_submit(actor=cfm, data=data, idempotency_key=f"{KEY}sealed-{n}").ticket
        if n < 3:
            ticket = psea.sealed_record_oversight(
                actor=psea_user, ticket=ticket, office="oio", reference=f"WAAI-DEMO-{n + 1:03d}"
            )
        out.append(ticket)
    return out


def _meetings(rng: random.Random, now: datetime, cfm: User) -> list[str]:
    created = []
    for pcode, days_ago, issues, action in [
        ("PK528", 160, {"assist": 6, "info": 4}, "Registration desk opened two extra days a week."),
        ("PK703", 120, {"complaint": 5, "safety": 2}, "Solar lights installed on the path to the latrines."),
        ("PK226", 75, {"info": 7, "suggestion": 3}, "Distribution dates announced in mosques."),
        ("PK707", 30, {"assist": 5, "complaint": 2}, "Water tanker schedule shared on the notice board."),
        ("PK506", 10, {"info": 3, "praise": 2}, ""),
    ]:
        meetings.meeting_record(
            actor=cfm,
            data=meetings.MeetingInput(
                area=pcode,
                held_on=timezone.localdate(now - timedelta(days=days_ago)),
                summary="Questions about registration, distributions and services at the site.",
                women=rng.randint(8, 25),
                men=rng.randint(8, 25),
                girls=rng.randint(0, 8),
                boys=rng.randint(0, 8),
                issues=issues,
                action_taken=action,
            ),
        )
        created.append(f"community meeting {pcode}")
    return created


def _backdate(rng: random.Random, now: datetime, tickets: list[Ticket]) -> None:
    """Move each ticket's history to plausible times after its receipt, in two bulk statements.

    The workflow stamps every step with the time it ran (now); a demo of six months needs the steps spread after
    each ticket's `received_at`. Only this demo rewrites history; the audit trail keeps the real times of creation.
    """
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in TicketEvent.objects.filter(ticket__in=tickets).order_by("id"):
        by_ticket.setdefault(event.ticket_id, []).append(event)
    events, changed = [], []
    for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).prefetch_related("category__sla_targets"):
        history = by_ticket.get(t.pk, [])
        room = (now - t.received_at) * 0.95
        gaps = [timedelta(hours=rng.expovariate(1 / 40)) for _e in history]
        scale = min(1.0, room / sum(gaps, timedelta()) if history else 1.0)
        when = t.received_at
        for event, gap in zip(history, gaps, strict=True):
            when += gap * scale
            event.at = when
            events.append(event)
        _restamp(t, history)
        changed.append(t)
    TicketEvent.objects.bulk_update(events, ["at"], batch_size=500)
    fields = ["triaged_at", "responded_at", "closed_at", "sla_started_at", "due_at"]
    Ticket.objects.bulk_update(changed, fields, batch_size=500)


def _restamp(t: Ticket, history: list[TicketEvent]) -> None:
    """The ticket's step times taken from its (moved) history, and its running clock restarted from the last step."""
    moves = [e for e in history if e.kind == EventKind.TRANSITION]
    t.triaged_at = next((e.at for e in moves if e.from_status == Status.NEW), t.received_at if t.category else None)
    t.responded_at = next((e.at for e in reversed(moves) if e.to_status in {Status.RESPONDED, Status.REFERRED}), None)
    t.closed_at = moves[-1].at if t.status == Status.CLOSED and moves else None
    if t.sla_step:
        t.sla_started_at = moves[-1].at if moves else t.received_at
        t.due_at = sla.add_time(t.sla_started_at, sla.target_for(t.category, t.sla_step))

"""The demo feedback: made once, through the services (history, audit, clocks), with sealed tickets only the PSEA
focal point sees."""

from __future__ import annotations

import pytest
from django.utils import timezone

from panah.accounts.models import User
from panah.core.models import AuditEvent
from panah.demo.seed import seed_demo
from panah.feedback import selectors
from panah.feedback.choices import Status
from panah.feedback.demo import TICKETS
from panah.feedback.models import BoxOpening, Category, CommunityMeeting, Routing, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One demo seed for the module (it takes some seconds), removed again at the end."""
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PANAH_DEMO_MODE=True, PANAH_DEMO_PASSWORD="", VAR_DIR=tmp_path_factory.mktemp("var")),
    ):
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        first = seed_demo()
        second = seed_demo()
        yield first, second
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_seed_is_idempotent(seeded):
    first, second = seeded

    assert f"feedback tickets {Ticket.objects.filter(sealed=False).count()} (+6 sealed)" in first.created
    assert second.created == []
    assert Ticket.objects.filter(idempotency_key__startswith="demo-fb-").count() == TICKETS + 6


def test_seed_has_a_believable_mix(seeded):
    tickets = Ticket.objects.filter(sealed=False)
    by_category = {c: tickets.filter(category__code=c).count() for c in ("info", "assist", "complaint")}

    assert 450 <= tickets.count() <= 600
    assert by_category["info"] > by_category["complaint"]
    assert by_category["assist"] > by_category["complaint"]
    assert set(tickets.values_list("channel", flat=True)) == {
        "hotline", "help-desk", "web", "sms", "whatsapp", "box", "staff", "referral",
    }  # fmt: skip
    assert {p[:3] for p in tickets.values_list("area__pcode", flat=True)} == {"PK2", "PK5", "PK7"}
    statuses = set(tickets.values_list("status", flat=True))
    assert {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED} <= statuses
    assert BoxOpening.objects.count() == 4
    assert CommunityMeeting.objects.count() == 5
    assert Routing.objects.filter(area__pcode="PK5").count() == Category.objects.filter(sensitive=False).count() == 8


def test_history_is_spread_over_six_months_after_receipt(seeded):
    now = timezone.now()
    closed = Ticket.objects.filter(sealed=False, status=Status.CLOSED)

    assert closed.count() > 150
    assert all(t.received_at <= t.closed_at <= now for t in closed)
    assert min(t.received_at for t in closed) < now - timezone.timedelta(days=150)
    late = TicketEvent.objects.filter(ticket__sealed=False, at__lt=now - timezone.timedelta(days=30))
    assert late.count() > 300
    assert not Ticket.objects.filter(sealed=False, due_at__isnull=False, sla_started_at__isnull=True).exists()


def test_sealed_tickets_are_seen_by_the_psea_focal_point_only(seeded):
    psea, cfm, admin = (User.objects.get(username=f"demo-{r}") for r in ("psea", "cfm", "admin"))

    sealed = Ticket.objects.filter(sealed=True)

    assert sealed.count() == 6
    assert sealed.filter(status=Status.REPORTED).count() == 3
    assert selectors.sealed_list(actor=psea).count() == 6
    assert selectors.sealed_list(actor=cfm).count() == 0
    assert selectors.sealed_list(actor=admin).count() == 0
    assert not selectors.ticket_list(actor=cfm).filter(sealed=True).exists()
    assert all(t.description == "" for t in sealed)


def test_every_demo_ticket_was_created_through_the_service(seeded):
    tickets = Ticket.objects.filter(idempotency_key__startswith="demo-fb-")

    created = AuditEvent.objects.filter(object_type="feedback.ticket", action="create")

    assert created.count() >= tickets.count()
    assert not tickets.exclude(pin_hash__startswith="!").exists()  # demo PINs are unusable

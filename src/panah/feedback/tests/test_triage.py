"""Triage routes a ticket to the focal point of its category in the deepest area that contains it, and tells them."""

from __future__ import annotations

import pytest
from django.core import mail

from panah.feedback import sla, workflow
from panah.feedback.choices import Status, Step
from panah.feedback.models import Category, Routing, Ticket
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_triage_assigns_the_deepest_matching_focal_point_and_emails_them(
    make_user, area, django_capture_on_commit_callbacks
):
    officer = make_user("cfm")
    provincial = make_user("cfm", "PK5", username="provincial")
    district = make_user("cfm", "PK506", username="district")
    district.email = "district@example.org"
    district.save()
    assist = Category.objects.get(code="assist")
    Routing.objects.create(category=assist, area=area("PK5"), focal_point=provincial)
    Routing.objects.create(category=assist, area=area("PK506"), focal_point=district)
    ticket = submit(officer).ticket

    with django_capture_on_commit_callbacks(execute=True):
        workflow.ticket_triage(actor=officer, ticket=ticket, category=assist)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.ASSIGNED
    assert ticket.assigned_to == district
    assert ticket.sla_step == Step.RESPOND
    assert [m.to for m in mail.outbox] == [["district@example.org"]]
    assert ticket.reference in mail.outbox[0].subject


def test_triage_without_a_routing_leaves_the_ticket_triaged_and_unassigned(make_user):
    officer = make_user("cfm")
    ticket = submit(officer).ticket

    workflow.ticket_triage(actor=officer, ticket=ticket, category=Category.objects.get(code="info"))

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.TRIAGED
    assert ticket.assigned_to is None


def test_information_request_is_due_in_three_working_days(make_user):
    officer = make_user("cfm")
    ticket = submit(officer).ticket

    workflow.ticket_triage(actor=officer, ticket=ticket, category=Category.objects.get(code="info"))

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert sla.working_elapsed(ticket.sla_started_at, ticket.due_at, sla.Target(72)).total_seconds() == 72 * 3600

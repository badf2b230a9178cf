"""Escalation at 80 % of a step's time and on breach: who is told, once per level, never what the person said."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from panah.core.models import AuditEvent
from panah.feedback import workflow
from panah.feedback.choices import EventKind, Screening, Step
from panah.feedback.escalation import escalate_due, level_for
from panah.feedback.models import Ticket, TicketEvent
from panah.feedback.tasks import escalate_overdue
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db
PKT = ZoneInfo("Asia/Karachi")
# Monday 3 March 2025, 09:00: a complaint's ten working days run out on Monday 17 March at 09:00; 80 % of them
# (eight working days) on Thursday 13 March at 09:00.
RECEIVED = datetime(2025, 3, 3, 9, 0, tzinfo=PKT)
AT_80 = datetime(2025, 3, 13, 10, 0, tzinfo=PKT)
AT_79 = datetime(2025, 3, 13, 8, 0, tzinfo=PKT)
BREACHED = datetime(2025, 3, 17, 9, 0, tzinfo=PKT)


@pytest.fixture
def people(make_user):
    def person(role, area, name):
        user = make_user(role, area, username=name)
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
        return user

    return {
        "handler": person("cfm", "PK506", "handler"),
        "district_cfm": person("cfm", "PK506", "district-cfm"),
        "province_cfm": person("cfm", "PK5", "province-cfm"),
        "sindh_cfm": person("cfm", "PK7", "sindh-cfm"),
        "admin": person("admin", "PK", "admin"),
        "psea": person("psea", "PK5", "psea"),
    }


def complaint(people) -> Ticket:
    ticket = submit(people["province_cfm"], category="complaint", received_at=RECEIVED).ticket
    workflow.ticket_assign(actor=people["province_cfm"], ticket=ticket, assignee=people["handler"])
    return Ticket.objects.get(pk=ticket.pk)


def sent(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


@pytest.mark.parametrize(("share", "level"), [(0.79, 0), (0.8, 1), (0.99, 1), (1.0, 2), (3.5, 2)])
def test_level_for_share_of_time_used(share, level):
    assert level_for(share) == level


def test_below_80_percent_nothing_happens(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_due(now=AT_79)

    assert report.checked == 1
    assert report.warned == []
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 0
    assert mail.outbox == []
    assert not TicketEvent.objects.filter(kind=EventKind.ESCALATION).exists()


def test_at_80_percent_the_assignee_and_area_officers_are_told_once(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)

    with django_capture_on_commit_callbacks(execute=True):
        first = escalate_due(now=AT_80)
    with django_capture_on_commit_callbacks(execute=True):
        second = escalate_due(now=AT_80)

    assert first.warned == [ticket.reference]
    assert second.warned == []
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 1
    assert sent(mail.outbox) == [
        "district-cfm@example.org",
        "handler@example.org",
        "province-cfm@example.org",
    ]
    event = TicketEvent.objects.get(kind=EventKind.ESCALATION)
    assert (event.ticket_id, event.level, event.at, event.actor) == (ticket.pk, 1, AT_80, None)
    audit = AuditEvent.objects.filter(object_id=str(ticket.pk), changes__escalation_level__isnull=False).get()
    assert audit.changes == {"escalation_level": [0, 1]}
    assert audit.metadata["step"] == Step.RESPOND
    assert audit.actor_id is None


def test_breach_tells_admins_and_province_officers_not_district_ones(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_due(now=AT_80)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_due(now=BREACHED)

    assert report.breached == [ticket.reference]
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 2
    assert sent(mail.outbox) == ["admin@example.org", "province-cfm@example.org"]
    assert list(TicketEvent.objects.filter(kind=EventKind.ESCALATION).values_list("level", flat=True)) == [1, 2]


def test_a_ticket_found_past_due_goes_to_both_levels_at_once(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_due(now=BREACHED)

    assert report.breached == [ticket.reference]
    assert report.warned == []
    assert sent(mail.outbox) == [
        "admin@example.org",
        "district-cfm@example.org",
        "handler@example.org",
        "province-cfm@example.org",
    ]
    assert list(TicketEvent.objects.filter(kind=EventKind.ESCALATION).values_list("level", flat=True)) == [2]


def test_message_names_reference_step_and_due_time_only(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)

    with django_capture_on_commit_callbacks(execute=True):
        escalate_due(now=BREACHED)

    message = mail.outbox[0]
    assert message.subject == "Panah: a feedback ticket is overdue"
    assert message.body.splitlines()[0] == (
        f"Ticket {ticket.reference} is past its due time for the step “Response” (due 2025-03-17 09:00)."
    )
    assert "water point" not in message.body
    assert "0300" not in message.body


def test_sealed_ticket_escalates_to_psea_focal_points_only(people, django_capture_on_commit_callbacks):
    # Sealed at intake: the 24-hour clock runs from the receipt, not from when it was typed in.
    ticket = submit(people["handler"], screening=Screening.YES, received_at=RECEIVED).ticket
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_due(now=BREACHED)

    assert report.breached == [ticket.reference]
    assert sent(mail.outbox) == ["psea@example.org"]
    assert mail.outbox[0].subject == "Panah: a feedback ticket is overdue"


def test_new_step_starts_again_at_level_zero(people, django_capture_on_commit_callbacks):
    ticket = complaint(people)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_due(now=BREACHED)

    workflow.ticket_respond(actor=people["handler"], ticket=ticket, response="The water point was repaired.")

    ticket.refresh_from_db()
    assert (ticket.sla_step, ticket.escalation_level) == (Step.CLOSE_LOOP, 0)


def test_closed_clock_is_not_looked_at(people):
    ticket = complaint(people)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=None, sla_step="", sla_started_at=None)

    report = escalate_due(now=BREACHED)

    assert report.checked == 0


def test_command_reports_what_it_did(people, django_capture_on_commit_callbacks):
    complaint(people)
    Ticket.objects.update(sla_started_at=RECEIVED.replace(year=2020))
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("feedback_escalate", stdout=out)

    assert out.getvalue() == "Checked 1 running clocks: 0 at 80%, 1 overdue.\n"
    assert Ticket.objects.get().escalation_level == 2


def test_task_runs_the_same_escalation(people):
    ticket = complaint(people)
    Ticket.objects.update(sla_started_at=RECEIVED.replace(year=2020))

    result = escalate_overdue.enqueue()

    assert result.return_value == {"checked": 1, "warned": [], "breached": [ticket.reference]}


def test_a_target_changed_in_the_settings_does_not_move_a_running_clock(people, django_capture_on_commit_callbacks):
    from panah.feedback.models import Category, SlaTarget

    ticket = complaint(people)
    # An administrator shortens complaint responses to one elapsed hour after this ticket's clock started.
    SlaTarget.objects.create(category=Category.objects.get(code="complaint"), step=Step.RESPOND, hours=1,
                             working_time=False)  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_due(now=AT_79)

    assert report.warned == []
    assert report.breached == []
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 0

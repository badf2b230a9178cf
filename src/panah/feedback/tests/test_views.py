"""The team's ticket pages: the list, the overdue view, the ticket page and each handling step posted from it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from panah.feedback import workflow
from panah.feedback.choices import Closure, EventKind, Screening, Status
from panah.feedback.models import Category, Ticket, TicketEvent
from panah.feedback.tests.factories import SINDH_DISTRICT, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("cfm", "PK5", username="cfm-kp")


def url(ticket: Ticket, step: str = "") -> str:
    return f"/cfm/tickets/{ticket.reference}/" + (f"{step}/" if step else "")


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def triaged(officer: Any, code: str = "complaint", **overrides: Any) -> Ticket:
    ticket = submit(officer, **overrides).ticket
    return workflow.ticket_triage(actor=officer, ticket=ticket, category=Category.objects.get(code=code))


def in_progress(officer: Any, **overrides: Any) -> Ticket:
    return workflow.ticket_start(actor=officer, ticket=triaged(officer, **overrides))


def responded(officer: Any, **overrides: Any) -> Ticket:
    return workflow.ticket_respond(actor=officer, ticket=in_progress(officer, **overrides), response="Repaired.")


# Who reaches the pages


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get("/cfm/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/cfm/", "/cfm/overdue/"])
def test_a_role_that_does_not_handle_feedback_finds_no_page(make_user: Any, login: Any, path: str) -> None:
    client = login(make_user("enumerator"))

    assert client.get(path).status_code == 404


def test_list_shows_tickets_in_the_officers_areas_without_descriptions(officer: Any, login: Any) -> None:
    mine = submit(officer).ticket
    elsewhere = submit(None, area=SINDH_DISTRICT).ticket

    response = login(officer).get("/cfm/")

    body = response.content.decode()
    assert response.status_code == 200
    assert mine.reference in body
    assert elsewhere.reference not in body
    assert "dry for four days" not in body


def test_list_filters_by_status_and_reference(officer: Any, login: Any) -> None:
    new = submit(officer).ticket
    started = in_progress(officer)
    client = login(officer)

    by_status = client.get("/cfm/", {"status": "in-progress"}).content.decode()
    by_reference = client.get("/cfm/", {"q": new.reference.lower()}).content.decode()

    assert started.reference in by_status
    assert new.reference not in by_status
    assert new.reference in by_reference
    assert started.reference not in by_reference


def test_a_filter_value_that_is_not_a_choice_is_a_422_not_a_500(officer: Any, login: Any) -> None:
    response = login(officer).get("/cfm/", {"status": "<script>", "channel": "pigeon"})

    assert response.status_code == 422
    assert b"&lt;script&gt;" in response.content


def test_overdue_lists_tickets_past_due_most_overdue_first(officer: Any, login: Any) -> None:
    late = submit(officer).ticket
    later = submit(officer).ticket
    on_time = submit(officer).ticket
    now = timezone.now()
    Ticket.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2))
    Ticket.objects.filter(pk=later.pk).update(due_at=now - timedelta(days=3))

    body = login(officer).get("/cfm/overdue/").content.decode()

    assert body.index(later.reference) < body.index(late.reference)
    assert on_time.reference not in body


def test_out_of_area_ticket_is_not_found(make_user: Any, login: Any) -> None:
    ticket = submit(None, area=SINDH_DISTRICT).ticket
    client = login(make_user("cfm", "PK5"))

    assert client.get(url(ticket)).status_code == 404
    assert client.post(url(ticket, "start")).status_code == 404
    assert fresh(ticket).status == Status.NEW


def test_auditor_reads_the_ticket_but_gets_no_step_and_cannot_post_one(make_user: Any, login: Any) -> None:
    ticket = submit(None).ticket
    client = login(make_user("auditor"))

    page = client.get(url(ticket))
    posted = client.post(url(ticket, "start"))

    assert page.status_code == 200
    assert b"dry for four days" in page.content
    assert b'id="contact"' not in page.content
    assert b'data-step="start"' not in page.content
    assert posted.status_code == 404
    assert fresh(ticket).status == Status.NEW


@pytest.mark.parametrize("role", ["cfm", "admin"])
def test_sealed_ticket_page_is_not_found_for_the_team_and_the_administrator(
    make_user: Any, login: Any, role: str
) -> None:
    user = make_user(role)
    ticket = submit(user, screening=Screening.YES).ticket
    client = login(user)

    assert client.get(url(ticket)).status_code == 404
    assert client.get(f"/cfm/sealed/{ticket.reference}/").status_code == 404
    assert ticket.reference not in client.get("/cfm/").content.decode()


def test_a_step_by_get_is_refused(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    assert login(officer).get(url(ticket, "start")).status_code == 405


# The page and its steps


def test_handler_sees_description_contact_consent_and_the_steps_for_a_new_ticket(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    body = login(officer).get(url(ticket)).content.decode()

    assert "dry for four days" in body
    assert "03001234567" in body
    assert 'data-step="triage"' in body
    assert 'data-step="seal"' in body
    assert 'data-step="respond"' not in body


def test_triage_sets_the_category(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    response = login(officer).post(url(ticket, "triage"), {"triage-category": "complaint"})

    assert response.status_code == 302
    assert fresh(ticket).category.code == "complaint"
    assert fresh(ticket).status == Status.TRIAGED


def test_triage_without_a_category_is_422_next_to_the_field_and_changes_nothing(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    response = login(officer).post(url(ticket, "triage"), {"triage-category": ""})

    assert response.status_code == 422
    assert b'data-field="triage-category"' in response.content
    assert fresh(ticket).status == Status.NEW
    assert fresh(ticket).category is None


def test_triage_into_a_sensitive_category_seals_and_leaves_the_officers_view(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket
    client = login(officer)

    response = client.post(url(ticket, "triage"), {"triage-category": "sea"}, follow=True)

    assert response.redirect_chain[-1][0] == "/cfm/"
    assert "was handed to the PSEA focal point" in response.content.decode()
    assert fresh(ticket).sealed
    assert client.get(url(ticket)).status_code == 404


def test_a_step_at_the_wrong_time_is_409_with_its_message_and_changes_nothing(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    response = login(officer).post(url(ticket, "respond"), {"respond-response": "Fixed."})

    assert response.status_code == 409
    assert "Not possible while the ticket is Received." in response.content.decode()
    assert fresh(ticket).status == Status.NEW
    assert fresh(ticket).response == ""


def test_start_hold_and_respond(officer: Any, login: Any) -> None:
    ticket = triaged(officer)
    client = login(officer)

    client.post(url(ticket, "start"))
    client.post(url(ticket, "hold"), {"hold-reason": "Waiting for the water team."})
    client.post(url(ticket, "start"))
    response = client.post(url(ticket, "respond"), {"respond-response": "The pump was repaired."})

    assert response.status_code == 302
    assert fresh(ticket).status == Status.RESPONDED
    assert fresh(ticket).response == "The pump was repaired."
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TRANSITION)
    kinds = list(events.values_list("to_status", flat=True))
    assert kinds[-4:] == [Status.IN_PROGRESS, Status.ON_HOLD, Status.IN_PROGRESS, Status.RESPONDED]


def test_assign_offers_only_officers_over_the_area_and_assigns(officer: Any, make_user: Any, login: Any) -> None:
    colleague = make_user("cfm", "PK506", username="cfm-charsadda")
    sindh = make_user("cfm", "PK7", username="cfm-sindh")
    ticket = triaged(officer)
    client = login(officer)

    page = client.get(url(ticket)).content.decode()
    refused = client.post(url(ticket, "assign"), {"assign-assignee": sindh.pk})
    response = client.post(url(ticket, "assign"), {"assign-assignee": colleague.pk})

    assert "cfm-charsadda" in page
    assert "cfm-sindh" not in page
    assert refused.status_code == 422
    assert response.status_code == 302
    assert fresh(ticket).assigned_to == colleague


def test_about_staff_response_waits_for_a_second_person(officer: Any, make_user: Any, login: Any) -> None:
    second = make_user("cfm", "PK5", username="cfm-second")
    ticket = workflow.ticket_start(
        actor=officer,
        ticket=workflow.ticket_triage(
            actor=officer,
            ticket=submit(officer).ticket,
            category=Category.objects.get(code="complaint"),
            about_staff=True,
        ),
    )
    client = login(officer)
    client.post(url(ticket, "respond"), {"respond-response": "The guard was spoken to."})

    page = client.get(url(ticket)).content.decode()
    own = client.post(url(ticket, "approve"))
    approved_by_self = fresh(ticket).status
    other = login(second).post(url(ticket, "approve"))

    assert "You drafted this response: someone else must approve it" in page
    assert own.status_code == 403
    assert "Someone other than the author must approve this response." in own.content.decode()
    assert approved_by_self == Status.FOR_APPROVAL
    assert other.status_code == 302
    assert fresh(ticket).status == Status.RESPONDED
    assert fresh(ticket).approved_by == second


def test_send_back_returns_the_draft_to_handling(officer: Any, make_user: Any, login: Any) -> None:
    ticket = in_progress(officer)
    Ticket.objects.filter(pk=ticket.pk).update(about_staff=True)
    workflow.ticket_respond(actor=officer, ticket=fresh(ticket), response="Draft.")

    response = login(make_user("cfm", "PK5")).post(url(ticket, "send_back"), {"send_back-reason": "Too vague."})

    assert response.status_code == 302
    assert fresh(ticket).status == Status.IN_PROGRESS


def test_refer_needs_consent(officer: Any, login: Any) -> None:
    without = triaged(officer)
    with_consent = triaged(officer, consent_referral=True)
    client = login(officer)

    page = client.get(url(without)).content.decode()
    refused = client.post(url(without, "refer"), {"refer-referred_to": "UNHCR"})
    done = client.post(url(with_consent, "refer"), {"refer-referred_to": "UNHCR"})

    assert 'id="no-referral"' in page
    assert refused.status_code == 422
    assert "Consent to referral is needed." in refused.content.decode()
    assert fresh(without).status == Status.TRIAGED
    assert done.status_code == 302
    assert fresh(with_consent).status == Status.REFERRED
    assert fresh(with_consent).referred_to == "UNHCR"


def test_three_failed_contact_attempts_close_as_unreachable(officer: Any, login: Any) -> None:
    ticket = responded(officer)
    client = login(officer)

    client.post(url(ticket, "contact"), {"contact-succeeded": "no", "contact-note": "No answer."})
    page = client.get(url(ticket)).content.decode()
    client.post(url(ticket, "contact"), {"contact-succeeded": "no"})
    third = client.post(url(ticket, "contact"), {"contact-succeeded": "no"}, follow=True)

    assert "1 of 3" in page
    assert "the loop was closed as unreachable" in third.content.decode()
    assert fresh(ticket).status == Status.CLOSED
    assert fresh(ticket).closure == Closure.UNREACHABLE


def test_close_the_loop_and_reopen(officer: Any, login: Any) -> None:
    ticket = responded(officer)
    client = login(officer)

    closed = client.post(url(ticket, "close"), {"close-closure": "informed", "close-satisfied": "yes"})
    state = fresh(ticket)
    reopened = client.post(url(ticket, "reopen"), {"reopen-reason": "The pump broke again."})

    assert closed.status_code == 302
    assert (state.status, state.closure, state.satisfied) == (Status.CLOSED, Closure.INFORMED, True)
    assert reopened.status_code == 302
    assert fresh(ticket).status == Status.IN_PROGRESS
    assert fresh(ticket).reopen_count == 1


def test_close_without_choosing_how_is_422_and_changes_nothing(officer: Any, login: Any) -> None:
    ticket = responded(officer)

    response = login(officer).post(url(ticket, "close"), {"close-closure": "unreachable"})

    assert response.status_code == 422
    assert b'data-field="close-closure"' in response.content
    assert fresh(ticket).status == Status.RESPONDED


def test_note_is_added_to_the_history(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket
    client = login(officer)

    client.post(url(ticket, "note"), {"note-text": "Called the camp office."})
    empty = client.post(url(ticket, "note"), {"note-text": "   "})

    assert "Called the camp office." in client.get(url(ticket)).content.decode()
    assert empty.status_code == 422
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).count() == 1


def test_seal_hands_the_ticket_over_and_it_leaves_the_list(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket
    client = login(officer)

    response = client.post(url(ticket, "seal"), {"seal-reason": "Mentions a distribution guard."}, follow=True)

    assert response.redirect_chain[-1][0] == "/cfm/"
    assert f"{ticket.reference} was handed to the PSEA focal point" in response.content.decode()
    assert fresh(ticket).sealed
    assert fresh(ticket).description == ""
    assert f'data-ticket="{ticket.reference}"' not in response.content.decode()


def test_the_page_shows_the_tickets_audit_history(officer: Any, login: Any) -> None:
    ticket = submit(officer).ticket

    body = login(officer).get(url(ticket)).content.decode()

    assert 'id="audit"' in body
    assert "create" in body
    assert "read" in body


def test_nav_shows_feedback_with_a_badge_of_work_waiting(officer: Any, login: Any) -> None:
    submit(officer)
    submit(officer)
    submit(None, area=SINDH_DISTRICT)

    body = login(officer).get("/cfm/").content.decode()

    assert 'data-nav="feedback"' in body
    assert 'data-nav="record_feedback"' not in body
    assert 'data-nav="sealed"' not in body
    assert '<span class="badge badge-warn" data-badge>2</span>' in body

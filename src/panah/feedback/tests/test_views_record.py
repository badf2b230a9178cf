"""Recording pages: the channel forms with the screening question, the box opening (all or nothing), the community
meeting, and a dispute of a registry merge."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from panah.core.models import AuditEvent
from panah.feedback.choices import Channel, Status
from panah.feedback.models import BoxOpening, CommunityMeeting, Ticket
from panah.registry import merges, services
from panah.registry.models import MergeReason
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db

FORM = {
    "idempotency_key": "k" * 24,
    "screening": "no",
    "area": "PK506",
    "language": "ur",
    "description": "No soap in the last two distributions.",
    "contact_method": "phone",
    "contact_detail": "0300 1234567",
    "consent_contact": "on",
}


@pytest.fixture
def enumerator(make_user: Any) -> Any:
    return make_user("enumerator", "PK5", username="enum-kp")


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    assert client.get("/cfm/record/hotline/").status_code == 302


def test_landing_shows_a_card_per_channel_the_user_may_use(enumerator: Any, make_user: Any, login: Any) -> None:
    enumerators_page = login(enumerator).get("/cfm/record/").content.decode()
    officers_page = login(make_user("cfm")).get("/cfm/record/").content.decode()

    assert 'id="card-hotline"' in enumerators_page
    assert 'id="card-box"' not in enumerators_page
    assert 'data-nav="record_feedback"' in enumerators_page
    assert 'id="card-box"' in officers_page
    assert 'id="card-meeting"' in officers_page


def test_hotline_form_asks_the_screening_question(enumerator: Any, login: Any) -> None:
    body = login(enumerator).get("/cfm/record/hotline/").content.decode()

    assert "harassment, fraud or misconduct by aid workers" in body
    assert 'name="idempotency_key"' in body


def test_hotline_call_is_recorded_and_the_reference_and_pin_read_out(enumerator: Any, login: Any) -> None:
    response = login(enumerator).post("/cfm/record/hotline/", FORM)

    ticket = Ticket.objects.get()
    body = response.content.decode()
    assert response.status_code == 201
    assert ticket.channel == Channel.HOTLINE
    assert ticket.created_by == enumerator
    assert ticket.contact_detail == "03001234567"
    assert ticket.reference in body
    assert "Read these out to the person" in body
    assert 'id="pin"' in body
    assert 'id="open-ticket"' not in body


def test_a_double_submit_stores_once_and_shows_the_pin_only_the_first_time(enumerator: Any, login: Any) -> None:
    client = login(enumerator)

    first = client.post("/cfm/record/hotline/", FORM)
    second = client.post("/cfm/record/hotline/", FORM)

    assert Ticket.objects.count() == 1
    assert first.status_code == 201
    assert second.status_code == 200
    assert "Already recorded" in second.content.decode()
    assert 'id="pin"' not in second.content.decode()


def test_bad_input_is_422_with_each_error_next_to_its_field_and_nothing_stored(enumerator: Any, login: Any) -> None:
    bad = {**FORM, "description": "x" * 4001, "contact_detail": "call me", "consent_contact": ""}

    response = login(enumerator).post("/cfm/record/hotline/", bad)

    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="description"' in body
    assert 'data-field="contact_detail"' in body
    assert 'data-field="consent_contact"' in body
    assert Ticket.objects.count() == 0


def test_script_in_the_description_is_stored_as_text_and_never_run(make_user: Any, login: Any) -> None:
    officer = make_user("cfm")
    client = login(officer)

    client.post("/cfm/record/staff/", {**FORM, "description": "<script>alert(1)</script>"})
    page = client.get(f"/cfm/tickets/{Ticket.objects.get().reference}/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_screening_yes_seals_at_intake_and_says_only_handed_over(
    enumerator: Any, make_user: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("psea", "PK5", username="psea-kp").__class__.objects.filter(username="psea-kp").update(
        email="psea@example.org"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = login(enumerator).post("/cfm/record/desk/", {**FORM, "screening": "yes"})

    ticket = Ticket.objects.get()
    body = response.content.decode()
    assert ticket.sealed
    assert ticket.status == Status.SEALED
    assert "Handed to the PSEA focal point" in body
    assert ticket.reference in body
    assert 'id="pin"' in body
    assert "No soap" not in body
    assert 'id="open-ticket"' not in body
    assert [m.to for m in mail.outbox] == [["psea@example.org"]]


def test_referral_needs_the_referring_agency(enumerator: Any, login: Any) -> None:
    client = login(enumerator)

    missing = client.post("/cfm/record/referral/", FORM)
    given = client.post("/cfm/record/referral/", {**FORM, "referring_agency": "UNHCR protection desk"})

    assert missing.status_code == 422
    assert b'data-field="referring_agency"' in missing.content
    assert given.status_code == 201
    assert Ticket.objects.get().referring_agency == "UNHCR protection desk"


def test_unknown_channel_page_is_not_found(enumerator: Any, login: Any) -> None:
    assert login(enumerator).get("/cfm/record/pigeon/").status_code == 404


def test_site_options_follow_the_district(enumerator: Any, login: Any) -> None:
    response = login(enumerator).get("/cfm/record/sites/", {"area": "PK506"})

    assert response.status_code == 200
    assert b'<option value="">' in response.content


# Complaint boxes

BOX = {
    "area": "PK506",
    "box_label": "Box 3, Camp gate",
    "opened_at": "2026-01-10T10:00",
    "witness": "Site manager",
    "notes-TOTAL_FORMS": "3",
    "notes-INITIAL_FORMS": "0",
    "notes-MIN_NUM_FORMS": "1",
    "notes-MAX_NUM_FORMS": "60",
    "notes-0-description": "The queue is too long.",
    "notes-0-language": "ur",
    "notes-0-screening": "no",
    "notes-1-description": "Thank you for the blankets.",
    "notes-1-language": "ps",
    "notes-1-screening": "no",
    "notes-2-description": "Please call me about my card.",
    "notes-2-language": "ur",
    "notes-2-screening": "no",
    "notes-2-contact_detail": "03331234567",
}


def test_box_opening_records_one_ticket_per_note(make_user: Any, login: Any) -> None:
    officer = make_user("cfm")

    response = login(officer).post("/cfm/record/box/", BOX, follow=True)

    box = BoxOpening.objects.get()
    tickets = Ticket.objects.filter(box_opening=box).order_by("pk")
    assert "Box opening recorded with 3 notes." in response.content.decode()
    assert box.notes_found == 3
    assert [t.channel for t in tickets] == [Channel.BOX] * 3
    assert [t.contact_method for t in tickets] == ["none", "none", "phone"]


def test_one_bad_note_stores_nothing_and_names_the_note(make_user: Any, login: Any) -> None:
    bad = {**BOX, "notes-1-description": "x" * 4001, "notes-2-contact_detail": "call me"}

    response = login(make_user("cfm")).post("/cfm/record/box/", bad)

    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="notes-1-description"' in body
    assert 'data-field="notes-2-contact_detail"' in body
    assert 'data-field="notes-0-description"' not in body
    assert BoxOpening.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_add_another_note_keeps_what_was_typed_and_stores_nothing(make_user: Any, login: Any) -> None:
    response = login(make_user("cfm")).post("/cfm/record/box/", {**BOX, "add_note": "1"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="note-4"' in body
    assert "Thank you for the blankets." in body
    assert 'class="errorlist"' not in body
    assert BoxOpening.objects.count() == 0


def test_box_opening_is_not_for_an_enumerator(enumerator: Any, login: Any) -> None:
    response = login(enumerator).post("/cfm/record/box/", BOX)

    assert response.status_code == 404
    assert BoxOpening.objects.count() == 0


# Community meetings

MEETING = {
    "area": "PK506",
    "held_on": "2026-01-12",
    "women": "14",
    "men": "9",
    "girls": "3",
    "boys": "0",
    "issue_info": "4",
    "issue_complaint": "2",
    "summary": "Water timings and the distribution queue.",
    "action_taken": "Timings posted at the gate.",
}


def test_meeting_is_recorded_as_counts_with_its_audit_event(make_user: Any, login: Any) -> None:
    officer = make_user("cfm")

    response = login(officer).post("/cfm/record/meeting/", MEETING, follow=True)

    meeting = CommunityMeeting.objects.get()
    event = AuditEvent.objects.get(object_type="feedback.communitymeeting")
    assert "Meeting of 2026-01-12 recorded: 26 participants." in response.content.decode()
    assert meeting.issues == {"info": 4, "complaint": 2}
    assert (meeting.women, meeting.men, meeting.girls, meeting.boys) == (14, 9, 3, 0)
    assert event.actor_id == officer.pk
    assert event.metadata["participants"] == 26


def test_meeting_offers_no_sensitive_category(make_user: Any, login: Any) -> None:
    body = login(make_user("cfm")).get("/cfm/record/meeting/").content.decode()

    assert 'name="issue_complaint"' in body
    assert 'name="issue_sea"' not in body


def test_meeting_without_participants_is_422_and_stores_nothing(make_user: Any, login: Any) -> None:
    empty = {**MEETING, "women": "0", "men": "0", "girls": "0"}

    response = login(make_user("cfm")).post("/cfm/record/meeting/", empty)

    assert response.status_code == 422
    assert b'data-field="women"' in response.content
    assert CommunityMeeting.objects.count() == 0


def test_meeting_outside_the_officers_areas_is_refused(make_user: Any, login: Any) -> None:
    response = login(make_user("cfm", "PK5")).post("/cfm/record/meeting/", {**MEETING, "area": "PK715"})

    assert response.status_code == 422
    assert CommunityMeeting.objects.count() == 0


# Disputes of a deduplication decision


def test_dispute_is_a_system_complaint_about_the_merge(make_user: Any, login: Any) -> None:
    officer = make_user("cfm")
    client = login(officer)

    page = client.get("/cfm/record/dispute/", {"merge": "42"})
    response = client.post("/cfm/record/dispute/", {**FORM, "merge": "42"})

    ticket = Ticket.objects.get()
    assert b'value="42"' in page.content
    assert response.status_code == 201
    assert (ticket.channel, ticket.origin, ticket.origin_ref) == (Channel.SYSTEM, "registry.merge", "42")
    assert ticket.category.code == "complaint"
    assert ticket.status == Status.TRIAGED


def test_dispute_with_a_malformed_merge_is_422(make_user: Any, login: Any) -> None:
    client = login(make_user("cfm"))

    page = client.get("/cfm/record/dispute/", {"merge": "1; drop table"})
    response = client.post("/cfm/record/dispute/", {**FORM, "merge": "abc"})

    assert page.status_code == 200
    assert response.status_code == 422
    assert Ticket.objects.count() == 0


def test_person_page_links_a_dispute_prefilled_with_the_merge_and_district(make_user: Any, login: Any) -> None:
    officer = make_user(["registration", "cfm"], "PK5")
    first = services.household_register(actor=officer, data=household()).household
    second = services.household_register(
        actor=officer, data=household(phones=[], members=[member(given_name="Mohd Yusuf")])
    ).household
    merge = merges.person_merge(
        actor=officer,
        first=first.members.get(line_number=1).person,
        second=second.members.get().person,
        reason=MergeReason.ADJUDICATED,
    )
    client = login(officer)

    person = client.get(f"/registry/people/{merge.survivor.registry_id}/").content.decode()
    form = client.get("/cfm/record/dispute/", {"merge": str(merge.pk)}).content.decode()

    district = first.area.parent.pcode
    assert f'href="/cfm/record/dispute/?merge={merge.pk}"' in person
    assert f'name="merge" value="{merge.pk}"' in form
    assert f'<option value="{district}" selected>' in form

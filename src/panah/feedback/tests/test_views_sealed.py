"""The PSEA focal point's pages: the sealed list and report, their steps, and nobody else getting in."""

from __future__ import annotations

from typing import Any

import pytest

from panah.core.models import AuditEvent
from panah.feedback import psea, sealing
from panah.feedback.choices import Screening, Status
from panah.feedback.models import Category, Ticket
from panah.feedback.tests.factories import SINDH_DISTRICT, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_point(make_user: Any) -> Any:
    return make_user("psea", "PK5", username="psea-kp")


@pytest.fixture
def sealed(make_user: Any) -> Ticket:
    return submit(
        make_user("enumerator", "PK5"),
        screening=Screening.YES,
        description="A distribution guard asked for a favour.",
        safe_contact_notes="Only mornings.",
        consent_referral=True,
    ).ticket


def url(ticket: Ticket, step: str = "") -> str:
    return f"/cfm/sealed/{ticket.reference}/" + (f"{step}/" if step else "")


def payload(ticket: Ticket, actor: Any) -> dict[str, Any]:
    return sealing.open_sealed(Ticket.objects.get(pk=ticket.pk).sealed_payload, actor=actor)


@pytest.mark.parametrize("role", ["cfm", "admin", "auditor", "dpo", "enumerator"])
def test_nobody_but_the_focal_point_reaches_the_sealed_pages(
    make_user: Any, login: Any, sealed: Ticket, role: str
) -> None:
    client = login(make_user(role))

    assert client.get("/cfm/sealed/").status_code == 404
    assert client.get(url(sealed)).status_code == 404
    assert client.post(url(sealed, "note"), {"note-text": "x"}).status_code == 404
    assert 'data-nav="sealed"' not in client.get("/cfm/record/").content.decode()


def test_the_recorder_cannot_reach_what_they_recorded(login: Any, sealed: Ticket) -> None:
    client = login(sealed.created_by)

    assert client.get(f"/cfm/tickets/{sealed.reference}/").status_code == 404
    assert client.get(url(sealed)).status_code == 404


def test_focal_point_outside_the_area_finds_nothing(make_user: Any, login: Any, sealed: Ticket) -> None:
    client = login(make_user("psea", "PK7"))

    assert sealed.reference not in client.get("/cfm/sealed/").content.decode()
    assert client.get(url(sealed)).status_code == 404


def test_focal_point_lists_and_opens_the_report_and_both_are_audited(
    focal_point: Any, login: Any, sealed: Ticket
) -> None:
    client = login(focal_point)

    listing = client.get("/cfm/sealed/").content.decode()
    page = client.get(url(sealed)).content.decode()

    assert 'data-nav="sealed"' in listing
    assert sealed.reference in listing
    assert "A distribution guard asked for a favour." in page
    assert "Only mornings." in page
    assert "Investigation is not done here" in page
    assert AuditEvent.objects.filter(actor_id=focal_point.pk, action="read", object_type="feedback.sealed").exists()
    assert AuditEvent.objects.filter(actor_id=focal_point.pk, action="read", object_id=str(sealed.pk)).exists()


def test_the_team_page_of_a_sealed_ticket_sends_the_focal_point_to_the_sealed_page(
    focal_point: Any, login: Any, sealed: Ticket
) -> None:
    response = login(focal_point).get(f"/cfm/tickets/{sealed.reference}/")

    assert response.status_code == 302
    assert response["Location"] == url(sealed)


def test_record_the_oversight_report_then_close(focal_point: Any, login: Any, sealed: Ticket) -> None:
    client = login(focal_point)

    reported = client.post(url(sealed, "oversight"), {"oversight-office": "oio", "oversight-reference": "WAAI-2026-17"})
    closed = client.post(
        url(sealed, "close"), {"close-note": "OIO has it.", "close-public_note": "Your report was passed on."}
    )

    ticket = Ticket.objects.get(pk=sealed.pk)
    assert reported.status_code == 302
    assert closed.status_code == 302
    assert ticket.status == Status.SEALED_CLOSED
    assert ticket.public_note == "Your report was passed on."
    assert payload(sealed, focal_point)["oversight"][0]["reference"] == "WAAI-2026-17"


def test_closing_before_reporting_is_409_and_changes_nothing(focal_point: Any, login: Any, sealed: Ticket) -> None:
    response = login(focal_point).post(url(sealed, "close"), {"close-note": "Done."})

    assert response.status_code == 409
    assert "Not possible at this stage." in response.content.decode()
    assert Ticket.objects.get(pk=sealed.pk).status == Status.SEALED


def test_oversight_report_without_a_reference_is_422(focal_point: Any, login: Any, sealed: Ticket) -> None:
    response = login(focal_point).post(url(sealed, "oversight"), {"oversight-office": "oio", "oversight-reference": ""})

    assert response.status_code == 422
    assert b'data-field="oversight-reference"' in response.content
    assert "oversight" not in payload(sealed, focal_point)


def test_survivor_referral_with_consent(focal_point: Any, login: Any, sealed: Ticket) -> None:
    response = login(focal_point).post(
        url(sealed, "survivor"), {"survivor-service": "GBV case management", "survivor-case_reference": "GBV-88"}
    )

    assert response.status_code == 302
    assert payload(sealed, focal_point)["referrals"][0]["case_reference"] == "GBV-88"


def test_survivor_referral_without_consent_is_refused(focal_point: Any, make_user: Any, login: Any) -> None:
    ticket = submit(make_user("enumerator", "PK5"), screening=Screening.YES).ticket
    client = login(focal_point)

    page = client.get(url(ticket)).content.decode()
    response = client.post(url(ticket, "survivor"), {"survivor-service": "GBV case management"})

    assert 'id="no-referral"' in page
    assert response.status_code == 422
    assert "referrals" not in payload(ticket, focal_point)


def test_note_is_sealed_and_shown_to_the_focal_point(focal_point: Any, login: Any, sealed: Ticket) -> None:
    client = login(focal_point)

    client.post(url(sealed, "note"), {"note-text": "Called back; she is safe."})

    event = sealed.events.get(kind="note")
    assert event.text == ""
    assert event.sealed_text.startswith("psea1:")
    assert "Called back; she is safe." in client.get(url(sealed)).content.decode()


def test_release_to_the_team_in_a_non_sensitive_category(
    focal_point: Any, make_user: Any, login: Any, sealed: Ticket
) -> None:
    response = login(focal_point).post(
        url(sealed, "release"), {"release-category": "complaint", "release-reason": "About queue order, not abuse."}
    )

    ticket = Ticket.objects.get(pk=sealed.pk)
    assert response.status_code == 302
    assert response["Location"] == "/cfm/sealed/"
    assert not ticket.sealed
    assert ticket.status == Status.TRIAGED
    assert ticket.description == "A distribution guard asked for a favour."


def test_release_into_a_sensitive_category_is_not_offered(focal_point: Any, login: Any, sealed: Ticket) -> None:
    response = login(focal_point).post(url(sealed, "release"), {"release-category": "sea", "release-reason": "x"})

    assert response.status_code == 422
    assert Ticket.objects.get(pk=sealed.pk).sealed


def test_a_released_ticket_is_no_longer_on_the_sealed_page(focal_point: Any, login: Any, sealed: Ticket) -> None:
    psea.sealed_release(actor=focal_point, ticket=sealed, category=Category.objects.get(code="info"), reason="No.")

    assert login(focal_point).get(url(sealed)).status_code == 404


def test_sealed_list_is_only_the_focal_points_areas(focal_point: Any, make_user: Any, login: Any) -> None:
    sindh = submit(make_user("enumerator"), screening=Screening.YES, area=SINDH_DISTRICT).ticket

    assert sindh.reference not in login(focal_point).get("/cfm/sealed/").content.decode()


def test_the_report_page_names_the_category_and_shows_times_like_the_rest(
    login: Any, focal_point: Any, sealed: Ticket
) -> None:
    from django.utils import timezone

    Ticket.objects.filter(pk=sealed.pk).update(category=Category.objects.get(code="sea"))
    psea.sealed_record_oversight(actor=focal_point, ticket=sealed, office="oio", reference="WAAI-2026-0042")
    reported_at = timezone.localtime(timezone.now()).strftime("%Y-%m-%d")

    html = login(focal_point).get(url(sealed)).content.decode()

    oversight = html.split('id="oversight"')[1].split("</section>")[0]
    assert "Sexual exploitation or abuse" in html
    assert reported_at in oversight
    assert "T" not in oversight.split('class="date">')[1].split("<")[0]
    assert "WAAI-2026-0042" in oversight

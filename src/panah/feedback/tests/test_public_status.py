"""The public status page: the stage in plain words for the right reference and PIN, one answer for anything else,
and guessing stopped per ticket and per network address."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panah.core.models import AuditEvent
from panah.feedback.choices import Screening, Status
from panah.feedback.models import Category, RateCounter, Ticket
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

STATUS = reverse("feedback_public:status")
NO_MATCH = "We could not find a report with this reference and PIN."


def check(client: Client, reference: str, pin: str, **extra: Any) -> Any:
    return client.post(STATUS, {"reference": reference, "pin": pin}, **extra)


def stage_of(html: str) -> str:
    found = re.search(r'id="stage" data-stage="([a-z]+)">(.*?)</p>', html)
    return f"{found.group(1)}: {found.group(2)}" if found else ""


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def wrong(pin: str) -> str:
    return "000000" if pin != "000000" else "111111"


def test_right_reference_and_pin_show_the_stage_and_next_date(client: Client) -> None:
    submitted = submit(None)
    ticket = submitted.ticket

    response = check(client, ticket.reference, submitted.pin)

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert stage_of(html) == "received: Received. It will be looked at soon."
    assert f"Next step expected by {timezone.localdate(ticket.due_at):%Y-%m-%d}." in html
    assert "block C" not in html
    event = AuditEvent.objects.get(object_type="feedback.ticket", object_id=str(ticket.pk), action="read")
    assert event.metadata == {"via": "public status page"}
    assert event.client_ip == ""


@pytest.mark.parametrize("typed", ["fb 10k2 m9qx", "FB-1OK2M9QX", "10K2M9QX", "FB-L0K2M9QX", "fb-i0k2-m9qx"])
def test_reference_is_found_however_it_is_typed(client: Client, typed: str) -> None:
    submitted = submit(None)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(reference="FB-10K2M9QX")

    response = check(client, typed, submitted.pin)

    assert stage_of(response.content.decode()).startswith("received:")


def test_reference_whose_own_characters_begin_with_fb_is_found_without_the_prefix(client: Client) -> None:
    submitted = submit(None)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(reference="FB-FB12CD34")

    response = check(client, "fb12cd34", submitted.pin)

    assert stage_of(response.content.decode()).startswith("received:")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.TRIAGED, "handling: Being looked at by the team."),
        (Status.ON_HOLD, "handling: Being looked at by the team."),
        (Status.RESPONDED, "answered: Answered. If we have your consent and a way to reach you, we will contact you."),
        (Status.REFERRED, "referred: Passed on, with your agreement, to another organisation that can help."),
        (Status.CLOSED, "closed: Closed."),
    ],
)
def test_each_status_is_told_in_plain_words(client: Client, status: str, expected: str) -> None:
    submitted = submit(None)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(status=status)

    html = check(client, submitted.ticket.reference, submitted.pin).content.decode()

    assert stage_of(html) == expected.replace("'", "&#x27;")


def test_closed_ticket_shows_no_next_date(client: Client) -> None:
    submitted = submit(None)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(status=Status.CLOSED)

    html = check(client, submitted.ticket.reference, submitted.pin).content.decode()

    assert 'id="next-date"' not in html


def test_wrong_pin_gets_the_same_answer_as_an_unknown_reference(client: Client) -> None:
    submitted = submit(None)

    wrong_pin = check(client, submitted.ticket.reference, wrong(submitted.pin))
    unknown = check(client, "FB-ZZZZZZZZ", submitted.pin)

    assert wrong_pin.status_code == unknown.status_code == 404
    assert NO_MATCH in wrong_pin.content.decode()
    first = without_csrf(wrong_pin.content.decode()).replace(submitted.ticket.reference, "")
    second = without_csrf(unknown.content.decode()).replace("FB-ZZZZZZZZ", "")
    assert first == second


def test_five_wrong_pins_lock_the_ticket_for_fifteen_minutes(client: Client) -> None:
    submitted = submit(None)
    reference = submitted.ticket.reference
    for _ in range(5):
        check(client, reference, wrong(submitted.pin))

    locked = check(client, reference, submitted.pin)

    ticket = Ticket.objects.get()
    assert ticket.status_locked_until is not None
    assert timedelta(minutes=14) < ticket.status_locked_until - timezone.now() <= timedelta(minutes=15)
    assert locked.status_code == 404
    assert NO_MATCH in locked.content.decode()
    assert AuditEvent.objects.filter(object_id=str(ticket.pk), action="update").count() == 1
    assert not AuditEvent.objects.filter(object_id=str(ticket.pk), action="read").exists()


def test_four_wrong_pins_do_not_lock_and_a_right_one_clears_them(client: Client) -> None:
    submitted = submit(None)
    for _ in range(4):
        check(client, submitted.ticket.reference, wrong(submitted.pin))

    response = check(client, submitted.ticket.reference, submitted.pin)

    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert ticket.status_locked_until is None
    assert ticket.status_failures == 0


def test_lock_ends_after_fifteen_minutes(client: Client) -> None:
    submitted = submit(None)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(status_locked_until=timezone.now() - timedelta(seconds=1))

    response = check(client, submitted.ticket.reference, submitted.pin)

    assert response.status_code == 200


def test_failures_from_one_address_are_limited_per_hour(client: Client, settings: Any) -> None:
    settings.PANAH_CFM_STATUS_CHECKS_PER_HOUR = 3
    submitted = submit(None)
    misses = [check(client, f"FB-0000000{n}", "123456").status_code for n in range(3)]

    refused = check(client, submitted.ticket.reference, submitted.pin)

    assert misses == [404, 404, 404]
    assert refused.status_code == 429
    assert "Try again after" in refused.content.decode()
    assert RateCounter.objects.get().count == 3
    assert not AuditEvent.objects.filter(object_id=str(submitted.ticket.pk), action="read").exists()
    assert check(client, submitted.ticket.reference, submitted.pin, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_successful_checks_do_not_count_against_the_address(client: Client, settings: Any) -> None:
    settings.PANAH_CFM_STATUS_CHECKS_PER_HOUR = 1
    submitted = submit(None)

    codes = [check(client, submitted.ticket.reference, submitted.pin).status_code for _ in range(3)]

    assert codes == [200, 200, 200]


def test_sealed_ticket_reads_like_any_ticket_being_looked_at(client: Client) -> None:
    submitted = submit(None, screening=Screening.YES, category="")

    html = check(client, submitted.ticket.reference, submitted.pin).content.decode()

    assert stage_of(html) == "handling: Being looked at by the team."
    assert 'id="next-date"' not in html
    for word in ("sexual", "abuse", "PSEA", "sealed", "oversight", "block C"):
        assert word not in html.split('id="status-result"')[1].split("</div>")[0]


def test_sealed_category_name_never_appears(client: Client, make_user: Any) -> None:
    category = Category.objects.get(code="sea")
    submitted = submit(make_user("cfm"), category="sea")

    html = check(client, submitted.ticket.reference, submitted.pin).content.decode()

    assert category.name not in html
    assert stage_of(html) == "handling: Being looked at by the team."


def test_closed_sealed_ticket_shows_its_public_note(client: Client) -> None:
    submitted = submit(None, screening=Screening.YES)
    Ticket.objects.filter(pk=submitted.ticket.pk).update(
        status=Status.SEALED_CLOSED, public_note="Your report was followed up. Thank you for telling us."
    )

    html = check(client, submitted.ticket.reference, submitted.pin).content.decode()

    assert stage_of(html) == "closed: Your report was followed up. Thank you for telling us."


def test_reference_and_pin_in_the_address_bar_are_ignored(client: Client) -> None:
    submitted = submit(None)

    response = client.get(STATUS, {"reference": submitted.ticket.reference, "pin": submitted.pin})

    assert response.status_code == 200
    assert 'id="status-result"' not in response.content.decode()


def test_empty_form_is_refused_without_counting(client: Client) -> None:
    response = check(client, "", "")

    assert response.status_code == 422
    assert RateCounter.objects.count() == 0

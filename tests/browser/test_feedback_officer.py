"""A complaints and feedback officer's day with one ticket: a hotline call recorded, with the reference and PIN read
out; then triaged, worked on, answered, one failed call back logged, and the loop closed. In English, then the
list and the ticket once in Urdu."""

from __future__ import annotations

import pytest

from panah.feedback.choices import Closure, Status
from panah.feedback.models import Ticket
from tests.browser.conftest import screenshot
from tests.browser.test_dtm_pages import sign_in
from tests.browser.test_registry import switch_language


@pytest.fixture
def officer(make_user):
    return make_user("cfm", "PK5", username="cfm-officer")


def step(page, name: str) -> None:
    page.click(f"button[data-step={name}]")
    page.wait_for_selector(".msg")


def record_hotline_call(page) -> tuple[str, str]:
    page.goto("/cfm/")
    page.click("#record-link")
    page.click("#card-hotline")
    page.check("input[name=screening][value=no]")
    page.select_option("#id_area", "PK506")
    page.fill("#id_description", "The water point at block C has been dry for four days.")
    page.select_option("#id_contact_method", "phone")
    page.fill("#id_contact_detail", "0300 1234567")
    page.check("#id_consent_contact")
    screenshot(page, "feedback-record-hotline")
    page.click("#record")
    page.wait_for_selector("#recorded")
    screenshot(page, "feedback-recorded")
    return page.text_content("#reference").strip(), page.text_content("#pin").strip()


def test_officer_records_a_call_and_closes_the_loop(page, officer):
    sign_in(page, "cfm-officer")

    reference, pin = record_hotline_call(page)
    page.click("#open-ticket")
    page.select_option("#id_triage-category", "complaint")
    step(page, "triage")
    step(page, "start")
    page.fill("#id_respond-response", "The pump was repaired on Tuesday; water is back.")
    step(page, "respond")
    page.check("input[name=contact-succeeded][value=no]")
    page.fill("#id_contact-note", "No answer.")
    step(page, "contact")
    failed = page.text_content("#failed-contacts")
    page.check("input[name=close-closure][value=informed]")
    page.select_option("#id_close-satisfied", "yes")
    step(page, "close")
    page.locator("#audit summary").click()
    screenshot(page, "feedback-ticket-closed")
    status = page.text_content("#status")
    page.goto("/cfm/")
    screenshot(page, "feedback-list")
    row = page.text_content(f"tr[data-ticket='{reference}']")
    switch_language(page, "ur")
    screenshot(page, "feedback-list-ur")
    page.goto(f"/cfm/tickets/{reference}/")
    screenshot(page, "feedback-ticket-ur")
    rtl = page.get_attribute("html", "dir")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")

    ticket = Ticket.objects.get(reference=reference)
    assert reference.startswith("FB-")
    assert len(pin) == 6
    assert "1 of 3" in failed
    assert status == "Closed"
    assert "Closed" in row
    assert (ticket.status, ticket.closure, ticket.satisfied) == (Status.CLOSED, Closure.INFORMED, True)
    assert ticket.response == "The pump was repaired on Tuesday; water is back."
    assert rtl == "rtl"
    assert overflow <= 0

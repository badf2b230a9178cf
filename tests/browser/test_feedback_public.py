"""The public feedback channel as an anonymous person uses it, in Urdu: a complaint sent through the web form, the
reference and PIN read off the receipt, and the status checked with them. No account, and nothing of it in a URL."""

from __future__ import annotations

import pytest

from panah.feedback.models import Ticket
from tests.browser.conftest import screenshot

PHONE = {"width": 390, "height": 844}
COMPLAINT = "ہمارے بلاک میں پانی کا نلکا چار دن سے خراب ہے۔"  # "The water tap in our block has been broken for 4 days."


@pytest.fixture
def mission(organisation):
    return organisation  # public feedback belongs to the mission organisation


def test_anonymous_complaint_in_urdu_then_its_status(page, mission) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.set_viewport_size(PHONE)
    page.goto("/feedback/")
    page.click("button[name=language][value=ur]")
    page.wait_for_selector("html[lang=ur][dir=rtl]")
    page.evaluate("() => document.fonts.ready")

    page.fill("#id_description", COMPLAINT)
    page.select_option("#id_area", "PK506")
    page.check("#id_screening_0")  # "No": not about abuse or misconduct
    assert page.text_content("#description-count") == f"{len(COMPLAINT)} / 4000"
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "feedback-public-form-urdu")
    page.wait_for_timeout(3000)  # a person takes longer than the form's minimum; a script would be refused
    page.click("#send")
    page.wait_for_url("**/feedback/received/")

    reference = page.text_content("#reference").strip()
    pin = page.text_content("#pin").strip()
    ticket = Ticket.objects.get()
    assert page.get_attribute("html", "dir") == "rtl"
    assert reference == ticket.reference
    assert len(pin) == 6
    assert pin.isdigit()
    assert (ticket.channel, ticket.language, ticket.area.pcode) == ("web", "ur", "PK506")
    assert ticket.description == COMPLAINT
    screenshot(page, "feedback-public-received-urdu")

    page.click("a[href='/feedback/status/']")
    page.fill("#id_reference", reference.lower())
    page.fill("#id_pin", pin)
    page.click("#check")
    page.wait_for_selector("#stage")

    assert page.get_attribute("#stage", "data-stage") == "received"
    assert page.get_attribute("html", "lang") == "ur"
    assert page.is_visible("#next-date")
    screenshot(page, "feedback-public-status-urdu")
    assert not [u for u in urls if reference in u.upper() or pin in u]

"""A system administrator opens the feedback settings from the team's list, shortens the triage target of requests for
information, and routes them in Khyber Pakhtunkhwa to a focal point."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from panah.feedback.models import Routing, SlaTarget
from tests.browser.conftest import screenshot
from tests.browser.test_dtm_pages import PASSWORD


def enrol_and_sign_in(page, username: str) -> None:
    """An administrator's role is sensitive: the first sign-in enrols a second factor."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector(".qr svg")
    device = TOTPDevice.objects.get(user__username=username)
    page.fill("#id_code", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("#verify")
    page.wait_for_selector("#my-scope")


def test_admin_sets_a_target_and_a_routing(page, make_user):
    make_user("admin", username="sysadmin")
    focal = make_user("cfm", "PK5", username="kp-focal")
    enrol_and_sign_in(page, "sysadmin")

    page.goto("/cfm/")
    page.click("#settings-link")
    page.wait_for_selector("#categories")
    screenshot(page, "feedback-settings")
    page.click("a[href='/cfm/settings/info/']")
    page.fill("#id_target-triage-hours", "4")
    page.select_option("#id_target-triage-clock", "elapsed")
    page.click("tr[data-step=triage] button[type=submit]")
    page.wait_for_selector(".msg")
    page.select_option("#id_route-area", "PK5")
    page.select_option("#id_route-focal_point", str(focal.pk))
    page.click("#route-form button[type=submit]")
    page.wait_for_selector("#routing-list li[data-area=PK5]")
    page.evaluate("() => document.querySelector('#targets').scrollIntoView()")
    screenshot(page, "feedback-settings-category")

    assert page.text_content("tr[data-step=triage] td").split() == ["4", "h", "elapsed"]
    target = SlaTarget.objects.get(category__code="info", step="triage")
    assert (target.hours, target.working_time) == (4, False)
    assert list(Routing.objects.values_list("area__pcode", "focal_point__username")) == [("PK5", "kp-focal")]

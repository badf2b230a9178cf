from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from panah.demo.seed import seed_demo
from tests.browser.conftest import screenshot

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(settings):
    settings.PANAH_DEMO_MODE = True
    settings.PANAH_DEMO_PASSWORD = PASSWORD
    seed_demo(feedback=False)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#sign-in")


def nav_keys(page) -> set[str]:
    return set(page.eval_on_selector_all("nav.mainnav a[data-nav]", "els => els.map(e => e.dataset.nav)"))


EXPECTED = {
    # role: (navigation it shows, the areas of its scope)
    "demo-admin": (
        {
            "dtm",
            "intake",
            "registry",
            "duplicates",
            "feedback",
            "feedback_trends",
            "places",
            "map",
            "sites",
            "crossings",
            "users",
            "audit",
        },
        {"PK"},
    ),
    "demo-im": (
        {"dtm", "intake", "registry", "record_feedback", "feedback_trends", "places", "map", "sites", "crossings"},
        {"PK"},
    ),
    "demo-enumerator": (
        {"dtm", "intake", "register", "record_feedback", "places", "map", "sites", "crossings"},
        {"PK707"},
    ),
    "demo-psea": ({"record_feedback", "sealed", "feedback_trends", "places", "map", "crossings"}, {"PK"}),
    "demo-partner-viewer": ({"dtm", "registry", "record_feedback", "places", "map", "sites", "crossings"}, {"PK2"}),
    "demo-auditor": (
        {"dtm", "registry", "feedback", "feedback_trends", "places", "map", "sites", "crossings", "users", "audit"},
        {"PK"},
    ),
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_demo_role_sees_its_navigation_and_scope(page, demo, username):
    sign_in(page, username)

    page.wait_for_selector("#my-scope")
    scope = set(page.eval_on_selector_all("#my-scope td.mono", "els => els.map(e => e.textContent.trim())"))
    screenshot(page, f"home-{username}")

    assert (nav_keys(page), scope) == EXPECTED[username]


def test_enumerator_cannot_open_a_site_outside_scope_or_the_audit_trail(page, demo, area):
    from panah.geo.models import Site

    quetta = Site.objects.create(name="Quetta settlement", kind="informal_settlement", admin_area=area("PK222"))
    sign_in(page, "demo-enumerator")
    page.wait_for_selector("#my-scope")

    site = page.goto(f"/geo/sites/{quetta.public_id}/")
    audit = page.goto("/audit/")

    assert site.status == 404
    assert audit.status == 404


def test_map_shows_the_provinces_offline(page, demo):
    sign_in(page, "demo-im")
    page.goto("/geo/map/")

    # wait_for_function would evaluate a string, which the page's Content-Security-Policy (no eval) forbids.
    page.wait_for_selector(".leaflet-overlay-pane path >> nth=156", state="attached")
    screenshot(page, "map")
    paths = page.eval_on_selector_all(".leaflet-overlay-pane path", "els => els.length")

    assert paths >= 7 + 150  # provinces and districts


def test_urdu_switch_turns_the_page_right_to_left(page, demo):
    sign_in(page, "demo-im")
    page.wait_for_selector("#my-scope")

    page.click("button[name=language][value=ur]")
    page.wait_for_selector("html[dir=rtl]")
    screenshot(page, "home-urdu")

    assert page.get_attribute("html", "lang") == "ur"


def test_sensitive_role_enrols_a_second_factor(page, make_user):
    make_user("psea", username="focal")
    from panah.accounts.models import User

    user = User.objects.get(username="focal")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    sign_in(page, "focal")

    page.wait_for_selector(".qr svg")
    device = TOTPDevice.objects.get(user=user)
    page.fill("#id_code", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("#verify")
    page.wait_for_selector("#my-scope")

    assert page.url.endswith("/")

"""DTM pages in the browser: the dashboard map is shaded from the round's figures, offline, in English and Urdu."""

from __future__ import annotations

import pytest

from panah.dtm.tests.test_views import world  # noqa: F401 - the same world
from tests.browser.conftest import screenshot

PASSWORD = "correct horse battery staple"
SHADED = ".leaflet-overlay-pane path[fill]:not([fill='#e9ecef']):not([fill='none'])"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#my-scope")


@pytest.fixture
def im_officer(make_user):
    return make_user("im", username="im-officer")


def test_im_officer_sees_the_round_map_shaded_and_the_charts(page, world, im_officer):  # noqa: F811
    sign_in(page, "im-officer")

    page.goto(f"/dtm/?operation={world['op'].pk}&round={world['r2'].pk}")
    page.wait_for_selector("#dtm-map[data-ready=true]")
    screenshot(page, "dtm-dashboard")
    shaded = page.eval_on_selector_all(SHADED, "els => els.length")
    charts = page.eval_on_selector_all("svg.chart", "els => els.length")
    lights = page.eval_on_selector_all("#site-gaps .light", "els => els.length")

    assert shaded == 3
    assert charts == 1
    assert lights > 4


def test_dashboard_on_a_phone_and_in_urdu(page, world, im_officer):  # noqa: F811
    sign_in(page, "im-officer")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/dtm/?operation={world['op'].pk}&round={world['r2'].pk}")
    page.wait_for_selector("#dtm-map[data-ready=true]")
    screenshot(page, "dtm-dashboard-phone")
    page.click("button[name=language][value=ur]")
    page.wait_for_selector("html[dir=rtl] #dtm-map[data-ready=true]")
    page.evaluate("() => document.fonts.ready")
    page.mouse.wheel(0, 0)
    screenshot(page, "dtm-dashboard-phone-urdu")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    page.wait_for_selector("#dtm-map[data-ready=true]")
    screenshot(page, "dtm-dashboard-urdu")
    page.locator("#trends").scroll_into_view_if_needed()
    screenshot(page, "dtm-trends-urdu")

    assert page.get_attribute("html", "dir") == "rtl"


def test_situation_report_page(page, world, im_officer):  # noqa: F811
    sign_in(page, "im-officer")

    page.goto(f"/dtm/rounds/{world['r2'].pk}/report/")
    page.wait_for_selector("svg.chart-map")
    screenshot(page, "dtm-sitrep")
    page.locator("#site-gaps").scroll_into_view_if_needed()
    screenshot(page, "dtm-sitrep-gaps")
    page.goto(f"/dtm/rounds/{world['r3'].pk}/")
    screenshot(page, "dtm-round-detail")

    assert page.locator("#action-submit").count() == 1

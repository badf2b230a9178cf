"""Browser tests: real pages in Debian's headless Chromium, driven by Playwright against pytest-django's live server.

Chromium is not downloaded by Playwright (nothing may be fetched at run time): the tests use /usr/bin/chromium.
Where it is missing the tests are skipped with the reason printed, unless PANAH_REQUIRE_BROWSER_TESTS is set
(CI sets it), in which case they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import env

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not os.path.exists(env.CHROMIUM_PATH):
        message = f"Chromium not found at {env.CHROMIUM_PATH}: install Debian's chromium (make test does as root)"
        if env.REQUIRE_BROWSER_TESTS:
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
    # running loop unless told the code is deliberately synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=env.CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    from panah.feedback import taxonomy
    from panah.feedback.models import Category, SlaTarget
    from panah.geo.services import reference_load

    # The live server's transactional tests start from empty tables: reload the reference data that migrations
    # and the session setup put there (geography, the feedback taxonomy).
    reference_load()
    taxonomy.load(Category, SlaTarget)
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    context.set_default_timeout(15000)
    # Only the live server: any request elsewhere (tiles, fonts, CDNs) is cut off, as on an offline laptop.
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path

"""Browser tests: Playwright's sync API driving Debian's Chromium (never `playwright install`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

# Playwright's sync API runs an event loop in the test thread, and Django then refuses
# database calls there ("You cannot call this from an async context"). The tests are
# synchronous code that merely shares the thread with that loop, so the check is moot.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Screenshots are for a person to look at; they never belong in the repository.
SHOTS_DIR = Path("/tmp/ficshelf-shots")
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # Django keeps database connections per thread, but per asyncio context while an event
    # loop runs, and Playwright leaves one running in this thread. Without this, tests would
    # get fresh connection objects: not the one shared with the live server, and without the
    # serialized data that serialized_rollback restores (the migrations' tags and languages).
    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in test_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A guest's tab: a fresh context, so no session or cookies carry over between tests."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def _forms_sent_at_browser_speed(settings: pytest.FixtureRequest) -> None:
    """A browser driven by a test fills a form in milliseconds: the spam guard's minimum
    time (core/form_guards.py) is tested in tests/spam; here it would only slow tests."""
    settings.FICSHELF_FORM_MIN_SECONDS = 0  # type: ignore[attr-defined]


@pytest.fixture
def shots_dir() -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR

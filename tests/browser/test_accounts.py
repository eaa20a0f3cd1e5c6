"""Accounts in a real browser: sign up, log out and in, preferences applied, phone layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import ArchiveSettings, InviteRequest, SignupMode, User
from ficshelf.tags.models import TagType
from ficshelf.works.models import Work
from tests.accounts.conftest import use_members_pages_and_reader_preferences
from tests.accounts.factories import PreferenceFactory
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in, log_out
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def _members_pages_and_reader_preferences(settings: Any) -> None:
    use_members_pages_and_reader_preferences(settings)


def warned_work(**kwargs: object) -> Work:
    work = WorkFactory(title="A Warned Story", **kwargs)
    work.tags.add(TagFactory(name="Major Character Death", type=TagType.WARNING))
    return work


def assert_no_sideways_scrolling(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_sign_up_log_out_log_in_and_see_preferences_applied(
    live_server: LiveServer, page: Page
) -> None:
    work = warned_work()
    base = live_server.url

    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newreader")
    page.get_by_label("Email").fill("newreader@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_label("I have read and accept the Terms of Service").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to the archive, newreader!")).to_be_visible()
    assert User.objects.get(username="newreader").pseuds.get().name == "newreader"

    log_out(page)
    log_in(page, base, "newreader", PASSWORD)
    expect(page.get_by_role("link", name="Preferences")).to_be_visible()

    page.get_by_role("link", name="Preferences").click()
    page.get_by_label("Dark").check()
    page.get_by_label("Hide archive warnings until I click").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    expect(page.locator("body")).to_have_class("theme-dark")

    page.goto(base + work.get_absolute_url())
    expect(page.locator("body")).to_have_class("theme-dark")
    warning = page.locator("dd.warning").get_by_text("Major Character Death")
    expect(warning).to_be_hidden()
    page.get_by_text("Show warnings").click()
    expect(warning).to_be_visible()

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 22, 21)", "the dark theme's paper colour is not applied"


def test_show_warnings_works_without_javascript(live_server: LiveServer, browser: Browser) -> None:
    preference = PreferenceFactory(warnings_hidden=True, user=UserFactory(username="careful"))
    warned_work()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, preference.user.username)
    page.goto(live_server.url + "/")

    warning = page.locator("li.blurb").get_by_text("Major Character Death")
    expect(warning).to_be_hidden()
    page.locator("li.blurb").get_by_text("Show warnings").click()
    expect(warning).to_be_visible()
    context.close()


@pytest.mark.parametrize(("layout", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_account_pages_fit_phones_and_desktops(
    live_server: LiveServer,
    browser: Browser,
    shots_dir: Path,
    layout: str,
    viewport: ViewportSize,
) -> None:
    writer = UserFactory(username="writer")
    PseudFactory(user=writer, name="writer")
    moonlit = PseudFactory(user=writer, name="Moonlit", is_default=False)
    work = warned_work(creator=moonlit)
    PreferenceFactory(
        user=UserFactory(username="nightowl"), theme="dark", hide_warnings=True, font_size=120
    )
    base = live_server.url

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(base + "/accounts/signup/")
    page.get_by_role("button", name="Create account").click()  # empty: shows the errors
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-signup.png"), full_page=True)
    assert_accessible(page)

    log_in(page, base, "nightowl")
    page.goto(base + "/accounts/preferences/")
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-preferences.png"), full_page=True)
    assert_accessible(page)

    page.goto(base + "/users/writer/")
    expect(page.get_by_role("heading", name="writer", exact=True)).to_be_visible()
    expect(page.get_by_text("A Warned Story")).to_be_visible()
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-profile.png"), full_page=True)
    assert_accessible(page)

    page.goto(base + work.get_absolute_url())
    expect(page.locator("body")).to_have_class("theme-dark font-size-120")
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-work-dark.png"), full_page=True)
    assert_accessible(page)

    page.goto(base + "/accounts/pseuds/")
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-pseuds.png"), full_page=True)
    assert_accessible(page)
    context.close()


def test_reader_makes_an_e_reader_key_an_app_signs_in_with_it_and_it_is_revoked(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    UserFactory(username="kobofan", password=PASSWORD)
    base = live_server.url
    log_in(page, base, "kobofan", PASSWORD)
    page.goto(base + "/accounts/settings/")
    page.get_by_role("link", name="E-reader keys").click()
    page.get_by_label("Name this key").fill("KOReader on my Kobo")
    page.get_by_role("button", name="Make a key").click()
    key = page.locator("code.reader-key").inner_text()
    expect(page.get_by_text(f"{base}/opds/")).to_be_visible()
    page.screenshot(path=str(shots_dir / "reader-keys.png"), full_page=True)
    assert_accessible(page)

    # What an e-reader app does: the catalog with the username and the key.
    app = page.context.browser.new_context(  # type: ignore[union-attr]
        http_credentials={"username": "kobofan", "password": key}
    )
    catalog = app.request.get(base + "/opds/later/")
    assert catalog.status == 200 and "Marked for Later" in catalog.text()

    page.get_by_role("button", name="Revoke KOReader on my Kobo").click()
    expect(page.get_by_text("The key is revoked")).to_be_visible()
    assert app.request.get(base + "/opds/later/").status == 401
    app.close()


def test_visitor_joins_the_invitation_queue_and_sees_their_place(
    live_server: LiveServer, page: Page
) -> None:
    settings = ArchiveSettings.current()
    settings.signup_mode = SignupMode.QUEUE
    settings.save()
    InviteRequest.objects.create(email="earlier@example.org")
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("hopeful@example.org")
    page.get_by_role("button", name="Add me to the queue").click()
    expect(page.get_by_text("You are number 2 in the queue.")).to_be_visible()
    assert_accessible(page)

"""Skins in a real browser: a creator writes a work skin and chooses it for a work, a guest
reads the work styled and turns the style off, a member picks the archive's low-vision
skin and their own site skin. The work page with a skin keeps the accessibility bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import SiteSkin
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import WorkSkin
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.test_accounts import assert_no_sideways_scrolling
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SKIN_CSS = """
.letter { color: #1d4d2b; font-style: italic; border-left: 4px solid #1d4d2b;
  padding-left: 1em; background-color: #eef6ee }
/* a comment that goes */ body .signature { text-align: right; font-weight: bold }
"""
LETTER_GREEN = "rgb(29, 77, 43)"


def _colour(page: Page, selector: str) -> str:
    colour: str = page.locator(selector).first.evaluate("e => getComputedStyle(e).color")
    return colour


def test_creator_writes_a_skin_chooses_it_and_a_guest_turns_it_off(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    author = writer("inkwell")
    work = posted_work(
        author,
        title="Letters Home",
        chapter=ChapterData(
            text='<p>It rained all week.</p><p class="letter">Dear Mara, the sea is grey.</p>'
            '<p class="signature">Yours, Tom</p>'
        ),
    )
    base = live_server.url

    log_in(page, base, "inkwell")
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="My work skins").click()
    page.get_by_role("link", name="Write a new skin").click()
    page.get_by_label("Title").fill("Letters")
    page.get_by_label("CSS").fill("p { position: fixed }")
    page.get_by_role("button", name="Save skin").click()
    expect(page.get_by_text("position: fixed isn't allowed")).to_be_visible()
    assert not WorkSkin.objects.exists()
    page.get_by_label("CSS").fill(SKIN_CSS)
    page.get_by_role("button", name="Save skin").click()
    expect(page.get_by_text("Your work skin “Letters” was saved.")).to_be_visible()
    # What was saved, and shown back, is the cleaned CSS: under #workskin, no comment.
    expect(page.get_by_label("CSS")).to_have_value(WorkSkin.objects.get().css)
    assert "#workskin .signature" in WorkSkin.objects.get().css
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / "skins-form-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / "skins-form-phone.png"), full_page=True)
    page.get_by_role("link", name="Back to your skins").click()
    expect(page.get_by_role("link", name="Letters")).to_be_visible()
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / "skins-list-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    page.goto(base + f"/works/{work.pk}/edit/")
    page.get_by_label("Work skin").select_option(label="Letters")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("heading", name="Letters Home")).to_be_visible()
    expect(page.locator(".letter")).to_have_css("color", LETTER_GREEN)

    guest = browser.new_context(viewport=DESKTOP).new_page()
    guest.goto(base + work.get_absolute_url())
    expect(guest.locator(".letter")).to_have_css("color", LETTER_GREEN)
    expect(guest.locator(".signature")).to_have_css("text-align", "right")
    assert_accessible(guest)
    guest.screenshot(path=str(shots_dir / "skins-work-desktop.png"), full_page=True)
    guest.get_by_role("link", name="Hide creator's style").click()
    expect(guest.get_by_role("link", name="Show creator's style")).to_be_visible()
    assert _colour(guest, ".letter") != LETTER_GREEN
    assert _colour(guest, ".letter") == _colour(guest, "#chapters p")
    guest.get_by_role("link", name="Show creator's style").click()
    expect(guest.locator(".letter")).to_have_css("color", LETTER_GREEN)
    guest.context.close()

    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(base + work.get_absolute_url())
    expect(phone.locator(".letter")).to_have_css("color", LETTER_GREEN)
    assert_no_sideways_scrolling(phone)
    assert_accessible(phone)
    phone.screenshot(path=str(shots_dir / "skins-work-phone.png"), full_page=True)
    phone.context.close()


def test_member_picks_the_low_vision_skin_and_then_their_own(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    member = writer("owl")
    work = posted_work(writer("someone"), title="Quiet Hours")
    base = live_server.url

    log_in(page, base, "owl")
    page.get_by_role("link", name="Preferences").click()
    page.get_by_label("Low vision (high contrast, larger text)").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    expect(page.locator("body")).to_have_class("theme-contrast")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(0, 0, 0)")
    page.goto(base + work.get_absolute_url())
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / "skins-contrast-desktop.png"), full_page=True)

    page.goto(base + "/accounts/preferences/")
    page.get_by_role("link", name="My site skins").click()
    page.get_by_role("link", name="Write a new skin").click()
    page.get_by_label("Title").fill("Sepia")
    page.get_by_label("CSS").fill(".site-main { background-color: #f4ecd8 }")
    page.get_by_role("button", name="Save skin").click()
    expect(page.get_by_text("Your site skin “Sepia” was saved.")).to_be_visible()
    skin = SiteSkin.objects.get(owner=member)

    page.goto(base + "/accounts/preferences/")
    page.get_by_label("Site skin").select_option(label="Sepia (mine)")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    page.goto(base + work.get_absolute_url())
    expect(page.locator(".site-main")).to_have_css("background-color", "rgb(244, 236, 216)")
    assert skin.version in page.content()

    page.set_viewport_size(PHONE)
    page.goto(base + "/accounts/preferences/")
    page.screenshot(path=str(shots_dir / "skins-preferences-phone.png"), full_page=True)
    assert_no_sideways_scrolling(page)
    assert_accessible(page)

"""Public skins in a real browser: a member writes a site skin and asks for it to be public, a
reviewer (two-factor, ``accounts.approve_skins``) refuses to reject it without a reason and
approves it, another member previews it, wears it and sees it on a work page, and when the
reviewer unpublishes it their pages fall back to the archive's look. Each page is checked
with axe and photographed at desktop and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import Preference, SiteSkin
from ficshelf.core.public_skins import PublicState
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.test_accounts import assert_no_sideways_scrolling
from tests.browser.two_factor import authenticator_for
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HARBOUR_BLUE = "rgb(232, 241, 248)"


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    page.screenshot(path=str(shots_dir / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_skin_is_submitted_approved_and_worn_by_another_member(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    writer("lantern")
    writer("reader")
    reviewer = writer("reviewer")
    reviewer.user_permissions.add(Permission.objects.get(codename="approve_skins"))
    authenticator_for("reviewer")  # a permission asks for two-factor
    work = posted_work(writer("someone"), title="Quiet Hours")
    base = live_server.url

    # The author writes a skin and asks for it to be public.
    log_in(page, base, "lantern")
    page.goto(base + "/accounts/site-skins/new/")
    page.get_by_label("Title").fill("Harbour")
    page.get_by_label("CSS").fill(".site-main { background-color: #e8f1f8 }")
    page.get_by_role("button", name="Save skin").click()
    page.get_by_role("button", name="Ask for it to be made public").click()
    expect(page.get_by_text("This skin is waiting for review.")).to_be_visible()
    assert_accessible(page)
    shoot(page, shots_dir, "public-skin-asked")
    skin = SiteSkin.objects.get(title="Harbour")
    assert skin.public_state == PublicState.REQUESTED

    # The reviewer approves it (a rejection without a reason is refused).
    reviewing = browser.new_context(viewport=DESKTOP).new_page()
    log_in(reviewing, base, "reviewer")
    reviewing.goto(base + "/skins/review/")
    expect(reviewing.get_by_role("heading", name="Site skins: 1 waiting")).to_be_visible()
    expect(reviewing.get_by_text(".site-main {")).to_be_visible()
    assert_accessible(reviewing)
    shoot(reviewing, shots_dir, "public-skin-review")
    reviewing.get_by_role("button", name="Reject Harbour").click()
    expect(reviewing.get_by_text("Say why the skin is rejected")).to_be_visible()
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    reviewing.get_by_role("button", name="Approve Harbour").click()
    expect(reviewing.get_by_text("“Harbour” was approved")).to_be_visible()

    # Another member previews it, wears it and sees it on a work page.
    reading = browser.new_context(viewport=DESKTOP).new_page()
    log_in(reading, base, "reader")
    reading.goto(base + "/accounts/preferences/")
    expect(
        reading.get_by_label("Site skin").locator("option", has_text="Harbour (public, by lantern)")
    ).to_have_count(1)
    reading.get_by_role("link", name="preview the public skins").click()
    expect(reading.get_by_text("by lantern")).to_be_visible()
    assert_accessible(reading)
    shoot(reading, shots_dir, "public-skins")
    reading.get_by_role("link", name="Preview Harbour").click()
    expect(reading.get_by_text("You are previewing “Harbour”")).to_be_visible()
    expect(reading.locator(".site-main")).to_have_css("background-color", HARBOUR_BLUE)
    assert_accessible(reading)
    shoot(reading, shots_dir, "public-skin-preview")
    reading.get_by_role("button", name="Use “Harbour”").click()
    expect(reading.get_by_text("You now see the archive in “Harbour”.")).to_be_visible()
    reading.goto(base + work.get_absolute_url())
    expect(reading.locator(".site-main")).to_have_css("background-color", HARBOUR_BLUE)

    # Unpublished, it leaves the reader on the archive's look, pages intact.
    reviewing.goto(base + "/skins/review/")
    reviewing.get_by_label("Reason").fill("Too little contrast for some readers.")
    reviewing.get_by_role("button", name="Unpublish Harbour").click()
    expect(reviewing.get_by_text("“Harbour” was rejected.")).to_be_visible()
    reading.goto(base + work.get_absolute_url())
    expect(reading.get_by_role("heading", name="Quiet Hours")).to_be_visible()
    expect(reading.locator(".site-main")).not_to_have_css("background-color", HARBOUR_BLUE)
    assert Preference.objects.get(user__username="reader").site_skin is None
    page.reload()
    expect(page.get_by_text("Too little contrast for some readers.")).to_be_visible()

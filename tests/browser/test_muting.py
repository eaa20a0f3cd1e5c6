"""A reader mutes a creator, finds the creator's work says so (with their own bookmark of
it still listed), and unmutes from the work page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import Mute
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.social.factories import BookmarkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEXT = "The lighthouse keeper counted ships."


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_reader_mutes_a_creator_then_unmutes_from_their_work_page(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    creator = PseudFactory(name="loudwriter", user__username="loudwriter")
    work = WorkFactory(title="Salt Ledger", creator=creator)
    work.chapters.update(text=f"<p>{TEXT}</p>")
    reader = UserFactory(username="quietreader")
    BookmarkFactory(user=reader, work=work, notes="<p>Read again in winter.</p>")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "quietreader")

    page.goto(live_server.url + "/users/loudwriter/")
    page.get_by_role("link", name="Mute").click()
    page.get_by_role("button", name="Yes, mute").click()
    expect(page.get_by_text("You have muted loudwriter.")).to_be_visible()

    page.goto(live_server.url + work.get_absolute_url())
    expect(page.get_by_role("heading", name="You muted a creator of this work")).to_be_visible()
    expect(page.get_by_text(TEXT)).to_have_count(0)
    page.screenshot(path=str(shots_dir / f"{layout}-muted-work.png"), full_page=True)
    assert_accessible(page)

    page.goto(live_server.url + "/bookmarks/")
    bookmark = page.locator("li.bookmark-blurb")
    expect(bookmark).to_contain_text("Salt Ledger")
    expect(bookmark).to_contain_text("you muted loudwriter")
    expect(bookmark).to_contain_text("Read again in winter.")
    page.screenshot(path=str(shots_dir / f"{layout}-muted-bookmark.png"), full_page=True)

    bookmark.get_by_role("link", name="Salt Ledger").click()
    page.get_by_role("button", name="Unmute loudwriter").click()
    expect(page.get_by_text("You have unmuted loudwriter.")).to_be_visible()
    expect(page.get_by_text(TEXT)).to_be_visible()
    assert page.url == live_server.url + work.get_absolute_url()
    assert not Mute.objects.exists()
    page.context.close()

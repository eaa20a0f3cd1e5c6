"""In a real browser: a translation and an inspired work wait for the source creator's
approval; a chapter credits a co-creator who accepts; a work is given to a member and to a
plain name at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works import actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import Language
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fill_new_work(page: Page, title: str) -> None:
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill(title)
    page.get_by_label("Text", exact=True).fill("<p>Words of the new work.</p>")


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    for layout, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir / f"{layout}-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_translation_and_an_inspired_work_wait_for_the_source_creators_approval(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    source = posted_work(writer("original"), title="The Lighthouse")
    writer("translator")
    Language.objects.get_or_create(short="fr", defaults={"name": "Français"})

    log_in(page, live_server.url, "translator")
    page.goto(live_server.url + "/works/new/")
    fill_new_work(page, "Le Phare")
    page.get_by_label("Language").select_option(label="Français")
    page.get_by_label("Inspired by (the work's address)").fill(f"/works/{source.pk}/")
    page.get_by_label("My work is a translation of it").first.check()
    page.get_by_label("Another work yours was inspired by (its address)").fill(
        "https://example.org/sea"
    )
    page.get_by_label("Its title (for a work elsewhere)").nth(1).fill("Sea Glass")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".inspired-by").first).to_contain_text("A translation of The Lighthouse")
    expect(page.locator(".inspired-by").nth(1)).to_contain_text("Inspired by Sea Glass")

    owner = browser.new_context(viewport=DESKTOP).new_page()
    log_in(owner, live_server.url, "original")
    owner.goto(live_server.url + source.get_absolute_url())
    expect(owner.locator("#translations")).to_have_count(0)
    owner.goto(live_server.url + "/inbox/")
    owner.get_by_text("Le Phare translated your work The Lighthouse").click()
    expect(owner.get_by_role("heading", name="Related works")).to_be_visible()
    expect(owner.locator(".related-item")).to_contain_text("Waiting for approval")
    assert_accessible(owner)
    shoot(owner, shots_dir, "related-works")
    owner.get_by_role("button", name="Approve Le Phare").click()
    expect(owner.get_by_text("is now listed on your work")).to_be_visible()
    owner.goto(live_server.url + source.get_absolute_url())
    expect(owner.locator("#translations")).to_contain_text("Le Phare (Français) by translator")
    owner.context.close()


def test_a_chapter_credits_a_co_creator_who_accepts(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    author = writer("novelist")
    work = posted_work(author, title="Two Hands")
    actions.add_chapter(work, ChapterData(title="Drawn", text="<p>Pictures.</p>"), post=True)
    writer("artist")

    log_in(page, live_server.url, "novelist")
    page.goto(live_server.url + f"/works/{work.pk}/chapters/manage/")
    page.get_by_role("link", name="Edit Chapter 2: Drawn").click()
    page.get_by_label("Chapter creators").fill("novelist, artist")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".chapter-byline")).to_have_text("Chapter by novelist")

    artist = browser.new_context(viewport=DESKTOP).new_page()
    log_in(artist, live_server.url, "artist")
    artist.goto(live_server.url + "/dashboard/")
    artist.get_by_role("button", name="Accept Chapter 2: Drawn of Two Hands").click()
    expect(artist.get_by_text("You are now credited on Chapter 2: Drawn")).to_be_visible()
    artist.goto(live_server.url + work.chapters.get(position=2).get_absolute_url())
    expect(artist.locator(".chapter-byline")).to_have_text("Chapter by novelist, artist")
    assert_accessible(artist)
    shoot(artist, shots_dir, "chapter-byline")
    artist.context.close()


def test_a_work_is_given_to_a_member_and_to_a_plain_name(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    writer("giver")
    writer("wren")
    log_in(page, live_server.url, "giver")
    page.goto(live_server.url + "/works/new/")
    fill_new_work(page, "For Two")
    page.get_by_label("Gift this work to").fill("wren, My Sister Ada")
    page.get_by_role("button", name="Post").click()
    gifts = page.locator("li.gift")
    expect(gifts).to_have_text("For wren, My Sister Ada.")
    expect(gifts.get_by_role("link", name="wren")).to_have_attribute("href", "/users/wren/gifts/")
    expect(gifts.get_by_role("link", name="My Sister Ada")).to_have_count(0)
    shoot(page, shots_dir, "gifts-by-name")

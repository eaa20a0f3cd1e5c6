"""A reader finds works: filters a fandom, sorts, pages, searches words, saves an exclusion."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TagFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAKURA_WORKS = 22


def tagged(title: str, *tags: tuple[str, str], **fields: object) -> Work:
    work = WorkFactory(title=title, **fields)
    for tag_type, name in tags:
        work.tags.add(TagFactory(name=name, type=tag_type))
    return work


def naruto_shelf() -> None:
    """22 Sakura works without violence, one with, one about someone else, one with MCD."""
    naruto = (TagType.FANDOM, "Naruto")
    sakura = (TagType.CHARACTER, "Haruno Sakura")
    no_warnings = (TagType.WARNING, "No Archive Warnings Apply")
    for number in range(SAKURA_WORKS):
        tagged(
            f"Cherry Blossom {number + 1:02}",
            naruto,
            sakura,
            no_warnings,
            kudos_count=number * 10,
            summary=f"<p>Sakura's day number {number + 1}, with training and tea.</p>",
        )
    tagged(
        "Blood On The Leaves",
        naruto,
        sakura,
        (TagType.WARNING, "Graphic Depictions Of Violence"),
        kudos_count=9999,
    )
    tagged("Hinata's Garden", naruto, (TagType.CHARACTER, "Hyuuga Hinata"), no_warnings)
    festival = tagged(
        "Paper Lanterns",
        (TagType.FANDOM, "Bleach"),
        (TagType.WARNING, "Major Character Death"),
        summary="<p>A goodbye by the river.</p>",
    )
    chapter = festival.chapters.get()
    chapter.text = (
        "<p>The river was quiet before the festival began.</p>"
        "<p>Rukia lit the first paper lantern and let it go; the lantern festival carried "
        "her wish downstream, past the bridge where they had met.</p>"
    )
    chapter.save()
    drain_index_queue()


def open_group(page: Page, mode: str, tag_type: str) -> None:
    group = page.locator(f"fieldset.{mode} details.facet-group.{tag_type}")
    if group.get_attribute("open") is None:
        group.locator("summary").click()


def test_reader_filters_sorts_pages_searches_and_saves_an_exclusion(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    naruto_shelf()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()

    # A fandom's listing, filtered: include a character, exclude a warning, sort by kudos.
    page.goto(live_server.url + "/tags/Naruto/works/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 – 20 of 24 Works in Naruto")
    open_group(page, "include", "character")
    page.locator("fieldset.include").get_by_label("Haruno Sakura (23)").check()
    open_group(page, "exclude", "warning")
    page.locator("fieldset.exclude").get_by_label("Graphic Depictions Of Violence (1)").check()
    page.get_by_label("Sort by").select_option(label="Kudos")
    page.get_by_role("button", name="Sort and Filter").first.click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"1 – 20 of {SAKURA_WORKS} Works in Naruto")
    titles = page.locator("li.blurb .blurb-heading > a")
    expect(titles.first).to_have_text(f"Cherry Blossom {SAKURA_WORKS:02}")
    expect(page.get_by_text("Blood On The Leaves")).to_have_count(0)
    expect(page.get_by_text("Hinata's Garden")).to_have_count(0)
    # The choices stay ticked after the page reloads.
    expect(page.locator("fieldset.include").get_by_label("Haruno Sakura (22)")).to_be_checked()
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / "finding-filtered-desktop.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=str(shots_dir / "finding-filtered-phone.png"), full_page=True)
    too_wide = page.evaluate(
        "[...document.querySelectorAll('#main *')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert too_wide == [], f"wider than the screen: {too_wide}"
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    # The next page keeps the filters.
    page.get_by_role("link", name="Next →").first.click()
    expect(heading).to_contain_text(f"21 – {SAKURA_WORKS} of {SAKURA_WORKS} Works in Naruto")
    expect(titles).to_have_count(2)
    expect(titles.first).to_have_text("Cherry Blossom 02")

    # Words from the story text, marked in a snippet.
    page.get_by_role("searchbox", name="Search works").first.fill("lantern festival")
    page.get_by_role("searchbox", name="Search works").first.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 – 1 of 1 Work found")
    snippet = page.locator(".snippets").first
    expect(snippet.locator("mark", has_text="lantern").first).to_be_visible()
    expect(snippet).to_contain_text("festival carried her wish downstream")
    page.screenshot(path=str(shots_dir / "finding-search-desktop.png"), full_page=True)
    assert_accessible(page)

    # A saved exclusion: the warned work leaves the archive listing.
    page.goto(live_server.url + "/works/")
    expect(page.get_by_text("Paper Lanterns")).to_have_count(1)
    page.get_by_role("link", name="set up saved exclusions").click()
    page.get_by_label("Major Character Death").check()
    page.get_by_role("button", name="Save exclusions").click()
    expect(page.get_by_text("Your exclusions are saved.")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/works/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("of 24 Works")
    expect(page.get_by_text("Paper Lanterns")).to_have_count(0)
    expect(page.locator(".saved-exclusions")).to_contain_text("hide 1 tag")
    assert Tag.objects.filter(name="Major Character Death").exists()
    context.close()

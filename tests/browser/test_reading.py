"""Reading works in a real browser: the seed through the adult notice, chapters, layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works.models import Work
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import WorkFactory
from tests.fixtures_path import fixture

# The live server runs in another thread, so the tests need real commits; the rollback is
# serialized so the tags and languages created by data migrations survive each test's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED = "seed/000_54b7f5ba612c50cc.txt"
SEED_FIRST_LINE = "Kakashi was going to hang himself today."


def import_seed() -> Work:
    # The seed's text states no rating; it is Explicit on AO3 (shared/README.md).
    call_command(
        "import", str(fixture(SEED)), "--as", "seedwriter", "--rating", "Explicit", "--no-progress"
    )
    return Work.objects.get(title="The Idol")


def chaptered_work(count: int = 3, **kwargs: object) -> Work:
    work = WorkFactory(chapters=count, expected_chapter_count=None, is_complete=False, **kwargs)
    for chapter in work.chapters.all():
        chapter.text = f"<p>The words of chapter {chapter.position}.</p>"
        chapter.save()
    return work


def top_of(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "element is not rendered"
    return box["y"]


def assert_no_sideways_scrolling(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_seed_reads_in_ao3_order_after_the_adult_notice(
    live_server: LiveServer, page: Page
) -> None:
    work = import_seed()
    page.goto(live_server.url + work.get_absolute_url())

    expect(page.get_by_text("This work could have adult content.")).to_be_visible()
    assert SEED_FIRST_LINE not in page.content()
    expect(page.locator("dd.rating")).to_have_text("Explicit")
    page.get_by_role("button", name="Proceed").click()

    expect(page.locator("h1.title")).to_have_text("The Idol")
    summary = page.locator(".preface .summary blockquote")
    expect(summary.locator("p")).to_have_count(3)
    notes = page.locator(".preface .notes")
    expect(notes).to_contain_text("CW: suicide ideation")
    expect(notes).to_contain_text("Terms to Know")
    expect(notes).to_contain_text("Casualty notification officer (CNO)")
    text = page.locator("#chapters")
    expect(text).to_contain_text(SEED_FIRST_LINE)
    expect(text.locator("p.scene-break")).to_have_count(11)
    end_notes = page.locator("#work_endnotes")
    expect(end_notes.locator("blockquote p")).to_have_count(6)

    tops = [top_of(summary), top_of(notes), top_of(text), top_of(end_notes)]
    assert tops == sorted(tops), "not in AO3's order: summary, notes, text, end notes"

    jump = notes.locator("p.jump")
    expect(jump).to_have_text("(See the end of the work for more notes.)")
    jump.get_by_role("link", name="more notes").click()
    expect(page).to_have_url(live_server.url + work.get_absolute_url() + "#work_endnotes")
    expect(end_notes.get_by_role("heading", name="Notes:")).to_be_in_viewport()


def test_chapter_navigation_moves_between_chapters(live_server: LiveServer, page: Page) -> None:
    work = chaptered_work(3)
    chapters = list(work.chapters.order_by("position"))
    page.goto(live_server.url + work.get_absolute_url())
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 1.")

    top_navigation = page.get_by_role("navigation", name="Chapters", exact=True)
    top_navigation.get_by_role("link", name="Next Chapter →").click()
    expect(page).to_have_url(f"{live_server.url}{chapters[1].get_absolute_url()}#workskin")
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 2.")
    expect(page.locator("#chapters")).not_to_contain_text("The words of chapter 1.")

    top_navigation.get_by_role("link", name="Next Chapter →").click()
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 3.")
    expect(top_navigation.get_by_role("link", name="Next Chapter →")).to_have_count(0)

    top_navigation.get_by_role("link", name="← Previous Chapter").click()
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 2.")

    top_navigation.get_by_role("link", name="Entire Work").click()
    for position in (1, 2, 3):
        expect(page.locator("#chapters")).to_contain_text(f"The words of chapter {position}.")


def test_chapter_index_jumps_to_the_chosen_chapter(live_server: LiveServer, page: Page) -> None:
    work = chaptered_work(3)
    page.goto(live_server.url + work.get_absolute_url())

    page.get_by_label("Chapter Index").select_option(label="3. Part 3")
    page.get_by_role("button", name="Go").click()

    expect(page.locator("#chapters")).to_contain_text("The words of chapter 3.")
    expect(page.get_by_role("heading", name="Chapter 3: Part 3")).to_be_visible()


@pytest.mark.parametrize(("layout", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_pages_fit_the_screen(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    work = import_seed()
    chaptered = chaptered_work(3, title="A Chaptered Work", rating="Teen And Up Audiences")
    WorkFactory.create_batch(3)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    stylesheet = page.request.get(live_server.url + "/static/ficshelf/site.css")
    assert stylesheet.ok, "the stylesheet is not served: the screenshots would show raw HTML"

    pages = {
        "index": "/",
        "notice": work.get_absolute_url(),
        "chapter": chaptered.chapters.get(position=2).get_absolute_url(),
        "missing": "/works/999999/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert_no_sideways_scrolling(page)
        page.screenshot(path=str(shots_dir / f"{layout}-{name}.png"), full_page=True)

    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("button", name="Proceed").click()
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(shots_dir / f"{layout}-work-top.png"))
    page.locator("#work_endnotes").scroll_into_view_if_needed()
    page.screenshot(path=str(shots_dir / f"{layout}-work-end.png"))
    context.close()


def test_reading_works_without_javascript(live_server: LiveServer, browser: Browser) -> None:
    work = import_seed()
    chaptered = chaptered_work(2, rating="Explicit")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(live_server.url + work.get_absolute_url())
    expect(page.get_by_text("This work could have adult content.")).to_be_visible()
    page.get_by_role("button", name="Proceed").click()
    expect(page.locator("#chapters")).to_contain_text(SEED_FIRST_LINE)
    page.get_by_role("link", name="more notes").click()
    expect(page.locator("#work_endnotes")).to_be_in_viewport()

    # Proceed lasts for the visit: the next adult work opens directly.
    page.goto(live_server.url + chaptered.get_absolute_url())
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 1.")
    page.get_by_label("Chapter Index").select_option(label="2. Part 2")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("#chapters")).to_contain_text("The words of chapter 2.")
    context.close()

"""Posting in a real browser: a writer posts a chaptered restricted work, then manages it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, TagFactory, WorkFactory
from tests.works.factories_posting import writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def add_chapter(page: Page, title: str, text: str) -> None:
    page.get_by_role("link", name="Add chapter").first.click()
    page.get_by_label("Chapter title").fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_role("button", name="Post").click()


def test_writer_posts_a_chaptered_restricted_work_and_reorders_it(
    live_server: LiveServer, page: Page, browser: Browser
) -> None:
    writer("penwright")
    log_in(page, live_server.url, "penwright")
    page.goto(live_server.url + "/works/new/")

    page.get_by_label("Rating").select_option("Teen And Up Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Gen").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Characters").fill("The Lighthouse Keeper, The Gull")
    page.get_by_label("Additional tags").fill("Slow Burn, Found Family")
    page.get_by_label("Work title").fill("Salt and Lamplight")
    page.get_by_label("Summary", exact=True).fill("A keeper, a gull, a long winter.")
    page.get_by_label("Or start a new series titled").fill("Lighthouse Stories")
    page.get_by_label("Only show this work to registered users").check()
    page.get_by_label("Expected number of chapters").fill("3")
    page.get_by_label("Plain text").check()
    page.get_by_label("Text", exact=True).fill("The lamp was lit.\n\nThe gull came back.")
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("h1.title")).to_contain_text("Salt and Lamplight")
    expect(page.get_by_text("This is a draft")).to_be_visible()
    expect(page.locator("dd.freeform")).to_contain_text("Found Family")
    add_chapter(page, "The Gull", "<p>Feathers everywhere.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your work was posted.")).to_be_visible()

    work = Work.objects.get(title="Salt and Lamplight")
    assert work.is_posted and work.is_restricted
    assert work.chapter_count_display == "2/3"
    assert work.series_works.get().series.title == "Lighthouse Stories"

    add_chapter(page, "Spring", "<p>The ice broke.</p>")
    page.get_by_role("link", name="Manage chapters").first.click()
    page.get_by_label("New number for Chapter 3: Spring").fill("1")
    page.get_by_label("New number for Chapter 1").fill("3")
    page.get_by_role("button", name="Save order").click()
    expect(page.get_by_text("Chapters reordered.")).to_be_visible()
    titles = list(work.chapters.values_list("title", flat=True))
    assert titles == ["Spring", "The Gull", ""]
    work.refresh_from_db()
    assert work.is_complete and work.chapter_count_display == "3/3"

    guest = browser.new_context()
    response = guest.new_page().goto(live_server.url + work.get_absolute_url())
    assert response is not None and response.status == 404
    guest.close()


def test_posting_form_works_without_javascript(live_server: LiveServer, browser: Browser) -> None:
    writer("nojs")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, "nojs")
    page.goto(live_server.url + "/works/new/")
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill("Plain Posting")
    page.get_by_label("Text", exact=True).fill("<p>Works anyway.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Works anyway.")).to_be_visible()
    context.close()


def test_tag_fields_suggest_existing_tags(live_server: LiveServer, page: Page) -> None:
    TagFactory(name="Original Work", type="fandom", is_canonical=True)
    writer("suggested")
    log_in(page, live_server.url, "suggested")
    page.goto(live_server.url + "/works/new/")
    page.get_by_label("Fandoms").press_sequentially("Ori")
    option = page.locator("#tag-suggestions-fandom option")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("value", "Original Work")


def test_form_errors_are_listed_at_the_top(live_server: LiveServer, page: Page) -> None:
    writer("hasty")
    log_in(page, live_server.url, "hasty")
    page.goto(live_server.url + "/works/new/")
    page.get_by_role("button", name="Post", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Work title")
    expect(summary).to_contain_text("Fandoms")


@pytest.mark.parametrize(("layout", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_posting_pages_fit_the_screen(
    live_server: LiveServer,
    browser: Browser,
    shots_dir: Path,
    layout: str,
    viewport: ViewportSize,
) -> None:
    writer("shooter")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, "shooter")

    page.goto(live_server.url + "/works/new/")
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-new-work.png"), full_page=True)
    for legend in ["Tags", "Privacy and comments", "Language, chapters and date"]:
        part = page.get_by_role("group", name=legend, exact=True)
        name = legend.split()[0].lower().rstrip(",")
        part.screenshot(path=str(shots_dir / f"{layout}-posting-form-{name}.png"))
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-posting-errors.png"))

    page.get_by_label("Rating").select_option("Teen And Up Audiences")
    page.get_by_label("Major Character Death").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill("A Preview To Look At")
    page.get_by_label("Summary", exact=True).fill("<p>What the reader sees first.</p>")
    page.get_by_label("Text", exact=True).fill("<p>It was a dark night.</p>")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("This is a draft")).to_be_visible()
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-preview.png"), full_page=True)

    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Drafts (1)")).to_be_visible()
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-dashboard.png"), full_page=True)

    work = Work.objects.get()
    page.goto(live_server.url + f"/works/{work.pk}/chapters/manage/")
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-manage.png"), full_page=True)
    page.goto(live_server.url + f"/works/{work.pk}/chapters/new/")
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-add-chapter.png"), full_page=True)
    page.goto(live_server.url + f"/works/{work.pk}/delete/")
    _assert_fits(page)
    page.screenshot(path=str(shots_dir / f"{layout}-posting-delete.png"))
    context.close()


def test_posting_pages_have_no_serious_accessibility_violations(
    live_server: LiveServer, page: Page
) -> None:
    writer("checker")
    log_in(page, live_server.url, "checker")
    for path in ["/works/new/", "/dashboard/"]:
        page.goto(live_server.url + path)
        assert_accessible(page), path


def _assert_fits(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_writer_names_the_work_that_inspired_theirs(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    source = WorkFactory(title="The Lighthouse", creator=PseudFactory(name="original"))
    writer("answerer")
    log_in(page, live_server.url, "answerer")
    page.goto(live_server.url + "/works/new/")
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill("The Keeper")
    page.get_by_label("Inspired by (the work's address)").fill(
        f"{live_server.url}/works/{source.pk}/"
    )
    page.get_by_label("Text", exact=True).fill("<p>An answer to the lighthouse.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your work was posted.")).to_be_visible()
    expect(page.locator("li.inspired-by")).to_have_text(
        re.compile(r"Inspired by The Lighthouse by original")
    )
    page.screenshot(path=str(shots_dir / "inspired-by.png"), full_page=True)
    page.locator("li.inspired-by a").click()
    # The source lists it only once its creator approves it (test_related_works_and_credits).
    expect(page.get_by_role("heading", name="The Lighthouse")).to_be_visible()
    expect(page.locator("#children")).to_have_count(0)
    assert_accessible(page)


def test_co_creator_removes_themselves_from_a_shared_work(
    live_server: LiveServer, page: Page
) -> None:
    leaving = writer("leaving_writer")
    work = WorkFactory(title="Written Together", creator=PseudFactory(name="staying_writer"))
    work.creatorships.create(pseud=leaving.pseuds.get(), position=1, is_approved=True)
    log_in(page, live_server.url, "leaving_writer")
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("link", name="Remove me as co-creator").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove me").click()
    expect(page.get_by_text("You are no longer credited on “Written Together”.")).to_be_visible()
    assert [c.pseud.name for c in work.creatorships.all()] == ["staying_writer"]


def test_writer_previews_an_edit_of_a_posted_work_then_updates(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    author = writer("reviser")
    work = WorkFactory(title="First Draft Title", creator=author.pseuds.get())
    work.tags.add(
        TagFactory(name="No Archive Warnings Apply"), TagFactory(name="Lighthouses", type="fandom")
    )
    log_in(page, live_server.url, "reviser")
    page.goto(f"{live_server.url}/works/{work.pk}/edit/")
    page.get_by_label("Work title").fill("A Better Title")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("This is how your changes will look.").first).to_be_visible()
    expect(page.locator("h1.title")).to_contain_text("A Better Title")
    page.screenshot(path=str(shots_dir / "edit-preview.png"), full_page=True)
    assert_accessible(page)
    work.refresh_from_db()
    assert work.title == "First Draft Title"
    page.get_by_role("button", name="Update").first.click()
    expect(page.get_by_text("Work updated.")).to_be_visible()
    work.refresh_from_db()
    assert work.title == "A Better Title"

"""A reader's social round in a real browser: kudos, comment, bookmark, subscribe, inbox."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social.actions import notify_subscribers_of_new_chapter
from ficshelf.social.comment_pages import THREADS_PER_PAGE
from ficshelf.social.hits import flush_hits
from ficshelf.social.models import Bookmark, InboxItem, Subscription
from ficshelf.works.models import Work
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import ChapterFactory, UserFactory, WorkFactory
from tests.social.factories import BookmarkFactory, CommentFactory, KudosFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_main_fits_the_screen(page: Page) -> None:
    # Only this app's part of the page: the site header's navigation belongs to base.html.
    too_wide = page.evaluate(
        "[...document.querySelectorAll('#main *')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert too_wide == [], f"wider than the screen: {too_wide}"


def restricted_work() -> Work:
    return WorkFactory(title="Members Only Story", restricted=True, expected_chapter_count=None)


def test_reader_leaves_kudos_comments_bookmarks_subscribes_and_hears_of_a_new_chapter(
    live_server: LiveServer, browser: Browser
) -> None:
    work = restricted_work()
    reader = UserFactory(username="avid")

    guest = browser.new_context().new_page()
    response = guest.goto(live_server.url + work.get_absolute_url())
    assert response is not None and response.status == 404
    guest.context.close()

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, reader.username)
    page.goto(live_server.url + work.get_absolute_url())

    page.get_by_role("button", name="Kudos ♥").first.click()
    expect(page.get_by_text("Thank you for leaving kudos!")).to_be_visible()
    expect(page.locator(".kudos-list")).to_have_text("avid left kudos on this work!")

    page.get_by_role("textbox", name="Comment").fill("This made my day.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("li.comment")).to_contain_text("This made my day.")
    expect(page.get_by_role("heading", name="Comments (1)")).to_be_visible()

    page.get_by_role("link", name="Bookmark").first.click()
    page.get_by_label("Notes").fill("Read it twice.")
    page.get_by_label("Your tags").fill("comfort, favourites")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="My Bookmarks")).to_be_visible()
    expect(page.locator(".bookmark-blurb")).to_contain_text("Members Only Story")
    expect(page.locator(".bookmark-blurb")).to_contain_text("Read it twice.")
    assert Bookmark.objects.filter(user=reader, work=work).exists()

    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    assert Subscription.objects.filter(user=reader, work=work).exists()

    # The stats show the stored counts; the reader's views are one hit once the worker
    # has counted the hits waiting in the cache.
    flush_hits(now=time.time() + 60)
    page.goto(live_server.url + work.get_absolute_url())
    for counted in ("kudos", "comments", "bookmarks", "hits"):
        expect(page.locator(f".work-social-actions .{counted}-count")).to_have_text("1")

    chapter = ChapterFactory(work=work, position=2, title="The Return")
    notify_subscribers_of_new_chapter(chapter)

    page.goto(live_server.url + "/inbox/")
    item = page.locator("li.inbox-item.unread")
    expect(item).to_contain_text("Members Only Story has a new chapter: Chapter 2: The Return")
    item.get_by_role("checkbox").check()
    page.get_by_role("button", name="Mark selected read").click()
    expect(page.locator("li.inbox-item.unread")).to_have_count(0)
    assert InboxItem.objects.filter(recipient=reader, is_read=True).count() == 1

    page.goto(live_server.url + "/inbox/")
    page.get_by_role("link", name="Members Only Story has a new chapter").click()
    expect(page.locator("#chapters")).to_contain_text("Chapter 2: The Return")
    context.close()


@pytest.mark.parametrize(("layout", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_social_pages_fit_the_screen(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    work = restricted_work()
    reader = UserFactory(username="avid")
    for name in ("ann", "bo"):
        KudosFactory(work=work, user=UserFactory(username=name))
    KudosFactory.create_batch(3, work=work, guest=True)
    first = CommentFactory(
        work=work,
        user=UserFactory(username="ann"),
        text="<p>The second scene broke my heart in the best way.</p>",
    )
    reply = CommentFactory(work=work, parent=first, user=reader, text="<p>Same here!</p>")
    CommentFactory(work=work, parent=reply, user=UserFactory(username="bo"), text="<p>+1</p>")
    BookmarkFactory(user=reader, work=work, notes="<p>Read it twice.</p>", tags="comfort, re-read")
    ChapterFactory(work=work, position=2, title="The Return")
    Subscription.objects.create(user=reader, work=work)
    notify_subscribers_of_new_chapter(work.chapters.get(position=2))

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, reader.username)

    page.goto(live_server.url + work.get_absolute_url())
    assert_main_fits_the_screen(page)
    page.locator(".work-social-actions").get_by_text("Add to list").click()
    page.locator(".work-social-actions").screenshot(
        path=str(shots_dir / f"{layout}-social-actions.png")
    )
    page.locator(".work-social-footer").screenshot(
        path=str(shots_dir / f"{layout}-social-footer.png")
    )

    page.goto(live_server.url + "/inbox/")
    assert_main_fits_the_screen(page)
    page.screenshot(path=str(shots_dir / f"{layout}-inbox.png"), full_page=True)

    page.goto(live_server.url + "/bookmarks/")
    assert_main_fits_the_screen(page)
    page.screenshot(path=str(shots_dir / f"{layout}-bookmarks.png"), full_page=True)
    context.close()


def test_reader_pages_through_the_comments_of_a_much_loved_work(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    work = WorkFactory(title="Much Loved")
    chapter = work.chapters.get()
    for number in range(1, THREADS_PER_PAGE + 6):
        CommentFactory(work=work, chapter=chapter, text=f"<p>Thread number {number}</p>")
    page.goto(live_server.url + work.get_absolute_url())
    expect(page.get_by_text("Thread number 1", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Thread number {THREADS_PER_PAGE + 1}", exact=True)).to_have_count(0)
    pages = page.get_by_role("navigation", name="Comment pages")
    pages.get_by_role("link", name="Next →").click()
    expect(page.get_by_text(f"Thread number {THREADS_PER_PAGE + 1}", exact=True)).to_be_visible()
    expect(pages.get_by_text("2", exact=True)).to_have_attribute("aria-current", "page")
    page.screenshot(path=str(shots_dir / "comment-pages.png"), full_page=False)

"""The whole story of issue 3, in a real browser, through the pages people use.

A writer signs up and posts a two-chapter restricted work with tags and a series; a reader
signs up, leaves kudos and a comment, bookmarks the work and subscribes; the writer posts
chapter 3 and the reader finds it in their inbox; a guest cannot see the work; once the
reader mutes the writer, the writer's works vanish from the reader's listings.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a long and unusual passphrase 7"


def sign_up(context: BrowserContext, base: str, username: str) -> Page:
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_label("I have read and accept the Terms of Service").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome to the archive, {username}!")).to_be_visible()
    return page


def post_two_chapter_restricted_work(page: Page, base: str) -> Work:
    page.goto(base + "/")
    page.get_by_role("link", name="Post").click()
    page.get_by_label("Rating").select_option("Teen And Up Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("F/M").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Relationships").fill("Keeper/Pilot")
    page.get_by_label("Additional tags").fill("Slow Burn, Letters")
    page.get_by_label("Work title").fill("The Harbour Letters")
    page.get_by_label("Summary", exact=True).fill("Letters across a winter harbour.")
    page.get_by_label("Or start a new series titled").fill("Harbour Stories")
    page.get_by_label("Only show this work to registered users").check()
    page.get_by_label("Plain text").check()
    page.get_by_label("Text", exact=True).fill("The first letter came in the fog.")
    page.get_by_role("button", name="Preview").click()
    add_chapter(page, "The Reply", "<p>She wrote back at once.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your work was posted.")).to_be_visible()
    return Work.objects.get(title="The Harbour Letters")


def add_chapter(page: Page, title: str, text: str) -> None:
    page.get_by_role("link", name="Add chapter").first.click()
    page.get_by_label("Chapter title").fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_role("button", name="Post").click()


def test_writer_and_reader_story(live_server: LiveServer, browser: Browser) -> None:
    base = live_server.url
    writer_context, reader_context, guest_context = (browser.new_context() for _ in range(3))
    try:
        writer = sign_up(writer_context, base, "harbourwriter")
        work = post_two_chapter_restricted_work(writer, base)
        assert work.is_restricted and work.chapter_count_display == "2/?"
        assert work.series_works.get().series.title == "Harbour Stories"

        reader = sign_up(reader_context, base, "harbourreader")
        reader.goto(base + work.get_absolute_url())
        expect(reader.locator("h1.title")).to_contain_text("The Harbour Letters")
        assert_accessible(reader)
        reader.get_by_role("button", name="Kudos ♥").first.click()
        expect(reader.get_by_text("Thank you for leaving kudos!")).to_be_visible()
        reader.get_by_role("textbox", name="Comment").fill("The fog line is lovely.")
        reader.get_by_role("button", name="Comment", exact=True).click()
        expect(reader.get_by_role("heading", name="Comments (1)")).to_be_visible()
        reader.get_by_role("link", name="Bookmark").first.click()
        reader.get_by_label("Notes").fill("For a rainy day.")
        reader.get_by_role("button", name="Create").click()
        expect(reader.get_by_role("heading", name="My Bookmarks")).to_be_visible()
        expect(reader.get_by_text("The Harbour Letters")).to_be_visible()
        reader.goto(base + work.get_absolute_url())
        reader.get_by_role("button", name="Subscribe").click()
        expect(reader.get_by_role("button", name="Unsubscribe")).to_be_visible()

        writer.goto(base + work.get_absolute_url())
        add_chapter(writer, "The Thaw", "<p>The harbour opened in March.</p>")
        work.refresh_from_db()
        assert work.chapter_count_display == "3/?"

        reader.goto(base + "/")
        reader.get_by_role("link", name="Inbox").click()
        reader.get_by_role("link", name="The Harbour Letters has a new chapter").click()
        expect(reader.get_by_text("The harbour opened in March.")).to_be_visible()

        guest = guest_context.new_page()
        response = guest.goto(base + work.get_absolute_url())
        assert response is not None and response.status == 404
        guest.goto(base + "/")
        expect(guest.get_by_text("The Harbour Letters")).to_have_count(0)

        reader.goto(base + "/")
        expect(reader.get_by_role("link", name="The Harbour Letters")).to_be_visible()
        reader.goto(base + work.get_absolute_url())
        reader.locator(".byline").get_by_role("link", name="harbourwriter").click()
        reader.get_by_role("link", name="Mute").click()
        reader.get_by_role("button", name="Yes, mute").click()
        reader.goto(base + "/")
        expect(reader.get_by_role("link", name="The Harbour Letters")).to_have_count(0)
        # The work page says why it is hidden, and shows none of the text.
        reader.goto(base + work.get_absolute_url())
        expect(
            reader.get_by_role("heading", name="You muted a creator of this work")
        ).to_be_visible()
        expect(reader.get_by_text("The harbour opened in March.")).to_have_count(0)
    finally:
        for context in (writer_context, reader_context, guest_context):
            context.close()

"""A writer previews a new chapter, goes back to edit it, previews again and posts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_writer_previews_a_new_chapter_edits_it_then_posts_it(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    author = writer("keeper")
    work = posted_work(author, title="Salt and Lamplight")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "keeper")

    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("link", name="Add chapter").first.click()
    page.get_by_label("Chapter title").fill("The Storm")
    page.get_by_label("Text", exact=True).fill("<p>The waves rose over the lamp.</p>")
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_text("This is how the new chapter will look.").first).to_be_visible()
    expect(page.get_by_text("The waves rose over the lamp.")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-chapter-preview.png"), full_page=True)
    assert_accessible(page)
    assert work.chapters.count() == 1

    page.get_by_role("button", name="Edit").first.click()
    expect(page.get_by_label("Chapter title")).to_have_value("The Storm")
    page.get_by_label("Text", exact=True).fill("<p>The waves rose over the lamp, twice.</p>")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("The waves rose over the lamp, twice.")).to_be_visible()

    page.get_by_role("button", name="Post").first.click()
    expect(page.get_by_text("Chapter posted.")).to_be_visible()
    expect(page.get_by_text("The waves rose over the lamp, twice.")).to_be_visible()
    chapter = work.chapters.get(position=2)
    assert chapter.title == "The Storm" and chapter.is_posted
    page.context.close()

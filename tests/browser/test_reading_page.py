"""The reading page in a real browser: continue reading where one stopped, replies inline
(and through the reply page without JavaScript), the end bar and the comment counter."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social.models import Comment, Reading
from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.reading_place import let_the_reading_place_settle
from tests.browser.signing_in import log_in
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import CommentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def long_work(chapters: int = 4) -> Work:
    work = WorkFactory(
        chapters=chapters,
        rating="General Audiences",
        expected_chapter_count=None,
        title="The Long Road",
    )
    for chapter in work.chapters.all():
        chapter.text = "".join(
            f"<p>Chapter {chapter.position}, paragraph {n}: the road went on and on, past "
            "fields and rivers and towns whose names nobody remembered any more.</p>"
            for n in range(80)
        )
        chapter.save()
    return work


FRACTION_AT_READING_LINE = """(id) => {
  const chapter = document.getElementById(id);
  const box = chapter.getBoundingClientRect();
  return (window.innerHeight / 3 - box.top) / box.height;
}"""

SCROLL_TO_FRACTION = """([id, fraction]) => {
  const chapter = document.getElementById(id);
  const box = chapter.getBoundingClientRect();
  window.scrollTo(0, window.pageYOffset + box.top + fraction * box.height - window.innerHeight / 3);
}"""


def test_reader_continues_where_they_stopped(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    work = long_work()
    reader = UserFactory(username="wanderer")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, reader.username)
    third = work.chapters.get(position=3)

    page.goto(live_server.url + third.get_absolute_url())
    with page.expect_response(lambda r: r.url.endswith(f"/works/{work.pk}/place/")) as sent:
        page.evaluate(SCROLL_TO_FRACTION, ["chapter-3", 0.6])
    assert sent.value.status == 204
    reading = Reading.objects.get(user=reader, work=work)
    assert reading.chapter_id == third.pk
    assert reading.scroll_fraction == pytest.approx(0.6, abs=0.02)

    page.goto(live_server.url + work.get_absolute_url())
    link = page.get_by_role("link", name="Continue reading (chapter 3)")
    expect(link).to_be_visible()
    page.screenshot(path=str(shots_dir / "continue-reading-desktop.png"))
    link.click()
    expect(page).to_have_url(live_server.url + third.get_absolute_url() + "#chapter-3")
    page.wait_for_load_state("load")
    page.wait_for_function(f"({FRACTION_AT_READING_LINE})('chapter-3') > 0.5")
    assert page.evaluate(FRACTION_AT_READING_LINE, "chapter-3") == pytest.approx(0.6, abs=0.05)

    # Marked for Later offers the same place.
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("button", name="Mark for Later").click()
    page.goto(live_server.url + "/later/")
    page.get_by_role("link", name="Continue reading").click()
    page.wait_for_load_state("load")
    page.wait_for_function(f"({FRACTION_AT_READING_LINE})('chapter-3') > 0.5")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + work.get_absolute_url())
    page.screenshot(path=str(shots_dir / "continue-reading-phone.png"))
    let_the_reading_place_settle(page)
    context.close()

    # Without JavaScript the last chapter opened is kept, and the anchor opens it.
    plain = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = plain.new_page()
    log_in(page, live_server.url, reader.username)
    page.goto(live_server.url + work.chapters.get(position=2).get_absolute_url())
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("link", name="Continue reading (chapter 2)").click()
    expect(page).to_have_url(
        live_server.url + work.chapters.get(position=2).get_absolute_url() + "#chapter-2"
    )
    plain.close()


def test_reader_replies_inline_and_the_reply_appears_in_its_thread(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    work = WorkFactory(rating="General Audiences", title="Talked About")
    first = CommentFactory(work=work, user=UserFactory(username="firstreader"))
    reader = UserFactory(username="replier")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, reader.username)
    page.goto(live_server.url + work.get_absolute_url())
    page.evaluate("window.stillThisPage = true")

    thread = page.locator(f"#comment_{first.pk}")
    expect(thread.get_by_role("link", name="firstreader")).to_have_attribute(
        "href", "/users/firstreader/"
    )
    thread.get_by_role("link", name="Reply").click()
    box = thread.locator(".inline-reply")
    expect(box.get_by_role("textbox", name="Comment")).to_be_focused()
    expect(box.locator(".char-count")).to_have_text("10,000 characters left")
    box.get_by_role("textbox", name="Comment").fill("Agreed, every word.")
    expect(box.locator(".char-count")).to_have_text("9,981 characters left")
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / "inline-reply-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots_dir / "inline-reply-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    box.get_by_role("button", name="Reply").click()

    reply_item = thread.locator("ol.thread > li.comment")
    expect(reply_item).to_contain_text("Agreed, every word.")
    expect(box).to_have_count(0)
    expect(page.get_by_role("heading", name="Comments (2)")).to_be_visible()
    assert page.evaluate("window.stillThisPage") is True  # no page was loaded
    reply = Comment.objects.get(parent=first)
    assert reply.user == reader and "Agreed, every word." in reply.text

    # The end bar, at the bottom: back to the top.
    page.locator(".work-end-actions").get_by_role("link", name="↑ Top").click()
    expect(page).to_have_url(live_server.url + work.get_absolute_url() + "#main")
    let_the_reading_place_settle(page)
    context.close()


def test_without_javascript_the_reply_page_still_works(
    live_server: LiveServer, browser: Browser
) -> None:
    work = WorkFactory(rating="General Audiences", title="Talked About")
    first = CommentFactory(work=work, guest=True, guest_name="Passerby")
    reader = UserFactory(username="plainreader")
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, reader.username)
    page.goto(live_server.url + work.get_absolute_url())
    thread = page.locator(f"#comment_{first.pk}")
    expect(thread.get_by_role("link", name="Passerby")).to_have_count(0)  # a guest: not linked
    thread.get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply to Passerby")).to_be_visible()
    page.get_by_role("textbox", name="Comment").fill("Thank you, passerby.")
    page.get_by_role("button", name="Reply").click()
    expect(page.locator(f"#comment_{first.pk} ol.thread li.comment")).to_contain_text(
        "Thank you, passerby."
    )
    assert Comment.objects.get(parent=first).user == reader
    context.close()

"""Site pages and news in a real browser: an editor writes the FAQ and a reader finds it
and its history; a new version of the Terms is accepted at the next sign-in; a news post
gets a comment and is in the feed; the banner is dismissed without script. Screenshots of
the home page, a site page and news at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import User
from ficshelf.search.queue import drain_index_queue
from ficshelf.sitecontent.models import NewsComment, TermsAcceptance
from ficshelf.tags.models import TagType
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in, log_out
from tests.browser.two_factor import authenticator_for
from tests.factories import TagFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAYOUTS = [("phone", PHONE), ("desktop", DESKTOP)]


def member_with(username: str, codename: str) -> User:
    user: User = UserFactory(username=username)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="sitecontent", codename=codename)
    )
    authenticator_for(username)  # a permission asks for two-factor
    return user


def assert_no_sideways_scrolling(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_an_editor_writes_the_faq_and_a_reader_finds_it_and_its_history(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    member_with("editor", "edit_site_pages")
    log_in(page, live_server.url, "editor")
    page.goto(live_server.url + "/site/faq/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Text:", exact=True).fill(
        "## Reading\n\n### Can I download works?\n\nYes: every work has a Download menu.\n\n"
        "## Posting\n\n### Who can post?\n\nAny member."
    )
    page.get_by_label("Summary of the change").fill("First real questions")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved revision 2.")).to_be_visible()
    log_out(page)

    # A guest finds the page from the footer, follows a question's link, reads the history.
    page.goto(live_server.url + "/works/")
    page.get_by_role("contentinfo").get_by_role("link", name="FAQ").click()
    page.get_by_role("link", name="Can I download works?").click()
    assert page.url.endswith("/site/faq/#can-i-download-works")
    expect(page.get_by_role("heading", name="Can I download works?")).to_be_visible()
    page.screenshot(path=str(shots_dir / "desktop-faq.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name="First real questions")).to_be_visible()
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.locator("li.diff-added").first).to_contain_text("## Reading")
    expect(page.locator("li.diff-removed").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "desktop-faq-diff.png"), full_page=True)
    assert_accessible(page)


def test_a_new_version_of_the_terms_is_accepted_at_the_next_sign_in(
    live_server: LiveServer, page: Page
) -> None:
    member = UserFactory(username="reader")
    member_with("editor", "edit_site_pages")
    log_in(page, live_server.url, "editor")
    page.goto(live_server.url + "/site/terms/edit/")
    page.get_by_label("Text:", exact=True).fill("Version two: be kind, and tag your works.")
    page.get_by_label("Summary of the change").fill("New rules on tagging")
    page.get_by_label("This is a new version that members must accept").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Members will be asked to accept version 2.")).to_be_visible()
    # The editor is a member too: asked at their next page.
    page.goto(live_server.url + "/works/")
    expect(page.get_by_role("heading", name="The Terms of Service have changed")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    log_in(page, live_server.url, "reader")
    expect(page.get_by_role("heading", name="The Terms of Service have changed")).to_be_visible()
    expect(page.get_by_text("Version two: be kind")).to_be_visible()
    assert_accessible(page)
    # Declining: every other page asks again; the Terms themselves stay readable.
    page.goto(live_server.url + "/site/about/")
    expect(page.get_by_role("heading", name="The Terms of Service have changed")).to_be_visible()
    page.get_by_label("I have read and accept the Terms of Service (version 2)").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_text("Thank you for accepting the Terms of Service.")).to_be_visible()
    expect(page.get_by_role("heading", name="About", exact=True)).to_be_visible()
    assert TermsAcceptance.objects.filter(user=member, version=2).exists()


def test_sign_up_accepts_the_terms_linked_from_the_form(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/accounts/signup/")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Read the Terms of Service").click()
    expect(opened.value.get_by_role("heading", name="Terms of Service")).to_be_visible()
    opened.value.close()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill("a long and unusual passphrase")
    page.get_by_label("Confirm password").fill("a long and unusual passphrase")
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("You must accept the Terms of Service to sign up.")).to_be_visible()
    page.get_by_label("Password:", exact=True).fill("a long and unusual passphrase")
    page.get_by_label("Confirm password").fill("a long and unusual passphrase")
    page.get_by_label("I have read and accept the Terms of Service").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("Welcome to the archive, newcomer!")).to_be_visible()
    assert TermsAcceptance.objects.filter(user__username="newcomer", version=1).exists()


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_news_with_a_comment_and_its_feed(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    member_with("comms", "publish_news")
    UserFactory(username="reader")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "comms")
    page.goto(live_server.url + "/news/")
    page.get_by_role("link", name="Post news").click()
    page.get_by_label("Title").fill("Downloads are faster")
    page.get_by_label("Text:", exact=True).fill(
        "Every download now starts **at once**.\n\nTell us what you think below."
    )
    page.get_by_label("Tags").fill("Releases, Downloads")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Downloads are faster")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "reader")
    page.goto(live_server.url + "/news/?tag=Releases")
    page.get_by_role("link", name="Downloads are faster", exact=True).click()
    page.get_by_role("textbox", name="Comment").fill("Much better, thank you!")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator(".news-comment")).to_contain_text("Much better, thank you!")
    assert NewsComment.objects.get().user.username == "reader"  # type: ignore[union-attr]
    page.screenshot(path=str(shots_dir / f"{layout}-news-post.png"), full_page=True)
    assert_no_sideways_scrolling(page)
    assert_accessible(page)

    page.get_by_role("link", name="News", exact=True).first.click()
    page.screenshot(path=str(shots_dir / f"{layout}-news.png"), full_page=True)
    assert_no_sideways_scrolling(page)
    feed_href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute(
        "href"
    )
    assert feed_href == "/news/feed.atom"
    feed = page.request.get(live_server.url + feed_href)
    root = lxml.etree.fromstring(feed.body())
    titles = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert [title.text for title in titles] == ["Downloads are faster"]
    page.context.close()


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_the_home_page_banner_is_dismissed_and_a_site_page_fits(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    for number, fandom in enumerate(["Naruto", "Naruto", "Bleach"]):
        work = WorkFactory(title=f"Story {number} of {fandom}")
        work.tags.add(TagFactory(name=fandom, type=TagType.FANDOM))
    drain_index_queue()
    member_with("comms", "publish_news")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "comms")
    page.goto(live_server.url + "/banner/")
    page.get_by_label("Banner text").fill(
        "The archive is read-only on <b>Sunday</b> for an upgrade."
    )
    page.get_by_role("button", name="Put it up").click()
    expect(page.get_by_text("The banner is up.")).to_be_visible()
    page.goto(live_server.url + "/news/new/")
    page.get_by_label("Title").fill("Welcome to the new archive")
    page.get_by_label("Text:", exact=True).fill("We are open.")
    page.get_by_role("button", name="Publish").click()
    log_out(page)
    page.context.clear_cookies()

    # A guest (no script needed: a form button) dismisses it; it stays gone.
    page.goto(live_server.url + "/")
    banner = page.get_by_role("region", name="Announcement")
    expect(banner).to_contain_text("read-only on Sunday")
    expect(page.get_by_role("link", name="Welcome to the new archive")).to_be_visible()
    expect(page.locator(".home-fandom-list")).to_contain_text("Naruto (2)")
    page.screenshot(path=str(shots_dir / f"{layout}-home.png"), full_page=True)
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
    banner.get_by_role("button", name="Dismiss").click()
    expect(banner).to_have_count(0)
    page.goto(live_server.url + "/works/")
    expect(page.get_by_role("region", name="Announcement")).to_have_count(0)

    page.goto(live_server.url + "/site/privacy/")
    page.screenshot(path=str(shots_dir / f"{layout}-site-page.png"), full_page=True)
    assert_no_sideways_scrolling(page)
    page.context.close()


def test_a_member_dismisses_the_banner_for_good(live_server: LiveServer, page: Page) -> None:
    member_with("comms", "publish_news")
    log_in(page, live_server.url, "comms")
    page.goto(live_server.url + "/banner/")
    page.get_by_label("Banner text").fill("Vote in the board election!")
    page.get_by_role("button", name="Put it up").click()

    banner = page.get_by_role("region", name="Announcement")
    banner.get_by_role("button", name="Dismiss").click()
    expect(banner).to_have_count(0)
    # Another browser of the same member: dismissed there too (stored per member).
    other = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    log_in(other, live_server.url, "comms")
    other.goto(live_server.url + "/site/about/")
    expect(other.get_by_role("heading", name="About", exact=True)).to_be_visible()
    expect(other.get_by_role("region", name="Announcement")).to_have_count(0)
    other.context.close()

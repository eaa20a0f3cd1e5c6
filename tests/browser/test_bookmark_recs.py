"""Finding recs in a real browser: a member bookmarks a work hosted elsewhere, their public
bookmarks page filters by the sidebar, and another reader finds it through bookmark search."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social import actions, bookmark_counting
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.test_social import assert_main_fits_the_screen
from tests.factories import TagFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fill_external_work_form(page: Page) -> None:
    page.get_by_label("URL", exact=True).fill("https://elsewhere.example/works/7")
    page.get_by_label("Title", exact=True).fill("Road To Elsewhere")
    page.get_by_label("Creator", exact=True).fill("wanderer")
    page.get_by_label("Summary").fill("<p>A long drive.</p>")
    page.get_by_label("Rating").select_option("Teen And Up Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Travel Stories")
    page.get_by_label("Additional tags").fill("Road Trip")
    page.get_by_label("Notes", exact=True).fill("Best road trip fic")
    page.get_by_label("Your tags").fill("comfort read")
    page.get_by_label("Rec", exact=True).check()


def test_member_bookmarks_an_external_work_filters_their_page_and_others_find_it(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    bookmarker = UserFactory(username="trailfinder")
    home_work = WorkFactory(title="Home Grown Story")
    home_work.tags.add(TagFactory(name="Travel Stories", type=TagType.FANDOM))
    actions.save_bookmark(actor=bookmarker, work=home_work, tags="home, comfort read")
    actions.save_bookmark(actor=bookmarker, work=WorkFactory(title="Other Pick"), tags="angst")

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, bookmarker.username)

    # From their own bookmarks page to the external work form.
    page.goto(live_server.url + "/bookmarks/")
    page.get_by_role("link", name="Bookmark External Work").click()
    page.get_by_label("URL", exact=True).fill("javascript:alert(1)")
    page.get_by_label("Title", exact=True).fill("Bad")
    page.get_by_label("Creator", exact=True).fill("x")
    page.get_by_label("Fandoms").fill("Travel Stories")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert").filter(has_text="Enter the work's address")).to_be_visible()

    fill_external_work_form(page)
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Bookmark was successfully saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="3 Bookmarks by trailfinder")).to_be_visible()
    expect(page.get_by_role("link", name="Road To Elsewhere")).to_have_attribute(
        "href", "https://elsewhere.example/works/7"
    )
    page.screenshot(path=str(shots_dir / "user-bookmarks-desktop.png"), full_page=True)
    assert_accessible(page)

    # The sidebar: the bookmarker's tag "comfort read" is on two bookmarks.
    page.locator("summary", has_text="Bookmarker's Tags").click()
    page.get_by_label("comfort read (2)").check()
    page.get_by_role("button", name="Sort and Filter").first.click()
    expect(page.get_by_role("heading", name="1 – 2 of 2 Bookmarks by trailfinder")).to_be_visible()
    expect(page.get_by_text("Other Pick")).to_have_count(0)
    context.close()

    # A guest finds it through bookmark search, by the work's fandom and rec only.
    guest = browser.new_context(viewport=DESKTOP).new_page()
    guest.goto(live_server.url + "/bookmarks/search/")
    guest.get_by_label("Work tags").fill("Travel Stories")
    guest.get_by_label("Rec only").check()
    guest.get_by_role("button", name="Search Bookmarks").click()
    expect(guest.get_by_role("heading", name="1 – 1 of 1 Bookmark found")).to_be_visible()
    expect(guest.get_by_text("Best road trip fic")).to_be_visible()
    assert_accessible(guest)
    guest.get_by_role("link", name="trailfinder").first.click()
    expect(guest.get_by_role("heading", name="3 Bookmarks by trailfinder")).to_be_visible()
    guest.context.close()

    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(live_server.url + "/users/trailfinder/bookmarks/")
    assert_main_fits_the_screen(phone)
    phone.screenshot(path=str(shots_dir / "user-bookmarks-phone.png"), full_page=True)
    phone.goto(live_server.url + "/bookmarks/search/?title=road")
    assert_main_fits_the_screen(phone)
    phone.screenshot(path=str(shots_dir / "bookmark-search-phone.png"), full_page=True)
    phone.context.close()
    assert Tag.objects.filter(name="Road Trip").exists()


def test_the_dashboard_and_profile_link_to_the_public_bookmarks_page(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    member = UserFactory(username="linkeduser")
    actions.save_bookmark(actor=member, work=WorkFactory(title="Dashboard Pick"))
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, member.username)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Your public bookmarks page").click()
    expect(page.get_by_role("heading", name="1 Bookmark by linkeduser")).to_be_visible()
    page.goto(live_server.url + "/users/linkeduser/")
    page.get_by_role("navigation", name="Pages of linkeduser").get_by_role(
        "link", name="Bookmarks"
    ).click()
    expect(page.get_by_text("Dashboard Pick")).to_be_visible()
    page.goto(live_server.url + "/bookmarks/search/")
    page.screenshot(path=str(shots_dir / "bookmark-search-desktop.png"), full_page=True)
    page.goto(live_server.url + "/bookmarks/external/new/")
    page.screenshot(path=str(shots_dir / "external-form-desktop.png"), full_page=True)
    assert_accessible(page)
    context.close()


def test_a_broad_bookmark_search_says_more_than_and_what_its_sidebar_counted(
    live_server: LiveServer, browser: Browser, shots_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lowered limits (the live server runs in this process) make six bookmarks a broad search.
    monkeypatch.setattr(bookmark_counting, "COUNTED_UP_TO", 4)
    monkeypatch.setattr(bookmark_counting, "SIDEBAR_COUNTS_UP_TO", 3)
    fandom = TagFactory(name="Harbour Tales", type=TagType.FANDOM)
    for n in range(6):
        work = WorkFactory(title=f"Harbour Story {n}")
        work.tags.add(fandom)
        actions.save_bookmark(actor=UserFactory(), work=work, tags="sea", is_rec=True)
    hidden = WorkFactory(title="Harbour Secret")
    hidden.tags.add(fandom)
    actions.save_bookmark(actor=UserFactory(), work=hidden, tags="sea", is_rec=True)
    Work.objects.filter(pk=hidden.pk).update(is_hidden_by_admin=True)

    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(live_server.url + "/bookmarks/search/")
        page.get_by_label("Work tags").fill("Harbour Tales")
        page.get_by_label("Rec only").check()
        page.get_by_role("button", name="Search Bookmarks").click()
        heading = "1 – 4 of more than 4 Bookmarks found"
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_text("Harbour Secret")).to_have_count(0)
        page.goto(page.url + "#filters")
        expect(page.get_by_text("Counted over the newest 3 bookmarks found.")).to_be_visible()
        # The chosen fandom's group is open already.
        expect(page.get_by_label("Harbour Tales (3)")).to_be_checked()
        page.locator("summary", has_text="Bookmarker's Tags").click()
        expect(page.get_by_label("sea (3)")).to_be_visible()
        if name == "phone":
            assert_main_fits_the_screen(page)
        else:
            assert_accessible(page)
        page.screenshot(path=str(shots_dir / f"bookmark-search-broad-{name}.png"), full_page=True)
        page.context.close()

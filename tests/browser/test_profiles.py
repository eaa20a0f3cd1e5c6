"""Profiles in a real browser: a member writes their "About me" and gives a pseud an icon,
a reader walks the profile's tabs, and a writer sorts their statistics."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import MemberProfile, PseudIcon
from ficshelf.search.queue import drain_index_queue
from ficshelf.social import counters
from ficshelf.works.collection_items import create_collection
from ficshelf.works.collection_models import Collection
from ficshelf.works.models import Series, SeriesWork, Work
from tests.accounts.images import png_bomb, png_bytes
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.social.factories import CommentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAYOUTS = [("desktop", DESKTOP), ("phone", PHONE)]


def new_page(browser: Browser, viewport: ViewportSize) -> Page:
    return browser.new_context(viewport=viewport).new_page()


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_member_writes_about_themself_and_gives_their_pseud_an_icon(
    live_server: LiveServer,
    browser: Browser,
    shots_dir: Path,
    tmp_path: Path,
    layout: str,
    viewport: ViewportSize,
) -> None:
    PseudFactory(name="lamplighter", user__username="lamplighter")
    page = new_page(browser, viewport)
    log_in(page, live_server.url, "lamplighter")

    page.goto(live_server.url + "/users/lamplighter/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("About me").fill(
        '<p>I keep the <em>harbour</em> light.</p><script>alert("x")</script>'
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="About lamplighter")).to_be_visible()
    expect(page.locator(".profile-about em")).to_have_text("harbour")
    assert "<script" not in MemberProfile.objects.get().about

    # A file that is no picture is refused, with the reason, and nothing is kept.
    page.goto(live_server.url + "/accounts/pseuds/")
    page.get_by_role("link", name="Edit lamplighter").click()
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    page.get_by_label("Icon image").set_input_files(str(bomb))
    page.get_by_label("Icon description").fill("A bomb")
    page.get_by_role("button", name="Save icon").click()
    expect(page.get_by_text("7072×7072 pixels: at most 2000×2000")).to_be_visible()
    assert not PseudIcon.objects.exists()

    picture = tmp_path / "lighthouse.png"
    picture.write_bytes(png_bytes(400, 300))
    page.get_by_label("Icon image").set_input_files(str(picture))
    page.get_by_label("Icon description").fill("A lighthouse at night")
    page.get_by_role("button", name="Save icon").click()
    expect(page.get_by_text("Icon saved.")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-pseud-icon-edit.png"), full_page=True)

    page.goto(live_server.url + "/users/lamplighter/")
    icon = page.get_by_role("img", name="A lighthouse at night").first
    expect(icon).to_be_visible()
    assert icon.evaluate("img => img.naturalWidth") == 100
    page.screenshot(path=str(shots_dir / f"{layout}-profile.png"), full_page=True)
    assert_accessible(page)
    page.context.close()


def member_with_shelves() -> None:
    writer = PseudFactory(name="wren", user__username="wren")
    work = WorkFactory(title="Open Sky", creator=writer)
    series = Series.objects.create(title="Skies Over Water")
    SeriesWork.objects.create(series=series, work=work, position=1)
    create_collection(Collection(name="skyfest", title="Sky Fest"), owner=writer.user)
    drain_index_queue()


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_reader_walks_the_tabs_of_a_profile(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    member_with_shelves()
    UserFactory(username="visitor")
    page = new_page(browser, viewport)
    log_in(page, live_server.url, "visitor")
    page.goto(live_server.url + "/users/wren/")
    tabs = page.get_by_role("navigation", name="Pages of wren")
    expect(tabs.get_by_role("link", name="Profile")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Stats")).to_have_count(0)
    expect(page.get_by_role("button", name="Subscribe")).to_be_visible()

    tabs.get_by_role("link", name="Series").click()
    expect(page.get_by_role("heading", name="Series by wren", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Skies Over Water")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-profile-series.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("navigation", name="Pages of wren").get_by_role(
        "link", name="Collections"
    ).click()
    expect(page.get_by_role("link", name="Sky Fest")).to_be_visible()
    expect(page.get_by_text("Owner")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-profile-collections.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("navigation", name="Pages of wren").get_by_role("link", name="Works").click()
    expect(page.get_by_role("link", name="Open Sky")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Pages of wren").get_by_role("link", name="Works")
    ).to_have_attribute("aria-current", "page")

    page.get_by_role("navigation", name="Pages of wren").get_by_role("link", name="Gifts").click()
    expect(page.get_by_role("heading", name="Gifts for wren", level=1)).to_be_visible()
    bookmarks = page.get_by_role("navigation", name="Pages of wren").get_by_role(
        "link", name="Bookmarks"
    )
    expect(bookmarks).to_have_attribute("href", "/users/wren/bookmarks/")
    page.context.close()


def writer_with_numbers() -> None:
    writer = PseudFactory(name="wren", user__username="wren")
    for title, year, hits, words in [
        ("Autumn Leaves", 2023, 40, 1200),
        ("Spring Rain", 2024, 90, 800),
        ("Summer Storm", 2024, 10, 3000),
    ]:
        work = WorkFactory(
            title=title,
            creator=writer,
            published_on=datetime.date(year, 6, 1),
            word_count=words,
        )
        counters.add_hits({work.pk: hits})
        # Comment threads: Summer Storm 2 (and a reply, which is no thread), Autumn Leaves 1.
        for n in range({"Summer Storm": 2, "Autumn Leaves": 1}.get(title, 0)):
            thread = CommentFactory(work=work)
            if n == 0 and title == "Summer Storm":
                CommentFactory(work=work, parent=thread)
    assert Work.objects.count() == 3


def stats_titles(page: Page) -> list[str]:
    table = page.get_by_role("table", name="Per work")
    return [cell.inner_text() for cell in table.locator("tbody th").all()]


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_writer_sorts_and_filters_their_statistics(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    writer_with_numbers()
    page = new_page(browser, viewport)
    log_in(page, live_server.url, "wren")
    page.goto(live_server.url + "/users/wren/")
    page.get_by_role("navigation", name="Pages of wren").get_by_role("link", name="Stats").click()

    expect(page.get_by_role("heading", name="Statistics for wren")).to_be_visible()
    assert stats_titles(page) == ["Spring Rain", "Autumn Leaves", "Summer Storm"]  # most hits
    expect(page.get_by_role("img", name="Hits: the 3 works with the most")).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-stats.png"), full_page=True)
    assert_accessible(page)

    table = page.get_by_role("table", name="Per work")
    table.get_by_role("link", name="Words").click()
    expect(table.locator("th[aria-sort=descending]")).to_have_text("Words ▼")
    assert stats_titles(page) == ["Summer Storm", "Autumn Leaves", "Spring Rain"]
    page.get_by_role("table", name="Per work").get_by_role("link", name="Words").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Words ▲")
    assert stats_titles(page) == ["Spring Rain", "Autumn Leaves", "Summer Storm"]
    page.get_by_role("table", name="Per work").get_by_role("link", name="Comment threads").click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Comment threads ▼")
    assert stats_titles(page) == ["Summer Storm", "Autumn Leaves", "Spring Rain"]
    expect(
        page.get_by_role("img", name="Comment threads: the 3 works with the most")
    ).to_be_visible()
    page.screenshot(path=str(shots_dir / f"{layout}-stats-threads.png"), full_page=True)
    page.get_by_role("table", name="Per work").get_by_role("link", name="Work").click()
    assert stats_titles(page) == ["Autumn Leaves", "Spring Rain", "Summer Storm"]

    page.get_by_role("combobox", name="Year").select_option("2024")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Works published in 2024")).to_be_visible()
    assert stats_titles(page) == ["Spring Rain", "Summer Storm"]  # still sorted by title
    page.context.close()

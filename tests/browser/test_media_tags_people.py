"""Finding fandoms, tags and people in a real browser: from the header to a medium's
fandoms, a tag search sorted by works, and a people search by fandom, each page checked
with axe and photographed at desktop and phone width; and a wrangler files a fandom under
a medium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.actions import set_pseud_icon
from ficshelf.accounts.models import Pseud
from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import ParentTagging, Tag, TagType
from tests.accounts.images import png_bytes
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.two_factor import authenticator_for
from tests.factories import PseudFactory, UserFactory
from tests.tags.factories import canonical, fandom, tag, work_tagged, wrangler

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def writer(name: str) -> Pseud:
    return PseudFactory(user=UserFactory(username=name), name=name)


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    """Desktop and phone screenshots of the page as it is, then back to desktop."""
    page.screenshot(path=str(shots_dir / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots_dir / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def shelf() -> None:
    show, films = fandom("Lighthouse (TV)"), fandom("Harbour Lights (Movies)")
    sea = fandom("Sea Stories - Anonymous")
    tv, movies = Tag.objects.get(name="TV Shows"), Tag.objects.get(name="Movies")
    ParentTagging.objects.create(parent=tv, child=show)
    ParentTagging.objects.create(parent=movies, child=films)
    keeper = canonical("The Keeper", TagType.CHARACTER)
    ParentTagging.objects.create(parent=show, child=keeper)
    quill, moth = writer("quillwright"), writer("mothlight")
    for _ in range(3):
        work_tagged(show, keeper, canonical("Slow Burn"), creator=quill)
    work_tagged(show, tag("lighthouse keeping"), creator=moth)
    work_tagged(films, canonical("Slow Burn"), creator=moth)
    work_tagged(sea, creator=PseudFactory(user=None, name="oldscribe"))
    set_pseud_icon(moth, image=png_bytes(100, 100, colour="#2e86c1"), alt="A blue moth")
    drain_index_queue()


def test_a_reader_browses_fandoms_by_media(
    live_server: LiveServer, page: Page, shots_dir: Path, shelf: None
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Fandoms").click()
    expect(page.get_by_role("heading", name="Fandoms by media")).to_be_visible()
    tv = page.locator(".media-shelf").filter(has_text="TV Shows")
    expect(tv).to_contain_text("(1 fandom)")
    expect(tv.get_by_role("listitem")).to_have_text(["Lighthouse (TV) (4)"])
    uncategorized = page.locator(".media-shelf").filter(has_text="Uncategorized Fandoms")
    expect(uncategorized).to_contain_text("Sea Stories - Anonymous (1)")
    assert_accessible(page)
    shoot(page, shots_dir, "media-index")

    page.get_by_role("link", name="Every fandom in Movies").click()
    expect(page.get_by_role("heading", name="Movies fandoms")).to_be_visible()
    expect(page.locator(".fandom-list li")).to_have_text(["Harbour Lights (Movies) (1)"])
    assert_accessible(page)
    shoot(page, shots_dir, "media-fandoms")
    page.get_by_role("link", name="Harbour Lights (Movies)").click()
    expect(page.get_by_role("heading", name="Harbour Lights (Movies)")).to_be_visible()


def test_a_reader_searches_tags_by_fandom_and_sorts_by_works(
    live_server: LiveServer, page: Page, shots_dir: Path, shelf: None
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Tags").click()
    expect(page.get_by_role("heading", name="Search tags")).to_be_visible()
    page.get_by_label("Name contains").fill("l")
    page.get_by_label("Type").select_option("fandom")
    page.get_by_label("Sort by").select_option("uses")
    page.get_by_role("button", name="Search tags").click()
    names = page.locator(".finder-results .finder-name")
    expect(names).to_have_text(["Lighthouse (TV)", "Harbour Lights (Movies)"])
    expect(page.locator(".finder-results li").first).to_contain_text("4 works")
    assert_accessible(page)
    shoot(page, shots_dir, "tag-search")

    page.get_by_label("Name contains").fill("")
    page.get_by_label("Type").select_option("")
    page.get_by_label("In fandom").fill("Lighthouse (TV)")
    page.get_by_role("button", name="Search tags").click()
    expect(names).to_have_text(["The Keeper"])
    page.get_by_role("link", name="3 works").click()
    expect(page.locator("li.blurb")).to_have_count(3)

    page.goto(live_server.url + "/tags/search/?fandom=Nowhere")
    expect(page.get_by_text("There is no fandom named “Nowhere”.")).to_be_visible()


def test_a_reader_finds_people_by_name_and_fandom(
    live_server: LiveServer, page: Page, shots_dir: Path, shelf: None
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="Search people")).to_be_visible()
    page.get_by_label("Writes in fandom").fill("Lighthouse (TV)")
    page.get_by_role("button", name="Search people").click()
    rows = page.locator(".finder-results li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("mothlight")
    expect(rows.nth(0)).to_contain_text("2 works")
    expect(rows.nth(1)).to_contain_text("quillwright")
    expect(rows.nth(1)).to_contain_text("3 works")
    # mothlight's icon loads from its address, with its alt text; quillwright has none.
    icon = rows.nth(0).get_by_role("img", name="A blue moth")
    expect(icon).to_be_visible()
    assert icon.evaluate("img => img.complete && img.naturalWidth") == 100
    expect(rows.nth(1).locator("img")).to_have_count(0)
    assert_accessible(page)
    shoot(page, shots_dir, "people-search")

    page.get_by_label("Writes in fandom").fill("")
    page.get_by_label("Name or pseud").fill("old")
    page.get_by_role("button", name="Search people").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("imported creator")
    expect(rows.first.locator("img")).to_have_count(0)
    page.get_by_role("link", name="oldscribe").click()
    expect(page.get_by_role("heading", name="oldscribe", exact=True)).to_be_visible()


def test_a_wrangler_files_a_fandom_under_a_medium(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    work_tagged(fandom("Lantern Tales"))
    wrangler("tidy")
    authenticator_for("tidy")  # a wrangler holds a permission: two-factor
    log_in(page, live_server.url, "tidy")

    page.goto(live_server.url + "/media/Uncategorized%20Fandoms/fandoms/")
    expect(page.get_by_role("link", name="Lantern Tales")).to_be_visible()
    page.get_by_role("link", name="Lantern Tales").click()
    page.get_by_role("link", name="Wrangle this tag").click()
    page.get_by_label("Add media").fill("Books & Literature")
    shoot(page, shots_dir, "wrangle-fandom-media")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("“Lantern Tales” was wrangled.")).to_be_visible()
    parents = page.locator("section.parents")
    expect(parents.get_by_role("link", name="Books & Literature")).to_be_visible()

    page.goto(live_server.url + "/media/")
    books = page.locator(".media-shelf").filter(has_text="Books & Literature")
    expect(books).to_contain_text("Lantern Tales (1)")
    page.goto(live_server.url + "/media/Uncategorized%20Fandoms/fandoms/")
    expect(page.get_by_role("link", name="Lantern Tales")).to_have_count(0)

"""Wrangling in a real browser: a wrangler merges a synonym and adds a meta tag, and the
tag page shows both."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.tags.models import MetaTagging, Tag, TagType
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE
from tests.browser.signing_in import log_in
from tests.browser.two_factor import authenticator_for
from tests.tags.factories import canonical, fandom, tag, work_tagged, wrangler

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_wrangler_merges_a_synonym_and_adds_a_meta_tag(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    show = fandom("Lighthouse (TV)")
    canonical("Slow Burn")
    canonical("Pining")
    work_tagged(show, tag("slowburn"), tag("The Keeper", TagType.CHARACTER))
    wrangler("tidy")
    authenticator_for("tidy")  # a wrangler holds a permission: two-factor
    log_in(page, live_server.url, "tidy")

    # From the work page, through the tag's link, to its wrangling form.
    page.goto(live_server.url + "/tags/slowburn/")
    expect(page.get_by_text("has not been marked common yet")).to_be_visible()
    page.get_by_role("link", name="Wrangle this tag").click()
    page.wait_for_load_state()  # the suggestions script listens only once it has run
    page.get_by_label("Synonym of").press_sequentially("Slow B")
    suggestion = page.locator('#tag-suggestions-synonym_of option[value="Slow Burn"]')
    expect(suggestion).to_have_count(1)
    page.get_by_label("Synonym of").fill("Slow Burn")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("“slowburn” was wrangled.")).to_be_visible()
    expect(page.get_by_text("It is a synonym of")).to_be_visible()

    page.get_by_role("link", name="Slow Burn", exact=True).first.click()
    page.get_by_role("link", name="Wrangle this tag").click()
    page.get_by_label("Add meta tags").fill("Pining")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("“Slow Burn” was wrangled.")).to_be_visible()

    synonyms = page.locator("section.synonyms")
    expect(synonyms.get_by_role("heading")).to_have_text("Tags with the same meaning")
    expect(synonyms.get_by_role("link", name="slowburn")).to_be_visible()
    metas = page.locator("section.meta")
    expect(metas.get_by_role("link", name="Pining")).to_be_visible()
    expect(page.locator(".tag-works-link")).to_contain_text("(1)")
    page.screenshot(path=str(shots_dir / "wrangling-tag-page.png"), full_page=True)
    # Checked without the flash message: _messages.html puts role="status" on its <ul>,
    # which axe reports site-wide (reported to the lead).
    page.reload()
    assert_accessible(page)
    assert Tag.objects.get(name="slowburn").merger == Tag.objects.get(name="Slow Burn")
    assert MetaTagging.objects.filter(meta_tag__name="Pining", sub_tag__name="Slow Burn").exists()

    # The fandom's unwrangled bin: the character is still there; give it its fandom.
    page.goto(live_server.url + "/tags/Lighthouse%20(TV)/")
    page.get_by_role("link", name="Unwrangled tags").click()
    expect(page.get_by_role("checkbox", name="The Keeper")).to_be_visible()
    page.screenshot(path=str(shots_dir / "wrangling-bin-before.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("checkbox", name="The Keeper").check()
    page.get_by_label("Add this fandom as their parent").check()
    page.get_by_role("button", name="Wrangle the chosen tags").click()
    expect(page.get_by_text("Added “Lighthouse (TV)” as the fandom of 1 tag.")).to_be_visible()
    page.screenshot(path=str(shots_dir / "wrangling-bin.png"), full_page=True)


def test_wrangling_pages_are_accessible(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    show = fandom("Lighthouse (TV)")
    keeper = canonical("The Keeper", TagType.CHARACTER)
    keeper.parent_taggings.create(parent=show)
    work_tagged(show, keeper, tag("lamp oil"))
    wrangler("tidy")
    authenticator_for("tidy")  # a wrangler holds a permission: two-factor
    log_in(page, live_server.url, "tidy")
    for path in ["/tags/", "/tags/Lighthouse%20(TV)/", "/tags/The%20Keeper/edit/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()  # unchanged: no errors
    page.goto(live_server.url + "/tags/The%20Keeper/edit/")
    page.get_by_label("Add parent tags").fill("No Such Fandom")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("there is no tag named “No Such Fandom”")).to_be_visible()
    page.screenshot(path=str(shots_dir / "wrangling-form-error.png"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/tags/")
    assert_accessible(page)

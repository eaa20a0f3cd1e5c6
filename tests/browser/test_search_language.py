"""A reader types tag names and a count AO3-style in the search box: the tags filter, and
what could not be read is said above the results."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import TagType
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TagFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_reader_searches_by_fandom_and_is_told_what_was_left_out(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    WorkFactory(title="Leaf Village").tags.add(TagFactory(name="Naruto", type=TagType.FANDOM))
    WorkFactory(title="Soul Society").tags.add(TagFactory(name="Bleach", type=TagType.FANDOM))
    drain_index_queue()
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(live_server.url + "/")

    page.get_by_role("searchbox", name="Search works").fill("fandom:naruto words>abc")
    page.get_by_role("searchbox", name="Search works").press("Enter")

    expect(page.locator("ol.work-index li.blurb")).to_have_count(1)
    expect(page.get_by_role("link", name="Leaf Village")).to_be_visible()
    expect(page.get_by_text('You searched for: fandom "naruto"')).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "“words>abc” was left out: “abc” is not a number"
    )
    page.screenshot(path=str(shots_dir / f"{layout}-search-fandom.png"), full_page=True)
    assert_accessible(page)
    page.context.close()

"""Creators in a real browser: a reader subscribes to a member from their profile, follows
an imported creator's byline to their page, and finds the Atom feeds of creators, tags and
series."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.search.queue import drain_index_queue
from ficshelf.social.models import Subscription
from ficshelf.works.models import Series, SeriesWork
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_reader_subscribes_to_a_creator_from_their_profile_then_unsubscribes(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    writer = PseudFactory(name="lamplighter", user__username="lamplighter")
    WorkFactory(title="Harbour Lights", creator=writer)
    reader = UserFactory(username="harbourreader")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "harbourreader")

    page.goto(live_server.url + "/users/lamplighter/")
    expect(page.get_by_role("link", name="Atom feed")).to_have_attribute(
        "href", "/users/lamplighter/feed.atom"
    )
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("You are now subscribed.")).to_be_visible()
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    assert Subscription.objects.filter(user=reader, creator=writer.user).exists()
    page.screenshot(path=str(shots_dir / f"{layout}-profile-subscribed.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("You have unsubscribed.")).to_be_visible()
    expect(page.get_by_role("button", name="Subscribe")).to_be_visible()
    assert not Subscription.objects.exists()
    page.context.close()


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_guest_follows_an_imported_creators_byline_to_their_works(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    imported = PseudFactory(user=None, name="ao3writer")
    WorkFactory(title="Brought Over", creator=imported)
    WorkFactory(title="Also Brought Over", creator=imported)
    WorkFactory(title="Members Only", creator=imported, restricted=True)
    drain_index_queue()
    page = browser.new_context(viewport=viewport).new_page()

    page.goto(live_server.url + "/works/")
    page.get_by_role("link", name="ao3writer").first.click()

    expect(page.get_by_role("heading", name="ao3writer", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="2 Works")).to_be_visible()
    expect(page.get_by_role("link", name="Members Only")).to_have_count(0)
    expect(page.get_by_role("link", name="Atom feed")).to_have_attribute(
        "href", f"/creators/{imported.pk}/feed.atom"
    )
    page.screenshot(path=str(shots_dir / f"{layout}-imported-creator.png"), full_page=True)
    assert_accessible(page)
    page.context.close()


def test_tag_and_series_pages_link_their_atom_feeds(live_server: LiveServer, page: Page) -> None:
    work = WorkFactory(title="Harbour Lights")
    tag = TagFactory(name="Lighthouses", type="fandom")
    work.tags.add(tag)
    series = Series.objects.create(title="Coastal Lights")
    SeriesWork.objects.create(series=series, work=work, position=1)

    for path, feed in [
        ("/tags/Lighthouses/", f"/tags/{tag.pk}/feed.atom"),
        (f"/series/{series.pk}/", f"/series/{series.pk}/feed.atom"),
    ]:
        page.goto(live_server.url + path)
        link = page.get_by_role("link", name="Atom feed")
        expect(link).to_have_attribute("href", feed)
        response = page.request.get(live_server.url + feed)
        assert response.ok and "Harbour Lights" in response.text()

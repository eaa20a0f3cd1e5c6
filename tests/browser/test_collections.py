"""A community runs an event collection: a moderator starts an anonymous, unrevealed,
moderated collection; a writer posts a work to it; the moderator approves it; a guest
finds nothing until the reveal, then finds the work with its creator named."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.search.queue import drain_index_queue
from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Tidewater Gift"


def new_page(browser: Browser, viewport: ViewportSize) -> Page:
    return browser.new_context(viewport=viewport).new_page()


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_moderator_runs_an_unrevealed_anonymous_fest_from_start_to_reveal(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    UserFactory(username="festhost")
    writer = PseudFactory(name="tidewriter", user__username="tidewriter")
    work = WorkFactory(title=TITLE, creator=writer)
    work.chapters.update(text="<p>The tide came in twice that night.</p>")

    # The moderator starts the collection.
    host = new_page(browser, viewport)
    log_in(host, live_server.url, "festhost")
    host.goto(live_server.url + "/collections/")
    host.get_by_role("link", name="Start a collection").click()
    host.get_by_label("Collection name (its address)").fill("tide_fest")
    host.get_by_label("Display title").fill("Tide Fest")
    host.get_by_label("Summary").fill("<p>A week of sea stories.</p>")
    host.get_by_label("Moderated: works wait for a moderator's approval").check()
    host.get_by_label("Anonymous: works are shown without their creators").check()
    host.get_by_label("Unrevealed: works are hidden until the moderators reveal them").check()
    host.get_by_role("button", name="Create").click()
    expect(host.get_by_text("Tide Fest was created.")).to_be_visible()
    host.screenshot(path=str(shots_dir / f"{layout}-collection-profile.png"), full_page=True)
    assert_accessible(host)

    # The writer adds their work from its page.
    writer_page = new_page(browser, viewport)
    log_in(writer_page, live_server.url, "tidewriter")
    writer_page.goto(live_server.url + work.get_absolute_url())
    writer_page.get_by_role("link", name="Add to collection").click()
    writer_page.get_by_label("Collection").fill("tide_fest")
    writer_page.get_by_role("button", name="Add").click()
    expect(
        writer_page.get_by_text("Submitted to Tide Fest: it waits for approval.")
    ).to_be_visible()
    expect(writer_page.locator("p.byline")).to_have_text("Anonymous")

    # The moderator is told, and approves it in the review queue.
    host.goto(live_server.url + "/inbox/")
    expect(host.get_by_text(f"“{TITLE}” was submitted to Tide Fest")).to_be_visible()
    host.goto(live_server.url + "/collections/tide_fest/items/")
    expect(host.get_by_role("heading", name="Waiting for your approval (1)")).to_be_visible()
    host.screenshot(path=str(shots_dir / f"{layout}-collection-review.png"), full_page=True)
    assert_accessible(host)
    host.get_by_role("button", name=f"Approve {TITLE}").click()
    expect(host.get_by_role("heading", name="In the collection (1)")).to_be_visible()

    # A guest finds nothing yet: the work page is a "Mystery Work" and the collection says
    # one waits.
    drain_index_queue()
    guest = new_page(browser, viewport)
    guest.goto(live_server.url + work.get_absolute_url())
    expect(guest.get_by_role("heading", name="Mystery Work")).to_be_visible()
    expect(guest.get_by_text(TITLE)).to_have_count(0)
    guest.goto(live_server.url + "/collections/tide_fest/")
    expect(guest.get_by_text("1 more will be revealed by the moderators")).to_be_visible()

    # The reveal: the work appears, with its creator named.
    host.goto(live_server.url + "/collections/tide_fest/")
    host.get_by_role("button", name="Reveal works").click()
    expect(host.get_by_text("Revealed 1 work; named the creators of 0 works.")).to_be_visible()
    guest.goto(live_server.url + "/collections/tide_fest/works/")
    expect(guest.get_by_role("link", name=TITLE)).to_be_visible()
    expect(guest.locator("li.blurb").first).to_contain_text("Anonymous")
    host.goto(live_server.url + "/collections/tide_fest/")
    host.get_by_role("button", name="Reveal creators").click()
    guest.goto(live_server.url + work.get_absolute_url())
    expect(guest.locator("p.byline")).to_have_text("tidewriter")
    guest.goto(live_server.url + "/collections/")
    guest.screenshot(path=str(shots_dir / f"{layout}-collections-index.png"), full_page=True)
    assert_accessible(guest)
    assert not Work.objects.get(pk=work.pk).in_anonymous_collection

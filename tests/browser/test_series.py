"""Series in a real browser: a writer edits a series and reorders its works, invites a
co-creator who accepts and adds a work, then deletes the series (its works stay)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works.models import Series, Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_writer_manages_a_series_with_a_co_creator(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    author = writer("harbourer")
    first = posted_work(author, title="Low Tide", new_series_title="Harbour Stories")
    series = first.series_works.get().series
    posted_work(author, title="High Water", series=series)
    writer("tidewriter")

    log_in(page, live_server.url, "harbourer")
    page.goto(live_server.url + f"/series/{series.pk}/")
    page.get_by_role("link", name="Manage series").click()
    page.get_by_label("Series title").fill("Harbour Tales")
    page.get_by_role("textbox", name="Description").fill("<p>Two <em>tides</em>.</p>")
    page.get_by_label("This series is complete").check()
    page.get_by_role("button", name="Save series").click()
    expect(page.get_by_role("heading", name="Harbour Tales")).to_be_visible()
    expect(page.locator(".series-meta em")).to_have_text("tides")
    expect(page.locator(".series-meta .stats")).to_contain_text("Complete: Yes")

    page.get_by_role("link", name="Manage series").click()
    # The script's arrows renumber the parts (the numbers alone work without it).
    page.get_by_role("button", name="Move High Water up").click()
    expect(page.get_by_label("Part number for High Water")).to_have_value("1")
    expect(page.get_by_label("Part number for Low Tide")).to_have_value("2")
    page.get_by_role("button", name="Save order").click()
    expect(page.get_by_text("Works reordered.")).to_be_visible()
    page.get_by_label("Invite a co-creator").fill("tidewriter")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".series-co-creators")).to_contain_text("tidewriter")
    assert_accessible(page)
    for layout, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir / f"{layout}-series-manage.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    page.goto(live_server.url + f"/series/{series.pk}/")
    titles = page.locator(".series-works .blurb-heading a:first-child").all_inner_texts()
    assert titles.index("High Water") < titles.index("Low Tide")

    friend = browser.new_context(viewport=DESKTOP).new_page()
    log_in(friend, live_server.url, "tidewriter")
    friend.goto(live_server.url + "/dashboard/")
    friend.get_by_role("button", name="Accept the series Harbour Tales").click()
    expect(friend.get_by_text("You are now a creator of the series")).to_be_visible()
    friend.goto(live_server.url + "/works/new/")
    friend.get_by_label("Rating").select_option("General Audiences")
    friend.get_by_label("No Archive Warnings Apply").check()
    friend.get_by_label("Fandoms").fill("Original Work")
    friend.get_by_label("Work title").fill("Slack Water")
    friend.get_by_label("Add to one of your series").select_option(label="Harbour Tales")
    friend.get_by_label("Text", exact=True).fill("<p>Between the tides.</p>")
    friend.get_by_role("button", name="Post").click()
    friend.goto(live_server.url + f"/series/{series.pk}/")
    expect(friend.locator(".series-works")).to_contain_text("Slack Water")
    expect(friend.locator(".series-meta")).to_contain_text("tidewriter")
    friend.context.close()

    page.goto(live_server.url + f"/series/{series.pk}/edit/")
    page.get_by_role("link", name="Delete series").click()
    page.get_by_role("button", name="Yes, delete the series").click()
    expect(page.get_by_text("its works stay")).to_be_visible()
    assert not Series.objects.exists()
    assert Work.objects.count() == 3

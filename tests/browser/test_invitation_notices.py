"""Notices in a real browser: a writer invites a co-creator to a series; the invited member
finds the notice in their inbox, follows it to their dashboard and accepts. A writer whose
draft will soon be purged finds that notice too, and it leads to the draft."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works import actions
from ficshelf.works.models import SeriesCreatorship, Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_invited_co_creator_answers_from_the_inbox_notice(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    author = writer("harbourer")
    first = posted_work(author, title="Low Tide", new_series_title="Harbour Stories")
    series = first.series_works.get().series
    writer("tidewriter")

    log_in(page, live_server.url, "harbourer")
    page.goto(live_server.url + f"/series/{series.pk}/")
    page.get_by_role("link", name="Manage series").click()
    page.get_by_label("Invite a co-creator").fill("tidewriter")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".series-co-creators")).to_contain_text("tidewriter")

    friend = browser.new_context(viewport=DESKTOP).new_page()
    log_in(friend, live_server.url, "tidewriter")
    friend.goto(live_server.url + "/inbox/")
    notice = friend.get_by_role(
        "link",
        name="Your pseud tidewriter is invited to co-create the series “Harbour Stories”: "
        "accept or decline on your dashboard.",
    )
    expect(notice).to_be_visible()
    expect(friend.locator(".inbox-item.invitation .kind")).to_have_text("Co-creator invitation")
    assert_accessible(friend)
    for layout, size in (("desktop", DESKTOP), ("phone", PHONE)):
        friend.set_viewport_size(size)
        friend.screenshot(path=str(shots_dir / f"{layout}-inbox-invitation.png"), full_page=True)
    friend.set_viewport_size(DESKTOP)

    notice.click()
    expect(friend).to_have_url(live_server.url + "/dashboard/#series-invitations-heading")
    expect(friend.get_by_role("heading", name="Series co-creator invitations")).to_be_in_viewport()
    friend.get_by_role("button", name="Accept the series Harbour Stories").click()
    expect(friend.get_by_text("You are now a creator of the series")).to_be_visible()
    assert SeriesCreatorship.objects.get(series=series).is_approved
    friend.context.close()


def test_a_writer_finds_the_purge_notice_and_opens_the_draft(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    author = writer("drafter")
    draft = posted_work(author, post=False, title="Half a Story")
    Work.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=24))
    actions.purge_old_drafts()

    log_in(page, live_server.url, "drafter")
    page.goto(live_server.url + "/inbox/")
    notice = page.get_by_role("link", name="Your draft “Half a Story” will be deleted on")
    expect(notice).to_contain_text("Keep my drafts until I delete them")
    assert_accessible(page)
    for layout, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir / f"{layout}-inbox-draft-purge.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    notice.click()
    expect(page).to_have_url(live_server.url + draft.get_absolute_url())
    expect(page.get_by_role("heading", name="Half a Story")).to_be_visible()
    # The draft's page says when, and leads to the choice that keeps it.
    page.get_by_role("link", name="keep my drafts").click()
    expect(page.get_by_label("Keep my drafts until I delete them")).to_be_visible()

"""Notices in a real browser: a writer invites a co-creator to a series; the invited member
finds the notice in their inbox, follows it to their dashboard and accepts. A writer whose
draft will soon be purged finds that notice too, and it leads to the draft. An invitation
withdrawn takes its notice out of the inbox."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.works import actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.collection_items import add_work, create_collection
from ficshelf.works.collection_models import Collection
from ficshelf.works.models import SeriesCreatorship, Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.works.factories_posting import posted_work, work_data, writer

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

    friend = inbox_of(browser, live_server, "tidewriter")
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


def test_a_withdrawn_invitation_leaves_the_inbox(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    """The writer names a co-creator on a chapter, the invitee finds the notice, the writer
    takes the name off again: the notice is gone from the invitee's inbox, while their other
    invitation (to a work in an anonymous collection, its creator shown as "Anonymous" on the
    dashboard) stays."""
    author = writer("novelist")
    work = posted_work(author, title="Two Hands")
    actions.add_chapter(work, ChapterData(title="Drawn", text="<p>Pictures.</p>"), post=True)
    invitee = writer("artist")
    masked, host = writer("masked_writer"), writer("host")
    fest = create_collection(
        Collection(name="masked", title="Masked Fest", is_anonymous=True), owner=host
    )
    add_work(fest, posted_work(masked, title="Masquerade"), actor=masked)
    actions.update_work(
        Work.objects.get(title="Masquerade"),
        work_data(title="Masquerade", co_creators=[invitee.pseuds.get()]),
        actor=masked,
        post=False,
    )

    log_in(page, live_server.url, "novelist")
    edit_chapter = live_server.url + f"/works/{work.pk}/chapters/manage/"
    page.goto(edit_chapter)
    page.get_by_role("link", name="Edit Chapter 2: Drawn").click()
    page.get_by_label("Chapter creators").fill("novelist, artist")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".chapter-byline")).to_have_text("Chapter by novelist")

    artist = inbox_of(browser, live_server, "artist")
    chapter_notice = artist.get_by_role(
        "link",
        name="Your pseud artist is invited to be credited on Chapter 2: Drawn of “Two Hands”: "
        "accept or decline on your dashboard.",
    )
    expect(chapter_notice).to_be_visible()
    expect(artist.locator(".inbox-item.invitation")).to_have_count(2)
    assert_accessible(artist)
    shoot(artist, shots_dir, "inbox-two-invitations")
    artist.goto(live_server.url + "/dashboard/")
    work_invitations = artist.locator(".dashboard-item.invitation").filter(has_text="Masquerade")
    expect(work_invitations).to_contain_text("Anonymous invited your pseud artist")
    expect(artist.locator(".dashboard")).not_to_contain_text("masked_writer")
    assert_accessible(artist)
    shoot(artist, shots_dir, "dashboard-invitations")

    # The writer takes the invitation back: the chapter is the work's creators' again.
    page.goto(edit_chapter)
    page.get_by_role("link", name="Edit Chapter 2: Drawn").click()
    page.get_by_label("Chapter creators").fill("")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".chapter-byline")).to_have_count(0)

    artist.goto(live_server.url + "/inbox/")
    expect(artist.locator(".inbox-item.invitation")).to_have_count(1)
    expect(artist.locator(".inbox")).not_to_contain_text("Two Hands")
    expect(artist.locator(".inbox")).to_contain_text("Masquerade")
    shoot(artist, shots_dir, "inbox-after-withdrawal")
    artist.goto(live_server.url + "/dashboard/")
    expect(artist.get_by_role("heading", name="Chapter co-creator invitations")).to_have_count(0)
    artist.context.close()


def inbox_of(browser: Browser, live_server: LiveServer, username: str) -> Page:
    """A tab of the member's own, signed in, on their inbox."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server.url, username)
    page.goto(live_server.url + "/inbox/")
    return page


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    for layout, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir / f"{layout}-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

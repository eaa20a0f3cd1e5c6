"""Scheduled posting in a real browser: a writer schedules a work and a chapter, moves and
posts them from the dashboard, and the worker posts what is due at its time."""

from __future__ import annotations

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social.models import InboxItem, Subscription
from ficshelf.works.models import Chapter, Work
from ficshelf.works.tasks import post_scheduled
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import UserFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def typed(moment: datetime.datetime) -> str:
    """What a person types in a datetime-local field, in the archive's zone (the member
    chose none)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def run_the_worker_at(moment: datetime.datetime) -> None:
    # Tests run tasks at once (the worker's own way, without a worker process).
    with mock.patch("django.utils.timezone.now", return_value=moment):
        post_scheduled.enqueue()


def test_writer_schedules_reschedules_and_the_worker_posts_at_the_time(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    author = writer("planner")
    follower = UserFactory(username="follower")
    Subscription.objects.create(user=follower, creator=author)
    log_in(page, live_server.url, "planner")

    page.goto(live_server.url + "/works/new/")
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill("Tomorrow's Tide")
    page.get_by_label("Text", exact=True).fill("<p>The tide came in at dawn.</p>")
    first_time = timezone.now() + datetime.timedelta(hours=3)
    page.get_by_label("Post at").fill(typed(first_time))
    page.get_by_role("button", name="Schedule").click()

    expect(page.get_by_text("“Tomorrow's Tide” will be posted on")).to_be_visible()
    expect(page.locator("#scheduled-heading")).to_have_text("Scheduled (1)")
    work = Work.objects.get(title="Tomorrow's Tide")
    assert not work.is_posted and work.post_at is not None
    guest = browser.new_context().new_page()
    response = guest.goto(live_server.url + work.get_absolute_url())
    assert response is not None and response.status == 404
    assert not InboxItem.objects.filter(recipient=follower).exists()

    # Moved a day on from the dashboard.
    second_time = first_time + datetime.timedelta(days=1)
    item = page.locator(f"#scheduled-work-{work.pk}")
    item.get_by_label("New time").fill(typed(second_time))
    item.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_text("will be posted on")).to_be_visible()
    work.refresh_from_db()
    assert work.post_at == second_time.replace(second=0, microsecond=0)
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / "scheduled-dashboard-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=str(shots_dir / "scheduled-dashboard-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    # At the first time nothing is due any more; at the second the worker posts it.
    run_the_worker_at(first_time + datetime.timedelta(minutes=1))
    work.refresh_from_db()
    assert not work.is_posted
    run_the_worker_at(second_time + datetime.timedelta(minutes=1))
    work.refresh_from_db()
    assert work.is_posted and work.post_at is None
    assert InboxItem.objects.filter(recipient=follower, work=work).count() == 1
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("#scheduled-heading")).to_have_count(0)
    response = guest.goto(live_server.url + work.get_absolute_url())
    assert response is not None and response.status == 200
    expect(guest.locator("h1.title")).to_contain_text("Tomorrow's Tide")
    guest.context.close()

    # A chapter scheduled, then posted at once from the dashboard after all.
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("link", name="Add chapter").first.click()
    page.get_by_label("Chapter title").fill("Ebb")
    page.get_by_label("Text", exact=True).fill("<p>And out again.</p>")
    page.get_by_label("Post at").fill(typed(timezone.now() + datetime.timedelta(days=2)))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Chapter 2: Ebb will be posted on")).to_be_visible()
    chapter = Chapter.objects.get(work=work, position=2)
    assert not chapter.is_posted
    page.goto(live_server.url + "/dashboard/")
    page.locator(f"#scheduled-chapter-{chapter.pk}").get_by_role("button", name="Post now").click()
    expect(page.get_by_text("Chapter posted.")).to_be_visible()
    chapter.refresh_from_db()
    assert chapter.is_posted and chapter.post_at is None
    assert InboxItem.objects.filter(recipient=follower, work=work).count() == 2


def test_a_time_in_the_past_is_refused_on_the_form(live_server: LiveServer, page: Page) -> None:
    writer("hasty")
    log_in(page, live_server.url, "hasty")
    page.goto(live_server.url + "/works/new/")
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work title").fill("Yesterday")
    page.get_by_label("Text", exact=True).fill("<p>Too late.</p>")
    page.get_by_label("Post at").fill("2001-01-01T09:00")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Choose a time in the future to post it.", exact=True)).to_be_visible()
    assert not Work.objects.exists()


def test_writer_chooses_to_keep_their_drafts(live_server: LiveServer, page: Page) -> None:
    author = writer("keeper")
    posted_work(author, post=False, title="Someday")
    log_in(page, live_server.url, "keeper")
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator(".dashboard-item.draft")).to_contain_text("Deleted on")
    page.goto(live_server.url + "/accounts/preferences/")
    page.get_by_label("Keep my drafts until I delete them").check()
    page.get_by_role("button", name="Save preferences").click()
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator(".dashboard-item.draft")).to_contain_text("Kept until you delete it")
    expect(page.get_by_text("You keep your drafts until you delete them")).to_be_visible()

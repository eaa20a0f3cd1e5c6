"""Members' choices in a real browser: mail and time zone preferences, "Download my data",
and deleting the account; the preferences and data pages on phones and desktops."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.models import Preference, User
from ficshelf.downloads.models import DataExport
from ficshelf.social import actions as social_actions
from ficshelf.social.models import Comment, InboxItem
from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.test_accounts import assert_no_sideways_scrolling
from tests.factories import PASSWORD, WorkFactory
from tests.search.listing_helpers import index_now
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_turns_off_comment_mails_and_sees_dates_in_their_time_zone(
    live_server: LiveServer, page: Page
) -> None:
    author = writer("author")
    work = posted_work(author, title="Night Train")
    reader = writer("reader")
    earlier = Comment.objects.create(
        work=work, chapter=work.chapters.get(), user=reader, text="<p>First!</p>"
    )
    Comment.objects.filter(pk=earlier.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )
    index_now()
    base = live_server.url

    log_in(page, base, "author")
    page.get_by_role("link", name="Preferences").click()
    page.get_by_label("Comments and replies to my comments").uncheck()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    expect(page.get_by_label("Comments and replies to my comments")).not_to_be_checked()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")

    page.goto(base + work.get_absolute_url())
    expect(page.get_by_text("Mon 02 Mar 2026, 08:30")).to_be_visible()  # 23:30 UTC in Tokyo

    social_actions.post_comment(work.chapters.get(), actor=reader, text="<p>Again!</p>")
    assert InboxItem.objects.filter(recipient=author).count() == 1
    assert mail.outbox == []


def test_member_requests_their_data_and_downloads_the_zip(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    member = writer("keeper")
    posted_work(member, title="My Own Story")
    social_actions.leave_kudos(WorkFactory(title="Liked"), actor=member)
    base = live_server.url

    log_in(page, base, "keeper")
    page.get_by_role("link", name="Preferences").click()
    page.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", name="Download my data")).to_be_visible()
    page.get_by_role("button", name="Pack my data").click()
    expect(page.get_by_text("Your data is being packed.")).to_be_visible()
    link = page.get_by_role("link", name="Download the zip")
    expect(link).to_be_visible(timeout=30_000)  # the page refreshes itself while packing
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "data.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        data = json.loads(archive.read("data.json"))
        names = archive.namelist()
    assert data["account"]["username"] == "keeper"
    assert len(data["kudos"]) == 1
    assert any(n.endswith("My Own Story - keeper.epub") for n in names), names
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_text("Your data is ready to download")).to_be_visible()


def test_member_deletes_their_account_orphaning_their_works(
    live_server: LiveServer, page: Page
) -> None:
    member = writer("leaving")
    posted_work(member, title="Left Behind")
    base = live_server.url

    log_in(page, base, "leaving")
    page.goto(base + "/accounts/settings/")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Orphan them").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account has been deleted")).to_be_visible()
    assert not User.objects.filter(username="leaving").exists()
    assert Work.objects.get(title="Left Behind").creatorships.get().pseud.name == "orphan_account"


@pytest.mark.parametrize(("layout", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_preferences_and_data_pages_fit_phones_and_desktops(
    live_server: LiveServer,
    browser: Browser,
    shots_dir: Path,
    layout: str,
    viewport: ViewportSize,
) -> None:
    member = writer("chooser")
    Preference.objects.create(user=member, time_zone="Europe/Helsinki", daily_digest=True)
    now = timezone.now()
    DataExport.objects.create(
        user=member,
        requested_at=now,
        state=DataExport.State.PACKING,
        done=3,
        total=8,
    )
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, "chooser")

    page.goto(live_server.url + "/accounts/preferences/")
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / f"preferences-{layout}.png"), full_page=True)

    page.goto(live_server.url + "/accounts/data/")
    expect(page.get_by_text("3 of 8 done")).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
    page.screenshot(path=str(shots_dir / f"my-data-{layout}.png"), full_page=True)
    context.close()

"""Moderation in a real browser: an admin hides a reported work from the report queue with
a reason, a guest's listing and search no longer show it, and the audit log says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.core.models import AuditEntry
from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.search.queue import drain_index_queue
from ficshelf.works.models import Work
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in_to_admin
from tests.browser.two_factor import give_authenticator
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "Rated General Audiences, but chapter 2 is explicit."


def admin_signs_in(page: Page, live_server: LiveServer) -> None:
    give_authenticator(UserFactory(username="moderator", is_staff=True, is_superuser=True))
    log_in_to_admin(page, live_server.url, "moderator")
    expect(page.get_by_text("Site administration")).to_be_visible()


def test_admin_hides_a_reported_work_and_guests_lose_it_at_once(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    reported = WorkFactory(title="Mislabelled Harbour")
    chapter = reported.chapters.get()
    chapter.text = "<p>The lighthouse keeper found a barnacled astrolabe.</p>"
    chapter.save()
    WorkFactory(title="Quiet Harbour")
    drain_index_queue()
    Report.objects.create(work=reported, reason="ratings", details="Explicit, rated General.")
    guest = browser.new_context(viewport=DESKTOP).new_page()
    guest.goto(live_server.url + "/works/")
    expect(guest.get_by_role("link", name="Mislabelled Harbour")).to_be_visible()  # now kept

    admin_signs_in(page, live_server)
    page.goto(live_server.url + "/admin/moderation/report/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "hide_reported_works")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Hide reported works")).to_be_visible()
    chosen = page.get_by_role("link", name="Wrong rating or missing warnings: Mislabelled Harbour")
    expect(chosen).to_be_visible()
    page.screenshot(path=str(shots_dir / "moderation-reason-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots_dir / "moderation-reason-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Hide the works").click()
    expect(page.get_by_text("Say why")).to_be_visible()  # no reason: refused, nothing done
    assert not Work.objects.get(pk=reported.pk).is_hidden_by_admin
    page.get_by_label("Reason (kept in the audit log)").fill(REASON)
    page.get_by_role("button", name="Hide the works").click()
    expect(page.get_by_text("1 work(s) hidden.")).to_be_visible()

    guest.goto(live_server.url + "/works/")
    expect(guest.get_by_role("link", name="Quiet Harbour")).to_be_visible()
    expect(guest.get_by_role("link", name="Mislabelled Harbour")).to_have_count(0)
    expect(guest.get_by_text("1 – 1 of 1 Work")).to_be_visible()
    guest.goto(live_server.url + "/search/?q=astrolabe")
    expect(guest.get_by_text("No works found")).to_be_visible()
    assert guest.goto(live_server.url + reported.get_absolute_url()).status == 404  # type: ignore[union-attr]

    page.goto(live_server.url + "/admin/core/auditentry/")
    hidden_row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("cell", name="hide", exact=True)
    )
    expect(hidden_row).to_contain_text("Mislabelled Harbour")
    expect(hidden_row).to_contain_text(REASON)
    page.screenshot(path=str(shots_dir / "audit-log-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots_dir / "audit-log-phone.png"), full_page=True)
    assert Report.objects.get().status == ReportStatus.RESOLVED
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"hide", "resolve report"}

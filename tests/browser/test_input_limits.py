"""Limits a person meets in the browser: a comment's countdown and refusal, the admin
site under its Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social.models import Comment
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in_to_admin
from tests.browser.two_factor import give_authenticator
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_policy_violations(page: Page) -> list[str]:
    """Collects what the page's Content-Security-Policy blocked, from the page's own
    securitypolicyviolation events (set up before any of the page's scripts run)."""
    page.add_init_script(
        "window.__blocked = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_guest_sees_the_comment_countdown_and_a_refusal_that_keeps_the_text(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    work = WorkFactory(title="Counting Words")
    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(live_server.url + work.get_absolute_url())
        box = page.get_by_label("Comment", exact=True)
        counter = page.locator("#id_text-char-count")
        expect(counter).to_have_text("10,000 characters left")
        box.fill("Lovely.\nMore, please.")
        expect(counter).to_have_text("9,979 characters left")
        box.fill("x" * 10_005)
        expect(counter).to_have_text("5 characters over the limit")
        expect(counter).to_have_class("char-count over")
        page.get_by_label("Guest name").fill("Pat")
        page.get_by_label("Guest email").fill("pat@example.org")
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.get_by_text("Comments can be up to 10,000 characters long")).to_be_visible()
        assert page.get_by_label("Comment", exact=True).input_value() == "x" * 10_005
        page.screenshot(path=str(shots_dir / f"comment-over-limit-{name}.png"), full_page=False)
        page.context.close()
    assert not Comment.objects.exists()


def test_admin_pages_work_under_their_content_security_policy(
    live_server: LiveServer, browser: Browser
) -> None:
    give_authenticator(UserFactory(username="boss", is_staff=True, is_superuser=True))
    work = WorkFactory(title="Administered")
    page = browser.new_context(viewport=DESKTOP).new_page()
    errors = watch_policy_violations(page)
    log_in_to_admin(page, live_server.url, "boss")
    expect(page.get_by_role("link", name="Works", exact=True).first).to_be_visible()

    page.goto(live_server.url + "/admin/works/work/")
    expect(page.get_by_role("link", name="Administered")).to_be_visible()
    page.get_by_role("checkbox", name="Select all objects on this page").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")  # admin JS ran
    page.goto(live_server.url + f"/admin/works/work/{work.pk}/change/")
    expect(page.locator("#id_title")).to_have_value("Administered")
    blocked = page.evaluate("window.__blocked")
    assert blocked == [], blocked
    assert errors == []


def test_a_comment_sent_while_the_disk_is_full_comes_back_to_be_copied(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    from tests.full_disk import full_disk

    work = WorkFactory(title="Full Disk Story")
    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(live_server.url + work.get_absolute_url())
        page.get_by_label("Guest name").fill("Pat")
        page.get_by_label("Guest email").fill("pat@example.org")
        page.get_by_label("Comment", exact=True).fill("A long comment I would hate to lose.")
        with full_disk():
            page.get_by_role("button", name="Comment", exact=True).click()
            expect(page.get_by_role("heading", name="is out of space")).to_be_visible()
        expect(page.get_by_label("Text", exact=True)).to_have_value(
            "A long comment I would hate to lose."
        )
        expect(page.get_by_text("this was not saved")).to_be_visible()
        page.screenshot(path=str(shots_dir / f"disk-full-{name}.png"), full_page=True)
        page.context.close()
    assert not Comment.objects.exists()

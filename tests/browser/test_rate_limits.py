"""A refused login in a real browser: the 429 page says why and when to try again, keeps
the username, checks no password, and works for the admin site's login too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts.login_limits import BY_ADDRESS_AND_USERNAME
from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit_login(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_too_many_logins_get_a_page_saying_when_to_try_again(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    UserFactory(username="reader")
    page.goto(live_server.url + "/accounts/login/")
    for _ in range(BY_ADDRESS_AND_USERNAME.limit):
        submit_login(page, "reader", "a wrong guess")
        expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit_login(page, "reader", PASSWORD)

    assert answer.value.status == 429
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(re.compile(r"Too many attempts\. Please try again in \d+ minutes\."))
    expect(page.get_by_label("Username")).to_have_value("reader")
    expect(page.get_by_role("link", name="Log out")).to_have_count(0)
    page.screenshot(path=shots_dir / "login-429.png", full_page=True)
    assert_accessible(page)


def test_the_admin_login_says_when_to_try_again(live_server: LiveServer, page: Page) -> None:
    UserFactory(username="boss", is_staff=True)
    page.goto(live_server.url + "/admin/login/")
    for _ in range(BY_ADDRESS_AND_USERNAME.limit + 1):
        page.get_by_label("Username").fill("boss")
        page.get_by_label("Password").fill("a wrong guess")
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Please try again in \d+ minutes\."))).to_be_visible()
    page.get_by_role("link", name="Back to the admin sign-in").click()
    expect(page.get_by_label("Username")).to_be_visible()

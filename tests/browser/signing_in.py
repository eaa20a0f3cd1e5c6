"""Signing in and out in browser tests: the one way a test gets a member signed in.

Tests about the sign-in itself being refused or interrupted (a wrong password, a suspended
member, the login limits, the two-factor page) do their own steps instead, so that they
can look at the page the archive answers with."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.two_factor import finish_signing_in, pass_second_step
from tests.factories import PASSWORD


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form, pass the second step if the account has one, and wait
    until the archive shows the member signed in."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    finish_signing_in(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def log_in_to_admin(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through Django admin's own form; an admin always has an authenticator, so the
    second step follows. The caller checks the admin page it expects."""
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    pass_second_step(page)

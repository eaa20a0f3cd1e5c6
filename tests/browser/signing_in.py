"""Signing in and out in browser tests: the one way a test gets a member signed in.

A test about the sign-in itself being refused or interrupted (a suspended member, the
two-factor page) calls ``submit_sign_in_form`` alone and looks at what the archive answers;
``log_in`` would pass the second step for it or wait for a signed-in page that never comes."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.two_factor import finish_signing_in, pass_second_step
from tests.factories import PASSWORD

ARCHIVE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def submit_sign_in_form(
    page: Page, base_url: str, username: str, password: str = PASSWORD, *, at: str = ARCHIVE_LOGIN
) -> None:
    """The first step only: open the sign-in page, type into its labelled fields, press
    "Log in". Nothing is waited for."""
    page.goto(base_url + at)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in, pass the second step if the account has an authenticator, and wait until
    the archive shows the member signed in."""
    submit_sign_in_form(page, base_url, username, password)
    finish_signing_in(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in_to_admin(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through Django admin's own form; an admin always has an authenticator, so the
    second step follows. The caller checks the admin page it expects."""
    submit_sign_in_form(page, base_url, username, password, at=ADMIN_LOGIN)
    pass_second_step(page)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

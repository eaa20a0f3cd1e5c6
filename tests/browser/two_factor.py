"""Admins in browser tests: an authenticator app set up for them, and the second step of
signing in typed in as a person would."""

from __future__ import annotations

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from ficshelf.accounts.models import User


def give_authenticator(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def code_for(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def pass_second_step(page: Page) -> None:
    """On the "One more step" page: type the app's code for the account's authenticator."""
    device = TOTPDevice.objects.filter(confirmed=True).latest("pk")
    # A code is accepted once: a second sign-in within the same 30 seconds (another browser)
    # would need the next code; the test stands for that moment having come.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page.get_by_label("Code from your app, or a recovery code").fill(code_for(device.bin_key))
    page.get_by_role("button", name="Sign in").click()


def authenticator_for(username: str) -> TOTPDevice:
    """Anyone holding a permission signs in with two-factor: give them an app (once)."""
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or give_authenticator(user)


def finish_signing_in(page: Page) -> None:
    """After "Log in": type the app's code when the archive asks for the second step."""
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/verify/" in page.url:
        pass_second_step(page)

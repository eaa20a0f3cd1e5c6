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
    page.get_by_label("Code from your app, or a recovery code").fill(code_for(device.bin_key))
    page.get_by_role("button", name="Sign in").click()

"""Two-factor sign-in: a code from an authenticator app (TOTP) or a recovery code, asked
after the password (django-otp keeps the devices and marks the session; decision 0017).

Members may turn it on; admin roles (``core.staff.has_admin_role``) must, before the admin
site or the moderators' desk opens to them. ``TwoFactorMiddleware`` sends a session that has
not passed the second step where it must go: to the code page when the account has a
device, to the set-up page when an admin without one opens an admin page.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit
from ficshelf.core.staff import has_admin_role, is_verified

RECOVERY_CODES = 10
# Six digits are a million guesses: a handful per quarter hour per account keeps guessing
# hopeless (django-otp's own throttle slows the device further).
CODE_GUESSES_BY_ACCOUNT = RateLimit("two-factor", limit=5, window_seconds=15 * 60)
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
# Admin pages: Django's admin site, the moderators' desk, the spam queue, the tag wranglers'
# pages, the skin reviewers' queue, and the communications role's: editing site pages, news
# and the banner. (Each also checks its permission; this says which of them an admin
# reaches only past two-factor.)
ADMIN_PREFIXES = ("/admin/", "/desk/", "/moderation/", "/skins/review/")
WRANGLING_ENDINGS = ("/edit/", "/unwrangled/")
SITE_CONTENT_PREFIXES = ("/site/", "/news/")
SITE_CONTENT_ENDINGS = ("/edit/", "/new/", "/delete/")
BANNER_EDIT = "/banner/"


def is_admin_page(path: str) -> bool:
    return (
        path.startswith(ADMIN_PREFIXES)
        or (path.startswith("/tags/") and path.endswith(WRANGLING_ENDINGS))
        or (path.startswith(SITE_CONTENT_PREFIXES) and path.endswith(SITE_CONTENT_ENDINGS))
        or path == BANNER_EDIT
    )


# Whether the signed-in account has two-factor on, noted in its session at sign-in and when
# it changes: the middleware reads it on every request without a query.
SESSION_FLAG = "ficshelf_two_factor_on"


def has_two_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def note_in_session(request: HttpRequest, user: User) -> None:
    request.session[SESSION_FLAG] = has_two_factor(user)


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        note_in_session(request, user)


def pending_app_device(user: User) -> TOTPDevice:
    """The authenticator being set up: made once, confirmed by its first right code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as apps take it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as a QR code: inline SVG markup made by segno from the key
    alone (paths and attributes, no script or style for the CSP to refuse; the CSP's
    img-src would refuse a data: URI)."""
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=2,
        title="QR code holding the key below",
        svgclass="qr",
        dark="#000",
        light="#fff",
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno's own markup)


def slowed_down(user: User) -> bool:
    """django-otp makes an authenticator wait after each wrong code (1 s, 2 s, 4 s, ...)
    and refuses even a right one meanwhile: the page says so instead of "not right"."""
    devices = TOTPDevice.objects.filter(user=user)
    return any(not device.verify_is_allowed()[0] for device in devices)


def normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def confirm_app_device(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Turn two-factor on with the first right code; returns the new recovery codes
    (shown once), or None when the code was wrong."""
    device = pending_app_device(user)
    if not device.verify_token(normalized(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    codes = new_recovery_codes(user)
    otp_login(request, device)
    request.session[SESSION_FLAG] = True
    return codes


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes; the old ones stop working. Each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _recovery_code() -> str:
    # 40 random bits, shown as two groups of four base32 letters.
    raw = b32encode(secrets.token_bytes(5)).decode().lower()
    return f"{raw[:4]}-{raw[4:]}"


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def check_code(request: HttpRequest, user: User, code: str) -> bool:
    """The second step: a right app code or unused recovery code marks the session."""
    code = normalized(code)
    for device in devices_for_user(user, confirmed=True):
        token = code if isinstance(device, TOTPDevice) else _recovery_form(code)
        if token and device.verify_token(token):
            otp_login(request, device)
            return True
    return False


def _recovery_form(code: str) -> str:
    # Kept with the dash; typed with or without it.
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


@transaction.atomic
def turn_off(request: HttpRequest, user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    request.session[SESSION_FLAG] = False


def _exempt(path: str) -> bool:
    names = ("accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout")
    return (
        path == "/admin/logout/"
        or path.startswith("/static/")
        or path in {reverse(n) for n in names}
    )


def _to(name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # Requests signed in by an e-reader key carry no session and no verification mark:
        # they reach only the catalog and downloads, and are left alone.
        if (
            user.is_authenticated
            and hasattr(user, "is_verified")
            and not is_verified(user)
            and not _exempt(request.path)
        ):
            if SESSION_FLAG not in request.session:
                note_in_session(request, user)
            if request.session[SESSION_FLAG]:
                return _to("accounts:two_factor_verify", request)
            if is_admin_page(request.path) and has_admin_role(user):
                return _to("accounts:two_factor_setup", request)
        return self.get_response(request)

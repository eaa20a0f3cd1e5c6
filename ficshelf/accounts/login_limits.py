"""Limits on signing in, for the archive's login form and the admin site's alike.

Three limits count each attempt before its password is checked, so a burst of attempts
at once gets exactly the limit through:

- per address: one address guessing many accounts;
- per address and username: one address guessing one account;
- per username, slower and from everywhere: many addresses guessing one account. Only
  failures count here (a right password gives its attempt back). So that strangers'
  failures never lock an account's owner out, a browser that has signed in to the account
  before carries a signed "known device" cookie, and its attempts count against that
  device's own limit instead.

A refused attempt checks no password, is counted nowhere, and is answered 429 with when
to try again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit, Verdict, attempt_all, give_back, limit_address

BY_ADDRESS = RateLimit("login-address", limit=20, window_seconds=5 * 60)
BY_ADDRESS_AND_USERNAME = RateLimit("login-address-username", limit=10, window_seconds=5 * 60)
FAILURES_BY_USERNAME = RateLimit("login-username", limit=30, window_seconds=60 * 60)
FAILURES_BY_KNOWN_DEVICE = RateLimit("login-device", limit=10, window_seconds=60 * 60)

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "ficshelf.accounts.known-device"
KNOWN_DEVICE_SECONDS = 365 * 24 * 60 * 60
# Accounts one browser is remembered for (a shared family computer).
KNOWN_DEVICE_ACCOUNTS = 10

LoginView = Callable[[HttpRequest], HttpResponse]
Refusal = Callable[[HttpRequest, Verdict], HttpResponse]


def guarded_login(request: HttpRequest, view: LoginView, refuse: Refusal) -> HttpResponse:
    """``view`` (a login view) behind the limits; ``refuse`` answers a refused attempt."""
    if request.method != "POST":
        return view(request)
    username = normalised(str(request.POST.get("username", "")))
    address = limit_address(request)
    device = _device_token(request, username)
    failure_limit, failure_key = (
        (FAILURES_BY_KNOWN_DEVICE, f"{username}\0{device}")
        if device
        else (FAILURES_BY_USERNAME, username)
    )
    attempts = attempt_all(
        [(BY_ADDRESS, address), (BY_ADDRESS_AND_USERNAME, f"{address}\0{username}")]
    )
    if not attempts:
        return refuse(request, attempts)
    failure = failure_limit.attempt(failure_key)
    if not failure:
        give_back(attempts)
        return refuse(request, failure)
    response = view(request)
    user = getattr(request, "user", None)
    if (
        isinstance(user, User)
        and response.status_code in (301, 302, 303)
        and normalised(user.get_username()) == username
    ):
        # Signed in: the right password was no failure.
        give_back(failure)
        remember_device(request, response, user)
    return response


def normalised(username: str) -> str:
    return username.strip().lower()


def _known_devices(request: HttpRequest) -> list[list[object]]:
    """[[user id, device token], ...] from this browser's signed cookie; [] if none."""
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE, "")
    if not value:
        return []
    try:
        known = signing.loads(value, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_SECONDS)
    except signing.BadSignature:
        return []
    if not isinstance(known, list):
        return []
    return [entry for entry in known if isinstance(entry, list) and len(entry) == 2]


def _device_token(request: HttpRequest, username: str) -> str | None:
    """This browser's token for the account ``username``, if it signed in to it before."""
    known = _known_devices(request)
    if not known or not username:
        return None
    user_id = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()
    for known_id, token in known:
        if known_id == user_id and isinstance(token, str):
            return token
    return None


def remember_device(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """Mark this browser as one ``user`` signs in from (kept a year)."""
    known = [entry for entry in _known_devices(request) if entry[0] != user.pk]
    token = _device_token(request, user.get_username()) or secrets.token_urlsafe(16)
    known = [[user.pk, token], *known][:KNOWN_DEVICE_ACCOUNTS]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(known, salt=KNOWN_DEVICE_SALT),
        max_age=KNOWN_DEVICE_SECONDS,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )

"""E-reader keys: how an e-reader app (KOReader, Thorium, Moon+ Reader) signs in to the
OPDS catalog and the downloads it links to.

Those apps speak HTTP Basic authentication and keep what they are given. A reader makes a
key for each app on their account page and enters their username and the key; the key
opens only the catalog and downloads (GET requests under ``READER_KEY_PATHS``), and is
revoked on its own. Keys are random, so keeping their SHA-256 is enough (no slow hash).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ficshelf.accounts.models import ReaderKey, User
from ficshelf.core.ratelimit import RateLimit, Verdict, give_back, limit_address

# Where a key signs the request in; everywhere else the header is ignored.
READER_KEY_PATHS = ("/opds/", "/downloads/")
REALM = "e-reader catalog"
# Failed attempts one address may make per hour before it is refused outright.
FAILED_ATTEMPTS_PER_HOUR = 20
FAILURES_BY_ADDRESS = RateLimit(
    "reader-key", limit=FAILED_ATTEMPTS_PER_HOUR, window_seconds=60 * 60
)
# Last use is recorded at most this often (each catalog page would write otherwise).
LAST_USED_PRECISION = datetime.timedelta(hours=1)


def make_key(user: User, label: str) -> str:
    """A new key for ``user``; the only time it is seen in full."""
    key = secrets.token_urlsafe(24)
    ReaderKey.objects.create(user=user, label=label.strip()[:100], key_hash=_digest(key))
    return key


def user_for_key(username: str, key: str) -> User | None:
    """The active user whose key this is, else None."""
    found = (
        ReaderKey.objects.filter(key_hash=_digest(key), user__username__iexact=username)
        .select_related("user")
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
        ReaderKey.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def challenge(message: str = "Sign in with your username and an e-reader key.") -> HttpResponse:
    """A 401 that makes an e-reader app ask for a username and key."""
    response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


class ReaderKeyMiddleware:
    """Signs in GET requests to the catalog and downloads that carry a valid key; answers
    401 to those that carry a wrong one (so the app asks again). Runs after Django's
    authentication middleware and leaves the session alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        credentials = _basic_credentials(request)
        if credentials is not None:
            # Keys are 192 random bits, so guessing is hopeless; the limit keeps a
            # misconfigured app from hammering the database all the same. Counted before
            # the key is looked up (so a burst gets no more through), given back when right.
            verdict = FAILURES_BY_ADDRESS.attempt(limit_address(request))
            if not verdict:
                return too_many_failures(verdict)
            user = user_for_key(*credentials)
            if user is None:
                return challenge("That username and e-reader key do not match.")
            give_back(verdict)
            request.user = user
        return self.get_response(request)


def too_many_failures(verdict: Verdict) -> HttpResponse:
    """A 429 an e-reader app shows as it is: no password prompt, when to try again."""
    response = HttpResponse(
        f"Too many failed sign-ins from here. Try again {verdict.retry_in_words}.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(verdict.retry_after_seconds)
    return response


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    if request.method not in ("GET", "HEAD") or not request.path.startswith(READER_KEY_PATHS):
        return None
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")  # malformed: treated as a wrong key
    username, _, key = decoded.partition(":")
    return username, key


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()

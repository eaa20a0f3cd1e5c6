"""Who is asking, and whether they may: the token in ``Authorization: Bearer``, its scopes,
and the request limits per token and per address.

Every operation runs ``TokenAuth`` first. No header: a guest, as a signed-out visitor of
the site. A header: the token's member (``request.user`` is set to them, so the site's own
access functions read the request as theirs), or 401 when the token is unknown, expired
or revoked. The session cookie is never read: a browser signed in to the site is a guest
here unless it sends a token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from ficshelf.accounts.models import User
from ficshelf.api.models import ApiToken, Scope
from ficshelf.api.tokens import token_for
from ficshelf.core.ratelimit import RateLimit, Verdict, attempt_all, limit_address

WINDOW_SECONDS = 60


class Unauthorized(Exception):
    """401: no token where one is needed, or one that does not sign in."""


class Forbidden(Exception):
    """403: the token may not do this (a scope it lacks); nothing was done."""


class RateLimited(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"Too many requests. Try again {verdict.retry_in_words}.")
        self.verdict = verdict


@dataclass(frozen=True)
class Caller:
    """What ``TokenAuth`` found: a token, or none (a guest). Always truthy, so ninja takes
    a guest as an answer rather than a failed sign-in."""

    token: ApiToken | None

    def __bool__(self) -> bool:
        return True

    @property
    def user(self) -> User | AnonymousUser:
        return self.token.user if self.token is not None else AnonymousUser()


def _limits() -> tuple[RateLimit, RateLimit]:
    # Read per call, so an operator's setting (and a test's) takes effect without a restart.
    per_window = settings.FICSHELF_API_REQUESTS_PER_MINUTE
    return (
        RateLimit("api-address", limit=per_window, window_seconds=WINDOW_SECONDS),
        RateLimit("api-token", limit=per_window, window_seconds=WINDOW_SECONDS),
    )


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Caller:
        by_address, by_token = _limits()
        address = limit_address(request)
        header = request.headers.get("Authorization", "")
        if not header:
            _count(request, [(by_address, address)])
            request.user = AnonymousUser()
            return Caller(None)
        scheme, _, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            _count(request, [(by_address, address)])
            raise Unauthorized("Send your token as “Authorization: Bearer <token>”.")
        token = token_for(raw.strip())
        if token is None:
            _count(request, [(by_address, address)])
            raise Unauthorized("That token is unknown, expired or revoked.")
        _count(request, [(by_address, address), (by_token, str(token.pk))])
        request.user = token.user
        return Caller(token)

    def authenticate(self, request: HttpRequest, token: str) -> Caller:  # pragma: no cover
        raise NotImplementedError("TokenAuth.__call__ reads the header itself")


def _count(request: HttpRequest, attempts: list[tuple[RateLimit, str]]) -> None:
    verdict = attempt_all(attempts)
    if not verdict:
        raise RateLimited(verdict)


def caller(request: HttpRequest) -> Caller:
    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else Caller(None)


def reader(request: HttpRequest) -> User | AnonymousUser:
    """Who reads: the token's member when the token may read as them, else a guest.
    A token without ``read`` is refused rather than quietly read as a guest."""
    token = caller(request).token
    if token is None:
        return AnonymousUser()
    if not token.allows(Scope.READ):
        raise Forbidden("This token may not read as you: it lacks the “read” scope.")
    return token.user


def member_with(request: HttpRequest, scope: Scope) -> User:
    """The token's member, when the token has ``scope``: 401 without a token, 403 without
    the scope (checked before anything is looked up or written)."""
    token = caller(request).token
    if token is None:
        raise Unauthorized(f"This needs a token with the “{scope.value}” scope.")
    if not token.allows(scope):
        raise Forbidden(f"This token lacks the “{scope.value}” scope.")
    if token.user.suspended_now():
        # As on the site (accounts.suspension): a suspended member reads, and writes nothing.
        until = token.user.suspended_until
        raise Forbidden(
            f"Your account is suspended until {until:%Y-%m-%d %H:%M} UTC: "
            f"{token.user.suspension_reason}"
        )
    return token.user

"""What a suspended member may do: sign in, read, and leave. Every request that would
write (any method but GET and HEAD) is refused with a 403 page that says why and until
when, before any view runs, so no form of the archive can post, edit, comment, give
kudos, bookmark or send messages or invitations for them. A few pages about their own
sign-in stay open (``STILL_OPEN``).

A suspension ends by itself: ``User.suspended_now`` compares its end with the clock.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from ficshelf.accounts.models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Sign out, the second step of sign-in, reading a warning, and writing to the admins; higher
# apps add what reading itself needs (``keep_open``), e.g. accepting new Terms of Service,
# without which no page would open.
STILL_OPEN = [
    "accounts:logout",
    "accounts:two_factor_verify",
    "accounts:acknowledge_warning",
    "moderation:contact",
]


def keep_open(view_name: str) -> None:
    """Let suspended members post to ``view_name`` (a URL name) too; called at start."""
    if view_name not in STILL_OPEN:
        STILL_OPEN.append(view_name)


def refused(request: HttpRequest, user: User) -> HttpResponse:
    return render(request, "accounts/suspended.html", {"member": user}, status=403)


def _still_open(path: str) -> bool:
    for name in STILL_OPEN:
        try:
            if path == reverse(name):
                return True
        except NoReverseMatch:  # a site (or a test's) URLs without that page
            continue
    return False


class SuspensionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.method not in SAFE_METHODS
            and user.is_authenticated
            and getattr(user, "suspended_now", lambda: False)()
            and not _still_open(request.path)
        ):
            return refused(request, user)
        return self.get_response(request)

"""Listing pages kept for a minute for guests who carry nothing personal.

A listing costs tens of milliseconds of template and ORM work, and on a community archive
most visits to the archive and tag listings are guests' (and crawlers'), who all get the
same page. Such a page is kept under its URL, the search index's generation and the index
queue's newest entry. Every change a listing could show (a new work, an edit, a work hidden
or made a draft, a wrangled tag, a kudos) writes a queue entry in its own transaction, so
the next request after the commit renders afresh: a kept page is never staler than the
database, even while the worker is behind. A minute bounds how long an unvisited page
is kept.

Kept only when nothing in the page can be personal: the visitor is not signed in and has
no session (no saved exclusions, no flash messages), and the page has no CSRF token or new
cookie in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from ficshelf.search.backends import get_backend
from ficshelf.search.queue import newest_queue_entry

GUEST_PAGE_SECONDS = 60
# Cookies that may make a page personal: the session (exclusions, preferences) and the
# cookie-stored flash messages.
PERSONAL_COOKIES = ("messages",)


def kept_for_guests(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A listing view whose pages are kept for guests. Checked before the view looks
    anything up: a kept page's key changes with every change the view could see."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve_for_guests(request, lambda: view(request, *args, **kwargs))

    return wrapper


def serve_for_guests(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    key = _cache_key(request)
    if key is None:
        return render()
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        response = HttpResponse(content, content_type=content_type)
        patch_vary_headers(response, ["Cookie"])
        return response
    response = render()
    if _may_keep(response):
        cache.set(key, (response.content, response["Content-Type"]), GUEST_PAGE_SECONDS)
    return response


def _cache_key(request: HttpRequest) -> str | None:
    if request.method != "GET" or request.user.is_authenticated:
        return None
    if any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES)):
        return None
    generation = getattr(get_backend(), "generation", None)
    index = generation() if generation is not None else None
    if index is None:  # backends that read the live tables have nothing to key on
        return None
    state = f"{index}\n{newest_queue_entry()}\n{request.get_full_path()}"
    digest = hashlib.sha256(state.encode()).hexdigest()
    return f"guest-page:{digest}"


def _may_keep(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and b"csrfmiddlewaretoken" not in response.content
    )

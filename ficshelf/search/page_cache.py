"""Listing pages kept for a minute, so a listing is rendered once for many readers; a
work's pages for guests too (``cached_work_page_for_guests``, checked against the versions
of the works they show rather than the archive's state: see there).

A listing costs tens of milliseconds of template and ORM work, and most visits to the
archive and tag listings ask for the same few pages. Two things are kept:

- whole pages, for guests who carry nothing personal (no flash messages, and no session or
  one that holds only that they passed the adult-content notice): keyed on the URL and that,
  so a kept page is answered before anything is looked up;
- the listing part of the page (results, pagination and sidebar), for everyone else, signed
  in or with a session: keyed on the URL and on everything that makes it theirs, the
  widened query (their exclusions and mutes), whether restricted works are shown, and their
  display preferences. The header, the flash messages and the CSRF token are rendered for
  each request around it. Readers with the same exclusions share it; most readers have none.

Both listing keys include the search index's generation and the index queue's newest entry. Every
change a listing could show (a new work, an edit, a work hidden or made a draft, a wrangled
tag, a kudos) writes a queue entry in its own transaction, and the entry goes only after the
index has the change, so the next request after the commit renders afresh: a kept page is
never staler than the database, even while the worker is behind. Hits are the exception:
they wait for the periodic drain (``IndexQueueEntry.counters_only``). A minute bounds how
long an unvisited page is kept.

The lookups a listing repeats on every request (its tag, the tags its filters name) are
cached under the same state (``cached_while_unchanged``), and listing parts and lookups are
also held for a few seconds in the process's own cache (``core.process_cache``): a
signed-in request for a cached listing then asks the database only who the member is and
the state.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import URLPattern, URLResolver
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from ficshelf.accounts.access import preferences_for
from ficshelf.core.disk_full import skipped_if_full
from ficshelf.core.form_guards import fresh_stamp
from ficshelf.core.kept_pages import key_parts
from ficshelf.core.prepared_queries import could_be_a_key
from ficshelf.core.process_cache import cached_value
from ficshelf.search.backends import get_backend
from ficshelf.search.page_versions import versions_of, versions_with_named
from ficshelf.search.queue import newest_queue_entry
from ficshelf.search.service import ReaderQuery
from ficshelf.works.page_links import works_named_on_page_of
from ficshelf.works.views import ADULT_NOTICE_SESSION_KEY, count_kept_view, work_shown_by

GUEST_PAGE_SECONDS = 60
LISTING_PART_SECONDS = 60
LOOKUP_SECONDS = 60
# Cookies that make a page personal: the cookie-stored flash messages. (A guest's session
# may too: ``_shareable_guest_session``.)
PERSONAL_COOKIES = ("messages",)
# What a guest's session may hold and still share kept pages with other guests who hold
# the same: whether they passed the adult-content notice.
SHAREABLE_SESSION_KEYS = frozenset({ADULT_NOTICE_SESSION_KEY})
_REQUEST_STATE = "_ficshelf_data_state"
# Set in the request's WSGI environ when a whole kept page answered it, so an access log
# can say which answers were kept copies (gunicorn: ``%({ficshelf.kept_page}e)s``);
# nothing of it reaches the reader.
KEPT_PAGE_ENVIRON = "ficshelf.kept_page"
T = TypeVar("T")


def cache_page_for_guests(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A listing view whose pages are kept for guests. Checked before the view looks
    anything up: a kept page's key changes with every change the view could see."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve_cached_for_guests(request, lambda: view(request, *args, **kwargs))

    return wrapper


def serve_cached_for_guests(
    request: HttpRequest, render: Callable[[], HttpResponse]
) -> HttpResponse:
    key = _cache_key(request)
    if key is None:
        return render()
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        request.META[KEPT_PAGE_ENVIRON] = "listing"
        response = HttpResponse(content, content_type=content_type)
        patch_vary_headers(response, ["Cookie"])
        return response
    response = render()
    if _may_cache(response):
        with skipped_if_full("keeping a listing page"):
            cache.set(key, (response.content, response["Content-Type"]), GUEST_PAGE_SECONDS)
    return response


def keep_work_pages_for_guests(
    patterns: list[URLPattern | URLResolver], names: Iterable[str]
) -> list[URLPattern | URLResolver]:
    """``patterns`` with the work pages named ``names`` kept for guests
    (``cached_work_page_for_guests``); for the composition root, which mounts them."""
    wanted = set(names)
    kept: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name in wanted:
            wanted.discard(pattern.name)
            pattern = URLPattern(
                pattern.pattern,
                cached_work_page_for_guests(pattern.callback),
                pattern.default_args,
                pattern.name,
            )
        kept.append(pattern)
    if wanted:
        raise ImproperlyConfigured(f"no work page named {sorted(wanted)} to keep")
    return kept


def cached_work_page_for_guests(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A work page kept for guests, so a work many guests open is rendered once per change
    of what its page shows, not once per reader.

    Kept not under the archive's state, as listings are, but with the versions of the works
    its page shows (``search.page_versions``): the work itself, the works it names (its
    sources, the works it inspired: ``works.page_links``) and ``EVERY_WORK``. A kept copy
    is served only while all of them are as when it was rendered, so a change to the work
    shows to the next guest, and a change to another work does not end it. The versions
    are read before the page is rendered: a change committed while it renders leaves the
    copy older than the versions now, and the next guest gets a fresh page.

    Kept only when the page showed the work's text (never the adult-content notice or an
    error), and served with the view's own consequence: the guest's hit is counted. The
    page's forms (kudos, comment) carry the CSRF token of the reader it was rendered for:
    each token is taken out when the page is kept and the reader's own put in when served.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, work_id: int, **kwargs: Any) -> HttpResponse:
        key = _guest_key(request)
        if key is None or not could_be_a_key(work_id):
            return view(request, work_id, **kwargs)  # (a key beyond any: the view's 404)
        key = "guest-work-page:" + _digest(key)
        kept = cache.get(key)
        if kept is not None:
            content, content_type, versions = kept
            if versions_of(versions) == versions:
                return _served_kept_work_page(request, work_id, content, content_type)
        versions = versions_with_named(work_id, works_named_on_page_of(work_id))
        response = view(request, work_id, **kwargs)
        shown = work_shown_by(request) == work_id and response.status_code == 200
        if shown and not response.cookies:
            content, taken = _CSRF_FIELD.subn(
                rb"\1" + _TOKEN_PLACEHOLDER + rb"\2", response.content
            )
            if taken != content.count(b"csrfmiddlewaretoken"):
                return response  # a token in a shape not taken out: not for another reader
            content = _STAMP_FIELD.sub(rb"\1" + _STAMP_PLACEHOLDER + rb"\2", content)
            with skipped_if_full("keeping a work page"):
                kept = (content, response["Content-Type"], versions)
                cache.set(key, kept, GUEST_PAGE_SECONDS)
        return response

    return wrapper


def _served_kept_work_page(
    request: HttpRequest, work_id: int, content: bytes, content_type: str
) -> HttpResponse:
    count_kept_view(request, work_id)
    request.META[KEPT_PAGE_ENVIRON] = "work"
    token = get_token(request).encode()
    content = content.replace(_TOKEN_PLACEHOLDER, token)
    # The comment form's spam guard is stamped with the time it is shown.
    content = content.replace(_STAMP_PLACEHOLDER, fresh_stamp().encode())
    response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ["Cookie"])
    return response


# A form's CSRF field as Django renders it; the token is 64 letters and digits (masked).
_CSRF_FIELD = re.compile(
    rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")'
)
# Stands for the reader's token in a kept page: never in a page of ours (a NUL byte).
_TOKEN_PLACEHOLDER = b"\x00csrf-token\x00"
# The spam guard's time stamp (``core.form_guards``), put in anew for each reader.
_STAMP_FIELD = re.compile(rb'(<input type="hidden" name="form_started" value=")[^"]*(")')
_STAMP_PLACEHOLDER = b"\x00form-started\x00"


def _cache_key(request: HttpRequest) -> str | None:
    """A listing page's key for a guest: with the state of the data listings show."""
    guest = _guest_key(request)
    if guest is None:
        return None
    state = data_state(request)
    if state is None:
        return None
    return "guest-page:" + _digest(state, guest)


def _guest_key(request: HttpRequest) -> str | None:
    """What makes a page a guest is shown theirs, when it can be shared with other guests:
    the address, the guest's session and what other apps show on every page. None for a
    member, a personal cookie or session, and requests that change things."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if any(name in request.COOKIES for name in PERSONAL_COOKIES):
        return None
    guest_session = _shareable_guest_session(request)
    if guest_session is None:
        return None
    # What other apps show on every page (the site banner: ``core.kept_pages``).
    shown_elsewhere = key_parts(request)
    return "\n".join((request.get_full_path(), guest_session, shown_elsewhere))


def _shareable_guest_session(request: HttpRequest) -> str | None:
    """What a guest's session says that a page may depend on, when it says nothing else:
    "" without a session; the adult-content notice passed or not when that is all it holds
    (most guests who read past one notice). None for a session with anything personal in
    it (a guest's exclusions), whose pages are never shared."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    held = dict(request.session.items())  # already read: who the user is came from it
    if not held.keys() <= SHAREABLE_SESSION_KEYS:
        return None
    return repr(sorted(held.items()))


def cached_listing_part(
    request: HttpRequest, asked: ReaderQuery, render: Callable[[], tuple[str, bool]]
) -> SafeString:
    """The listing part of a page for ``asked``, kept for readers who would see the same.

    ``render`` returns the HTML and whether it may be shared: not when it shows a work only
    some members may see (hidden by an admin, which only its creators and admins may see).
    Listings never show one today (the index holds no hidden work and ``search.index_lag``
    leaves out those hidden since), so this guards the day one slips through.
    """
    state = data_state(request)
    if state is None or request.method not in ("GET", "HEAD"):
        return SafeString(render()[0])
    key = "listing-part:" + _digest(
        state,
        request.get_full_path(),
        _fingerprint(asked.query),
        _saved_exclusions(asked),
        _display_preferences(request),
    )
    html, _ = cached_value(
        key,
        lambda: _plain(render()),
        seconds=LISTING_PART_SECONDS,
        may_cache=lambda part: part[1] and "csrfmiddlewaretoken" not in part[0],
    )
    return SafeString(html)  # rendered by our own templates, escaped then


def _plain(part: tuple[str, bool]) -> tuple[str, bool]:
    # What is kept is plain text: SafeString is marked safe again when it is served.
    html, shareable = part
    return str(html), shareable


def cached_while_unchanged(
    request: HttpRequest, name: str, key: str, compute: Callable[[], T]
) -> T:
    """``compute()``, kept while the data listings show is unchanged (a minute at most).

    For the lookups a listing repeats on every request: its tag by name, the tags chosen in
    its filters. A wrangling change moves the data state when it moves any work between
    filters; one that touches no work (renaming a tag nobody used) shows within the minute.
    """
    state = data_state(request)
    if state is None:
        return compute()
    return cached_value(f"{name}:" + _digest(state, key), compute, seconds=LOOKUP_SECONDS)


def data_state(request: HttpRequest) -> str | None:
    """``_data_state()``, read once per request: all that the request keeps or looks up
    is keyed on one moment."""
    if not hasattr(request, _REQUEST_STATE):
        setattr(request, _REQUEST_STATE, _data_state())
    state: str | None = getattr(request, _REQUEST_STATE)
    return state


def _data_state() -> str | None:
    """What the data a listing shows is at: the index's generation and the newest change
    waiting for it. None for backends that read the live tables (nothing to key on)."""
    generation = getattr(get_backend(), "generation", None)
    index = generation() if generation is not None else None
    if index is None:
        return None
    return f"{index}:{newest_queue_entry()}"


def _saved_exclusions(asked: ReaderQuery) -> str:
    """The sidebar names the reader's saved exclusions, and the widened query alone cannot
    tell a saved creator exclusion from a mute, or a saved tag exclusion from the sidebar's."""
    saved = asked.exclusions
    tags = sorted(tag.pk for tag in saved.tags)
    return f"{tags}|{sorted(saved.creator_ids)}|{saved.max_fandoms}|{saved.max_relationships}"


def _display_preferences(request: HttpRequest) -> str:
    """Every saved preference, not only those today's templates read: a preference a
    template starts to use can never be served from another reader's page."""
    preference = preferences_for(request)
    if preference is None:
        return "defaults"
    return repr(sorted(model_to_dict(preference, exclude=["id", "user"]).items()))


def _fingerprint(value: object) -> str:
    """A stable text for a query: sets sorted, so equal queries always read the same."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        inner = ",".join(f"{f.name}={_fingerprint(getattr(value, f.name))}" for f in fields)
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_fingerprint(item) for item in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_fingerprint(item) for item in value) + "]"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _may_cache(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and b"csrfmiddlewaretoken" not in response.content
    )

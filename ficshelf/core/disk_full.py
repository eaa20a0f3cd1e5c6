"""A full disk: reads go on, writes are refused with a clear page, one log line an episode.

When the disk under the data folder (or under PostgreSQL) fills, every write fails: SQLite
and diskcache say "database or disk is full", PostgreSQL raises ``DiskFull`` (SQLSTATE
53100), file writes (the cache, downloads, the search index) raise ``OSError`` ENOSPC, and
tantivy reports the same as a ``ValueError`` naming "os error 28". Reading needs no space,
so the archive keeps answering reads:

- work on a read that only keeps something for later (a hit, the reading history, a
  kept listing page, text cleaned again under new rules) is skipped (``skipped_if_full``);
- a request that must write (posting, kudos, a comment, signing in) gets a 503 page that
  says the archive is out of space and shows back what the person typed, so nothing of it
  is lost (``disk_full_response``, from ``handler500``, which sees every uncaught error,
  the session saved after the view included);
- nothing is remembered between requests, so writes work again as soon as there is room.

The log gets one warning when an episode starts in a process, not a traceback per request;
an episode ends after ``QUIET_SECONDS`` without the error.

This is not "the database is away" (a restart, a lost connection): the message differs,
because waiting does not help until someone makes room.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

QUIET_SECONDS = 10 * 60
RETRY_AFTER_SECONDS = 300
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_MESSAGES = ("database or disk is full", "no space left on device", "os error 28")
_POSTGRESQL_DISK_FULL = "53100"
# Form fields not shown back: secrets, Django's token, and the forms' own plumbing.
_NOT_SHOWN_BACK = ("password", "csrfmiddlewaretoken", "key", "next", "action", "_id")

_last_seen_at: float | None = None


def is_disk_full(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, says the disk is full."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return True
        if isinstance(error, sqlite3.Error) and _sqlite_says_full(error):
            return True
        if getattr(error, "sqlstate", None) == _POSTGRESQL_DISK_FULL:
            return True
        if any(message in str(error).lower() for message in _FULL_MESSAGES):
            return True
        error = error.__cause__ or error.__context__
    return False


def _sqlite_says_full(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return True
    # Opening a WAL database needs room for its shared-memory file; on a full disk that
    # fails as a plain "disk I/O error" (SQLITE_IOERR_SHMSIZE and kin). Whether the disk
    # is full then is asked of the disk itself.
    return code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and _data_folder_is_full()


def _data_folder_is_full() -> bool:
    from django.conf import settings

    try:
        return shutil.disk_usage(settings.DATA_DIR).free < 1024 * 1024
    except OSError:
        return False


def note_disk_full(error: BaseException, doing: str) -> None:
    """Log the first sign of a full disk in this process; stay quiet while it lasts."""
    global _last_seen_at
    now = time.monotonic()
    starts = _last_seen_at is None or now - _last_seen_at > QUIET_SECONDS
    _last_seen_at = now
    if starts:
        logger.warning(
            "The disk is full (%s, while %s): writes are refused until there is room; "
            "pages go on being read. Free some space; nothing needs restarting.",
            _first_line(error),
            doing,
        )


@contextmanager
def skipped_if_full(doing: str) -> Iterator[None]:
    """Run a write that only keeps something for later; on a full disk, skip it."""
    try:
        yield
    except Exception as error:
        if not is_disk_full(error):
            raise
        note_disk_full(error, doing)


def disk_full_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 page for a write refused for want of space, with what was typed shown back.

    Rendered without the request's context processors: they would read the session and
    the member, and the page must not need anything that could fail now.
    """
    from django.conf import settings

    note_disk_full(error, f"{request.method} {request.path}")
    typed = [
        (name.replace("_", " ").capitalize(), value)
        for name in request.POST
        if not any(word in name for word in _NOT_SHOWN_BACK)
        and (value := ", ".join(str(v) for v in request.POST.getlist(name) if str(v).strip()))
    ]
    html = loader.render_to_string(
        "disk_full.html",
        {"site_name": settings.SITE_NAME, "typed": typed, "back": _page_sent_from(request)},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, once an episode; Django would add a traceback for every request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _page_sent_from(request: HttpRequest) -> str:
    """The page the form was on (a form posts to an address that may answer only POST)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and allowed else "/"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__

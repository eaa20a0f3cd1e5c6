"""The page for an error no view caught: 503 for a full disk (``core.disk_full``) and while
the database is away, else Django's 500.

Django hands every uncaught exception, from a view or from a middleware (the session is
saved after the view), to ``handler500`` while the exception is still being handled, so
this one place sees them all. A database that is briefly away (a PostgreSQL restart) is
not a bug in the archive: readers get "try again in a minute" with ``Retry-After``, and
the log gets one line a minute per process instead of a traceback per request.
"""

from __future__ import annotations

import logging
import sys
import time

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from ficshelf.core.database import describe, is_database_away
from ficshelf.core.disk_full import disk_full_response, is_disk_full

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
# At most one "database unavailable" line per process in this many seconds.
LOG_EVERY_SECONDS = 60.0
_last_logged_at: float | None = None


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    # First: a full SQLite disk raises OperationalError too, which would read as "away".
    if error is not None and is_disk_full(error):
        return disk_full_response(request, error)
    if error is not None and is_database_away(error):
        _log_database_away(error)
        return unavailable_response()
    return django_server_error(request)


def unavailable_response() -> HttpResponse:
    # Rendered without the request: the context processors would read the session and
    # the signed-in member, which live in the database that is away.
    from django.conf import settings

    html = loader.render_to_string("unavailable.html", {"site_name": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django would log the exception with its traceback for every request; one line a
    # minute is what the operator needs.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _log_database_away(error: BaseException) -> None:
    global _last_logged_at
    now = time.monotonic()
    if _last_logged_at is not None and now - _last_logged_at < LOG_EVERY_SECONDS:
        return
    _last_logged_at = now
    logger.warning("The database is unavailable (%s): pages answer 503 meanwhile.", describe(error))

"""Log lines an operator can follow across several servers: every line carries a time and a
level, and with ``FICSHELF_LOG_FORMAT=json`` each is one JSON object, plus one line per
request with its method, path, status, latency and request id.

The request id is the one a proxy sent in ``X-Request-ID`` (when it looks like an id), else
a new one; it is sent back in the response's ``X-Request-ID`` and added to every line logged
while the request runs (an error's traceback included), so one request's lines can be found
on whichever server answered it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# An id taken from a proxy: short, and only characters that cannot break a log line.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("ficshelf.requests")
_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "ficshelf_request_id", default=""
)


def current_request_id() -> str:
    """The id of the request this thread is answering ("" outside a request)."""
    return _current_request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record, so any formatter may print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


# The attributes every LogRecord has; anything else on a record was passed in ``extra``.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id,
    the fields given in ``extra``, and the traceback of an exception as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RequestLogMiddleware:
    """First of the middleware: names the request, times it, and logs it when it is answered
    (at INFO on ``ficshelf.requests``, which the json format turns on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = sent if _GOOD_ID.match(sent) else uuid.uuid4().hex
        # Kept until the response is finished (``forget_request_id``), not reset here:
        # Django logs a 4xx or 5xx answer after the middleware has returned it.
        _current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response.headers[REQUEST_ID_HEADER] = request_id
        if request_logger.isEnabledFor(logging.INFO):
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


def forget_request_id(**kwargs: Any) -> None:
    """``request_finished``: lines logged between requests name none."""
    _current_request_id.set("")

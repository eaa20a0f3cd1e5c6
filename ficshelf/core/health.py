"""``/health``: whether this server can serve the archive, for load balancers and monitors.

Each app registers the checks of what it owns (``register``): core checks the database,
the cache and the task queue; search checks its index and the index queue (core may not
import search). Every check is cheap (one small query, one cache round trip, one
one-result search), so a load balancer may ask every few seconds. The answer is JSON, 200
when every check passes and 503 when any fails; it is made by ``HealthCheckMiddleware``
before the session, authentication and CSRF middleware run, so it never reads or writes a
session, sets no cookie, and answers whatever Host header the balancer sends.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ficshelf.core.database import describe

# Work that has waited this long means nobody is doing it: the worker is stopped or stuck.
QUEUE_LAG_LIMIT_SECONDS = 10 * 60


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    # How long the oldest waiting item has waited (queue checks only).
    lag_seconds: float | None = None

    def as_json(self) -> dict[str, object]:
        answer: dict[str, object] = {"ok": self.ok, "detail": self.detail}
        if self.lag_seconds is not None:
            answer["lag_seconds"] = round(self.lag_seconds, 1)
        return answer


HealthCheck = Callable[[], CheckResult]
_checks: dict[str, HealthCheck] = {}


def register(name: str, check: HealthCheck) -> None:
    """Add (or replace) the check called ``name``; apps call this from ``ready()``."""
    _checks[name] = check


def run_checks() -> dict[str, CheckResult]:
    results = {}
    for name, check in _checks.items():
        try:
            results[name] = check()
        except Exception as problem:  # noqa: BLE001 - a failing check is the answer, not a crash
            results[name] = CheckResult(ok=False, detail=describe(problem))
    return results


def queue_lag(oldest: datetime | None, what: str) -> CheckResult:
    """A queue's check from the time its oldest item started waiting (None: empty)."""
    if oldest is None:
        return CheckResult(ok=True, detail=f"no {what} waiting", lag_seconds=0.0)
    lag = max((timezone.now() - oldest).total_seconds(), 0.0)
    if lag > QUEUE_LAG_LIMIT_SECONDS:
        return CheckResult(
            ok=False,
            detail=f"the oldest {what} has waited {lag / 60:.0f} minutes: is the worker running?",
            lag_seconds=lag,
        )
    return CheckResult(ok=True, detail=f"the oldest {what} waits {lag:.0f} s", lag_seconds=lag)


def check_database() -> CheckResult:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(ok=True, detail=f"answered in {(time.monotonic() - started) * 1000:.0f} ms")


def check_cache() -> CheckResult:
    # A key of its own per call: servers polled at once must not read each other's value.
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, True, timeout=30)
    read_back = cache.get(key)
    cache.delete(key)
    if read_back is not True:
        return CheckResult(ok=False, detail="a value written was not read back")
    return CheckResult(ok=True, detail="a value written was read back")


def check_task_queue() -> CheckResult:
    """The oldest task waiting for the worker (PDFs, zips, mails, index drains)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return CheckResult(ok=True, detail="tasks are not queued in the database here")

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return queue_lag(oldest, "task")


def register_core_checks() -> None:
    register("database", check_database)
    register("cache", check_cache)
    register("task_queue", check_task_queue)

"""The shared caches tests run against: the embedded one the archive uses by default, and
Redis (``FICSHELF_TEST_REDIS_URL``, a database of its own such as redis://127.0.0.1:6379/1)
for the tests that must hold on both."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

REPOSITORY = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("FICSHELF_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="set FICSHELF_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/1) to run on Redis too",
)
# Parametrize a test with ``shared_cache`` to run it on both.
BOTH = [
    pytest.param("embedded", id="embedded"),
    pytest.param("redis", id="redis", marks=needs_redis),
]


def redis_cache_settings(prefix: str) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Keys of this test alone: tests in parallel share the database, and no test may
        # flush what another one wrote.
        "KEY_PREFIX": prefix,
    }


@pytest.fixture(params=BOTH)
def shared_cache(request: pytest.FixtureRequest) -> Iterator[str]:
    """The default cache for this test: the embedded one, then Redis."""
    if request.param == "embedded":
        yield "embedded"
        return
    with redis_as_default():
        yield "redis"


@pytest.fixture
def redis_cache() -> Iterator[None]:
    """Redis as the default cache (tests marked ``needs_redis``)."""
    with redis_as_default():
        yield


@contextmanager
def redis_as_default() -> Iterator[None]:
    prefix = f"test-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": redis_cache_settings(prefix)}):
        try:
            yield
        finally:
            delete_redis_keys(prefix)


def delete_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


class FakeClock:
    """``time.time`` for the test: the limits' clock and the embedded cache's expiry alike
    (Redis expires by its own server's clock)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    # From the start of an hour ahead: the windows' slots begin on the hour, so where an
    # attempt falls in its slot is known.
    fake = FakeClock(math.ceil(time.time() / 3600) * 3600 + 3600)
    monkeypatch.setattr(time, "time", fake)
    return fake


def run_cache_processes(
    mode: str, argument: str, *, count: int = 1, start_at: float = 0
) -> list[dict[str, Any]]:
    """``count`` processes on this test's shared cache (``tests/core/cache_process.py``),
    each starting its work at ``start_at``; what each saw."""
    cache_settings = json.dumps(settings.CACHES["default"])
    command = [sys.executable, "-m", "tests.core.cache_process", cache_settings]
    processes = [
        subprocess.Popen(
            [*command, str(start_at), mode, argument],
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results

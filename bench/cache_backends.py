"""Benchmark: the embedded cache candidates against Django's file cache (main's default).

Usage: .venv/bin/python -m bench.cache_backends [--ops 5000] [--redis redis://127.0.0.1:6379/1]

Each candidate is a Django cache backend as the archive would configure it, in a folder of
its own under a temporary directory, measured in the same run:

- ``file``: ``FileBasedCache``, main's default (300 entries, then a random third culled);
- ``database``: ``DatabaseCache`` in an SQLite file of its own (WAL), 100,000 entries;
- ``diskcache-community``: ``ficshelf.core.embedded_cache.EmbeddedCache`` (diskcache-
  community's ``DjangoCache``, 8 shards, keeping its connections between requests);
- ``diskcache 5.6.3``: upstream diskcache's ``DjangoCache`` as shipped, when installed;
- ``redis``: Django's ``RedisCache`` on the server named by ``--redis`` (for reference:
  not embedded; its database is emptied by ``clear()``, so give it one of its own).

Speed, one process, microseconds per operation (mean over ``--ops``): get of a 1 KB value,
set of a 1 KB value, set of a 140 KB kept listing part, incr, and a request's use (one get,
then the ``close()`` Django calls after every request). Ratios are to ``file``.

Behaviour: counts lost when two processes increment one counter 2,000 times each at once;
attempts let through when two processes make 500 attempts each at once against a
``RateLimit`` of 700 (``core.ratelimit``); whether a counter written for an hour survives
its default timeout once incremented; how many of 50 counters survive 1,000 unrelated
writes; how many of 2,000 values written can be read back.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# A short default timeout, so "does incr keep the expiry it was written with" is seen in
# seconds: a backend whose incr writes the value again with the default loses the counter.
DEFAULT_TIMEOUT = 2
SMALL = b"x" * 1024
PAGE = os.urandom(140 * 1024)  # a kept listing part is about 140 KB


def candidates(
    folder: Path, redis_url: str, default_timeout: int = DEFAULT_TIMEOUT
) -> dict[str, dict[str, Any]]:
    from ficshelf.core.embedded_cache import embedded_cache_settings

    found: dict[str, dict[str, Any]] = {
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder / "file"),
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "diskcache-community": embedded_cache_settings(folder / "community", size_limit_mb=512),
    }
    # Not a dependency of the project: `pip install diskcache==5.6.3` to compare it.
    if importlib.util.find_spec("diskcache") is None:
        print("upstream diskcache is not installed: its row is left out", file=sys.stderr)
    else:
        found["diskcache 5.6.3"] = {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(folder / "upstream"),
            "SHARDS": 8,
            "DATABASE_TIMEOUT": 0.1,
            "OPTIONS": {"size_limit": 512 * 1024 * 1024},
        }
    if redis_url:
        found["redis"] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": os.environ.get("BENCH_REDIS_PREFIX", "bench"),
        }
    for params in found.values():
        params["TIMEOUT"] = default_timeout
    return found


def configure(folder: Path, caches: dict[str, dict[str, Any]], default: str | None) -> None:
    from django.conf import settings

    chosen = dict(caches)
    if default is not None:
        chosen["default"] = caches[default]
    else:
        chosen.setdefault("default", {"BACKEND": "django.core.cache.backends.dummy.DummyCache"})
    settings.configure(
        CACHES=chosen,
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(folder / "database-cache.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
            }
        },
        INSTALLED_APPS=[],
        USE_TZ=True,
        FICSHELF_TRUSTED_PROXIES=0,
    )
    import django

    django.setup()


def per_op(seconds: float, ops: int) -> float:
    return seconds / ops * 1e6


def speed(cache: Any, ops: int) -> dict[str, float]:
    cache.set("warm", SMALL, 600)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for _ in range(ops):
        cache.get("warm")
    timings["get"] = per_op(time.perf_counter() - started, ops)
    started = time.perf_counter()
    for n in range(ops):
        cache.set(f"small:{n % 200}", SMALL, 600)
    timings["set 1 KB"] = per_op(time.perf_counter() - started, ops)
    page_ops = max(ops // 10, 50)
    started = time.perf_counter()
    for n in range(page_ops):
        cache.set(f"page:{n % 50}", PAGE, 600)
    timings["set 140 KB"] = per_op(time.perf_counter() - started, page_ops)
    cache.set("counter", 0, 600)
    started = time.perf_counter()
    for _ in range(ops):
        cache.incr("counter")
    timings["incr"] = per_op(time.perf_counter() - started, ops)
    request_ops = max(ops // 5, 100)
    started = time.perf_counter()
    for _ in range(request_ops):
        cache.get("warm")
        cache.close()
    timings["get + close"] = per_op(time.perf_counter() - started, request_ops)
    return timings


def child(folder: str, name: str, mode: str, times: int, start_at: float, queue: Any) -> None:
    """One of two processes counting at once on the candidate ``name``."""
    # Django's default timeout here: the counting must not meet the short one.
    caches = candidates(Path(folder), os.environ.get("BENCH_REDIS_URL", ""), default_timeout=300)
    configure(Path(folder), caches, default=name)
    from django.core.cache import cache

    from ficshelf.core.ratelimit import RateLimit

    limit = RateLimit(f"bench-{name}", limit=700, window_seconds=600)
    while time.time() < start_at:
        time.sleep(0.001)
    allowed, errors = 0, 0
    started = time.perf_counter()
    for _ in range(times):
        try:
            if mode == "incr":
                cache.incr("shared-counter")
            elif limit.attempt("one address"):
                allowed += 1
        except Exception:  # noqa: BLE001 - counted and shown: a backend that fails under load
            errors += 1
    queue.put((allowed, time.perf_counter() - started, errors))


def two_processes(folder: Path, name: str, mode: str, times: int) -> tuple[int, float, int]:
    """(allowed attempts, or the counter's final value; the slower process's seconds;
    operations that raised)."""
    from django.core.cache import caches

    if mode == "incr":
        caches[name].set("shared-counter", 0, 600)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 3
    processes = [
        context.Process(target=child, args=(str(folder), name, mode, times, start_at, queue))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join()
    seconds = max(result[1] for result in results)
    errors = sum(result[2] for result in results)
    if mode == "incr":
        return int(caches[name].get("shared-counter") or 0), seconds, errors
    return sum(result[0] for result in results), seconds, errors


def _failed(errors: int) -> str:
    return f" ({errors:,} raised)" if errors else ""


def behaviour(folder: Path, names: list[str]) -> dict[str, dict[str, str]]:
    from django.core.cache import caches

    rows: dict[str, dict[str, str]] = {name: {} for name in names}
    for name in names:
        cache = caches[name]
        cache.clear()
        final, seconds, errors = two_processes(folder, name, "incr", 2000)
        rows[name]["counts lost (2 x 2,000 incr)"] = f"{4000 - final:,}{_failed(errors)}"
        rows[name]["2 x 2,000 incr, s"] = f"{seconds:.2f}"
        cache.clear()
        allowed, _, errors = two_processes(folder, name, "attempt", 500)
        rows[name]["let through (limit 700, 2 x 500)"] = f"{allowed:,}{_failed(errors)}"
    # Written for an hour, incremented once, then the default timeout waited out.
    for name in names:
        caches[name].clear()
        caches[name].set("hour-counter", 0, 3600)
        caches[name].incr("hour-counter")
    time.sleep(DEFAULT_TIMEOUT + 1)
    for name in names:
        kept = caches[name].get("hour-counter") == 1
        rows[name]["incr keeps the hour"] = "yes" if kept else "no: gone"
    for name in names:
        cache = caches[name]
        cache.clear()
        for n in range(50):
            cache.set(f"limit:{n}", 3, 3600)
        for n in range(1000):
            cache.set(f"unrelated:{n}", SMALL, 3600)
        survivors = sum(cache.get(f"limit:{n}") == 3 for n in range(50))
        rows[name]["of 50 counters after 1,000 writes"] = str(survivors)
        cache.clear()
        for n in range(2000):
            cache.set(f"value:{n}", SMALL, 3600)
        readable = sum(cache.get(f"value:{n}") is not None for n in range(2000))
        rows[name]["of 2,000 values readable"] = f"{readable:,}"
        cache.clear()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--redis", default="", help="a Redis URL to measure too (reference)")
    args = parser.parse_args()
    os.environ["BENCH_REDIS_URL"] = args.redis
    os.environ["BENCH_REDIS_PREFIX"] = f"bench-{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="ficshelf-cache-bench-"))
    try:
        caches_settings = candidates(folder, args.redis)
        configure(folder, caches_settings, default=None)
        from django.core.cache import caches
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)
        names = list(caches_settings)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {args.ops:,} operations a measure",
            file=sys.stderr,
        )
        speeds = {name: speed(caches[name], args.ops) for name in names}
        baseline = speeds["file"]
        measures = list(baseline)
        print("| backend | " + " | ".join(f"{m} µs (x file)" for m in measures) + " |")
        print("|---|" + "---|" * len(measures))
        for name in names:
            cells = [
                f"{speeds[name][m]:.1f} ({speeds[name][m] / baseline[m]:.2f})" for m in measures
            ]
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()
        rows = behaviour(folder, names)
        columns = list(rows["file"])
        print("| backend | " + " | ".join(columns) + " |")
        print("|---|" + "---|" * len(columns))
        for name in names:
            print(f"| {name} | " + " | ".join(rows[name][c] for c in columns) + " |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

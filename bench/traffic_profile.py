"""Where a page's time goes, per kind of request of the real-traffic benchmark (issue 12).

Usage: .venv/bin/python -m bench.traffic_profile [--works 100000] [--data-dir DIR]
       [--per-kind 30] [--top 12] [--seed 13] [--kinds work-entire-guest,...]
       [--save-profiles DIR]

In this process, with no server (Django's test Client, the settings ``ficshelf serve``
uses, ``FICSHELF_TRUSTED_PROXIES=1``), on the data folder of ``bench.traffic_load``
(``bench.traffic_data``; DIR defaults to /work/benchdata/traffic-<works>/). The requests are
drawn as ``bench.traffic_load`` draws its read mix (Zipf over works, tags and pages; the same
kinds; signed-in members with real sessions, guests past the adult notice), ``--per-kind``
of each kind, in three passes over the kinds interleaved:

The shared cache is emptied first (as ``bench.traffic_load`` does). Then:

1. warm-up: another sample of the same size, so the caches are as under steady traffic
   (a kept listing or page is reused when the draws repeat, as in the load benchmark);
2. timing, without a profiler: the wall time of each request (p50, p90, mean), the number
   of SQL queries and their time (Django's ``execute_wrapper``), and the time spent
   rendering templates (the outermost ``django.template.base.Template.render``, SQL run
   from inside templates counted in both and shown apart);
3. cProfile over a third sample drawn the same way (a Zipf draw repeats the popular
   pages, as the timed sample does; replaying the timed sample would find every listing
   kept): the functions' own time grouped by where the code lives
   (templates: ``django/template``, template tags, ``django/forms`` and ``django/utils/html``;
   db: ``django/db`` and sqlite3; search: ``ficshelf/search`` and the tantivy extension;
   cache: the embedded cache (``diskcache``); sanitizer (``nh3`` and the sanitizer);
   other Django, other Ficshelf, the rest), and the top functions by own time per kind.

Every answer must be 200 (a page that is not is reported, and its time still counted).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import os
import pstats
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from bench.environment import use_data_folder
from bench.traffic_data import default_folder, prepare

SQL_SHOWN = 600
BUCKETS = ["templates", "db", "search", "cache", "sanitizer", "django", "ficshelf", "other"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    parser.add_argument("--per-kind", type=int, default=30, help="requests of each kind")
    parser.add_argument("--top", type=int, default=12, help="functions shown per kind")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", help="comma-separated kinds (default: every read kind)")
    parser.add_argument(
        "--save-profiles", type=Path, help="folder to write each kind's profile to (pstats)"
    )
    args = parser.parse_args()
    os.environ["FICSHELF_TRUSTED_PROXIES"] = "1"
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)

    from bench.traffic_load import READ_MIX, Archive, Traffic, empty_cache, machine, make_readers

    # As ``bench.traffic_load`` does: pages kept by an earlier run would be served instead
    # of rendered, so two runs (of two versions of the code) would not compare.
    empty_cache()
    archive = Archive.gather()
    readers = make_readers(archive, 50, 50, args.seed)
    kinds = args.kinds.split(",") if args.kinds else [kind for kind, _ in READ_MIX]
    traffic = Traffic(archive, readers, random.Random(args.seed))
    warm = [traffic.read(kind) for _ in range(args.per_kind) for kind in kinds]
    sample = [traffic.read(kind) for _ in range(args.per_kind) for kind in kinds]
    profiled = [traffic.read(kind) for _ in range(args.per_kind) for kind in kinds]
    print(f"{machine()}; {folder}; {archive.summary()}", flush=True)
    print(f"{args.per_kind} requests of each of {len(kinds)} kinds", flush=True)

    started = time.perf_counter()
    for request in warm:
        send(request)
    print(f"warm-up: {len(warm)} requests in {time.perf_counter() - started:.0f} s")
    timings: dict[str, list[Timing]] = defaultdict(list)
    with measuring() as measure:
        for request in sample:
            timings[request.kind].append(measure(functools.partial(send, request)))
    profiles: dict[str, cProfile.Profile] = {}
    for request in profiled:
        profile = profiles.setdefault(request.kind, cProfile.Profile())
        profile.runcall(send, request)
    print_timings(kinds, timings)
    print_profiles(kinds, profiles, args.top)
    if args.save_profiles:
        args.save_profiles.mkdir(parents=True, exist_ok=True)
        for kind, profile in profiles.items():
            profile.dump_stats(args.save_profiles / f"{kind}.pstats")


# -- sending ------------------------------------------------------------------------------


_clients: list[Any] = []


def send(request: Any) -> int:
    """One request through one test Client (its middleware is loaded once, as in a web
    process), with the request's cookies only."""
    from django.test import Client

    if not _clients:
        _clients.append(Client(HTTP_HOST="127.0.0.1"))
    client = _clients[0]
    cookies: SimpleCookie = SimpleCookie()
    if request.cookie:
        cookies.load(request.cookie)
    client.cookies = cookies
    response = client.get(request.path, HTTP_X_FORWARDED_FOR=request.address or "10.0.0.1")
    status = int(response.status_code)
    if status != 200:
        print(f"  {request.kind} {request.path} answered {status}")
    return status


# -- timing -------------------------------------------------------------------------------


class Timing:
    def __init__(self) -> None:
        self.wall = self.sql = self.templates = self.sql_in_templates = 0.0
        self.queries = 0
        self.statements: dict[str, float] = defaultdict(float)  # SQL (numbers out) -> s


@contextlib.contextmanager
def measuring() -> Iterator[Callable[[Callable[[], Any]], Timing]]:
    """A function that runs a request and times it: wall, SQL and template time."""
    from django.db import connection
    from django.template import base

    current: list[Timing] = []
    depth = [0]
    original = base.Template.render

    def render(self: Any, context: Any) -> Any:
        if depth[0] or not current:
            depth[0] += 1
            try:
                return original(self, context)
            finally:
                depth[0] -= 1
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            current[-1].templates += time.perf_counter() - started
            depth[0] -= 1

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if current:
                elapsed = time.perf_counter() - started
                current[-1].sql += elapsed
                current[-1].queries += 1
                current[-1].statements[re.sub(r"\d+", "N", sql)] += elapsed
                if depth[0]:
                    current[-1].sql_in_templates += elapsed

    def measure(run: Callable[[], Any]) -> Timing:
        timing = Timing()
        current.append(timing)
        started = time.perf_counter()
        try:
            run()
        finally:
            timing.wall = time.perf_counter() - started
            current.pop()
        return timing

    base.Template.render = render  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(wrapper):
            yield measure
    finally:
        base.Template.render = original  # type: ignore[method-assign]


def print_timings(kinds: list[str], timings: dict[str, list[Timing]]) -> None:
    print()
    print("Without a profiler (ms; queries per request; SQL run from templates is in both):")
    print()
    print("| kind | n | p50 | p90 | mean | queries | SQL | templates | SQL in templates | rest |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        rows = timings[kind]
        walls = sorted(t.wall * 1000 for t in rows)
        mean = statistics.mean(walls)
        sql = statistics.mean(t.sql for t in rows) * 1000
        templates = statistics.mean(t.templates for t in rows) * 1000
        inside = statistics.mean(t.sql_in_templates for t in rows) * 1000
        print(
            f"| {kind} | {len(rows)} | {walls[len(walls) // 2]:.1f} | "
            f"{walls[min(len(walls) - 1, len(walls) * 9 // 10)]:.1f} | {mean:.1f} | "
            f"{statistics.mean(t.queries for t in rows):.1f} | {sql:.1f} | {templates:.1f} | "
            f"{inside:.1f} | {mean - sql - templates + inside:.1f} |"
        )
    print()
    print("Slowest SQL per kind where SQL is a fifth of the time or more (ms per request):")
    for kind in kinds:
        rows = timings[kind]
        if sum(t.sql for t in rows) < 0.2 * sum(t.wall for t in rows):
            continue
        statements: dict[str, float] = defaultdict(float)
        for t in rows:
            for statement, seconds in t.statements.items():
                statements[statement] += seconds
        print(f"{kind}:")
        for statement, seconds in sorted(statements.items(), key=lambda s: -s[1])[:2]:
            print(f"  {seconds * 1000 / len(rows):7.1f}  {statement[:SQL_SHOWN]}")


# -- profiles -----------------------------------------------------------------------------


def bucket(filename: str, name: str) -> str:
    path = filename.replace("\\", "/")
    if "/django/template/" in path or "/templatetags/" in path or "/django/forms/" in path:
        return "templates"
    if path.endswith("django/utils/html.py") or path.endswith("django/utils/safestring.py"):
        return "templates"
    # (Django's SQLiteCursorWrapper.execute shows as a bare function: sqlite3's own time.)
    if "/django/db/" in path or "sqlite3" in path or "sqlite3" in name or "SQLite" in name:
        return "db"
    if "/ficshelf/search/" in path or "tantivy" in path or "tantivy" in name:
        return "search"
    if "/diskcache/" in path or "embedded_cache" in path:
        return "cache"
    if "sanitizer" in path or "nh3" in path or "nh3" in name:
        return "sanitizer"
    if "/django/" in path:
        return "django"
    if "/ficshelf/" in path:
        return "ficshelf"
    return "other"


def print_profiles(kinds: list[str], profiles: dict[str, cProfile.Profile], top: int) -> None:
    print()
    print("Own time under cProfile, grouped by where the code lives (share of the kind's total):")
    print()
    print(f"| kind | total ms/request | {' | '.join(BUCKETS)} |")
    print(f"|---|---|{'---|' * len(BUCKETS)}")
    tops = {}
    for kind in kinds:
        stats = pstats.Stats(profiles[kind])
        entries = stats.stats  # type: ignore[attr-defined]
        calls = sum(
            value[1]
            for (filename, _l, name), value in entries.items()
            if name == "send" and filename.endswith("traffic_profile.py")
        )
        shares: dict[str, float] = defaultdict(float)
        for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in entries.items():
            shares[bucket(filename, name)] += tottime
        total = sum(shares.values())
        print(
            f"| {kind} | {total * 1000 / max(1, calls):.1f} | "
            + " | ".join(f"{shares[b] / total:.0%}" for b in BUCKETS)
            + " |"
        )
        ranked = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
        tops[kind] = [
            (tottime / total, cumtime / total, ncalls, _where(filename, line, name))
            for (filename, line, name), (_cc, ncalls, tottime, cumtime, _c) in ranked
        ]
    for kind in kinds:
        print()
        print(f"{kind}: top functions by own time (own share, cumulative share, calls)")
        for own, cumulative, ncalls, where in tops[kind]:
            print(f"  {own:5.1%} {cumulative:6.1%} {ncalls:8d}  {where}")


def _where(filename: str, line: int, name: str) -> str:
    for marker in ("site-packages/", "/ficshelf/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "/ficshelf/":
                filename = "ficshelf/" + filename
            break
    return f"{filename}:{line}({name})" if filename != "~" else name


if __name__ == "__main__":
    main()

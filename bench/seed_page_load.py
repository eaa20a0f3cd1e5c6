"""Benchmark: the seed's work page for a reader past the adult notice, against a static file
(issue 12's single-page target: at least a tenth of the static file's rate).

Usage: .venv/bin/python -m bench.seed_page_load [--data-dir DIR] [--workers 2]
       [--connections 16] [--duration 20]

DIR (default /work/benchdata/seed-page/) is a data folder made on first use: migrated, the
seed "The Idol" imported from the shared fixtures (``ficshelf import``, rated Explicit as
in the importer's tests, so every reader meets the adult notice first), and indexed. The
archive runs as in production (``ficshelf serve``: gunicorn with ``--workers`` web
processes and the background worker). In the same run, with wrk (2 threads, on the same
cores, after a warm-up):

- ``static``: a file served by whitenoise from the same processes (the baseline);
- ``seed, entire work`` and ``seed, chapter 1``: the page as a guest who clicked "Proceed"
  on the adult notice (a real session holding only that), each request from the same
  session, as a reader paging back and forth does; such guests share kept pages
  (``search.page_cache``), so this is the kept page's rate;
- ``seed, entire work, signed in``: the same page for a signed-in member past the notice
  (rendered each time around nothing kept: the member's page has their own buttons).

Every page's answer is checked for the work's text first. Figures: requests per second,
p50 and p99 latency, errors, and each rate as a share of the static file's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.request
from pathlib import Path

from bench.environment import cpu_model, use_data_folder
from bench.listing_load import STATIC_PATH, run_wrk, stop_server, wait_until_up
from bench.work_page_load import free_port, start_archive

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "fixtures" / "seed" / "000_54b7f5ba612c50cc.txt"
DATA = Path(os.environ.get("FICSHELF_BENCH_DATA", "/work/benchdata"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA / "seed-page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=20)
    args = parser.parse_args()
    if not SEED.exists():
        sys.exit(f"the seed is not at {SEED} (the shared fixtures)")
    use_data_folder(args.data_dir)
    work_id = prepare()
    guest, member = sessions()
    from django.db import connections

    connections.close_all()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = args.data_dir / "serve.log"
    server = start_archive(port, args.workers, web_only=False, log=log)
    pages = {
        "seed, entire work": (f"/works/{work_id}/?view_full_work=true", guest),
        "seed, chapter 1": (f"/works/{work_id}/", guest),
        "seed, entire work, signed in": (f"/works/{work_id}/?view_full_work=true", member),
    }
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        wait_until_up(base + "/health")
        for path, cookie in pages.values():
            check_text(base + path, cookie)
        for name, (path, cookie) in [("static", (STATIC_PATH, "")), *pages.items()]:
            run_wrk(base + path, 2, args.connections, 3, cookie)  # warm-up
            result = run_wrk(base + path, 2, args.connections, args.duration, cookie)
            rows.append((name, result))
            print(name, {k: round(v, 1) for k, v in result.items()}, flush=True)
    finally:
        stop_server(server)
    report(rows, args)


def prepare() -> int:
    """The seed's work id, importing it the first time."""
    from django.core.management import call_command

    from ficshelf.works.models import Work

    call_command("migrate", verbosity=0)
    work = Work.objects.filter(title="The Idol").first()
    if work is None:
        call_command("import", str(SEED), "--as", "seedreader", "--rating", "Explicit",
                     "--no-progress")  # fmt: skip
        call_command("reindex", verbosity=0)
        work = Work.objects.get(title="The Idol")
    return int(work.pk)


def sessions() -> tuple[str, str]:
    """Cookies: a guest's session past the adult notice, and a member's (past it too)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from ficshelf.accounts.models import User
    from ficshelf.works.views import ADULT_NOTICE_SESSION_KEY

    guest = SessionStore()
    guest[ADULT_NOTICE_SESSION_KEY] = True
    guest.create()
    user, _ = User.objects.get_or_create(username="seedbenchreader")
    member = SessionStore()
    member[SESSION_KEY] = str(user.pk)
    member[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    member[HASH_SESSION_KEY] = user.get_session_auth_hash()
    member[ADULT_NOTICE_SESSION_KEY] = True
    member.create()
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={guest.session_key}", f"{name}={member.session_key}"


def check_text(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
    if '<section id="chapters"' not in body:
        sys.exit(f"{url} did not show the work's text (an adult notice or an error?)")


def report(rows: list[tuple[str, dict[str, float]]], args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, nproc {os.cpu_count()} "
        f"({cpu_model()}), load average {load:.1f}, Python {sys.version.split()[0]}, "
        f"{args.workers} web processes, wrk 2 threads, {args.connections} connections, "
        f"3 s warm-up + {args.duration} s\n"
    )
    static = rows[0][1]["rps"]
    print("| page | req/s | p50 ms | p99 ms | errors | x static |")
    print("|---|---|---|---|---|---|")
    for name, result in rows:
        print(
            f"| {name} | {result['rps']:,.1f} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{int(result['errors'])} | {result['rps'] / static:.3f} |"
        )


if __name__ == "__main__":
    main()

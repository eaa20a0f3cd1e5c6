"""Benchmark: the filtered works listing under load, against a static file on the same server.

Usage: .venv/bin/python -m bench.listing_load --data-dir DIR [--servers gunicorn,granian]
       [--workers 2] [--connections 16] [--duration 20] [--path /tags/.../works/?...]

DIR is a Ficshelf data folder holding a corpus (``bench.search`` leaves one under
/work/benchdata/<size>/) and its search index. For each server, in the same run:

- ``static``   a file served by whitenoise from the same Django process: the ceiling for
               this server, machine and wrk (the baseline);
- ``listing (guest)``  the filtered listing page (default: the most used fandom, minus two
               archive warnings, sorted by kudos, with facet counts), as a guest without
               cookies: the whole page is kept (``search.page_cache``) after the first;
- ``listing (signed in)``  the same page for a signed-in member with no exclusions (a
               real session): the header is rendered per request around the kept listing
               part, which members who would see the same share;
- ``listing (signed in), every page new``  the same member paging through the listing's
               pages in every sort, each request a URL not yet asked for: the search runs
               and the whole page renders every time (the cache never helps).

wrk runs on the same 2 cores as the server (loopback), with 2 threads and 16 connections,
after a warm-up. Figures: requests per second, p50 and p99 latency, errors.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STATIC_PATH = "/static/ficshelf/site.css"
WARNINGS_EXCLUDED = ["Graphic Depictions Of Violence", "Major Character Death"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--servers", default="gunicorn,granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--path", help="listing URL path (default: chosen from the corpus)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt install wrk)")
    env = {**os.environ, "FICSHELF_DATA_DIR": str(args.data_dir), "PYTHONUNBUFFERED": "1"}
    listing = args.path or default_listing_path(env)
    member_cookie = f"sessionid={member_session(env)}"
    print(f"listing: {listing}")
    rows = []
    for round_number, server in enumerate(args.servers.split(",")):
        process = start_server(server, args.port, args.workers, env)
        try:
            base = f"http://127.0.0.1:{args.port}"
            wait_until_up(base + STATIC_PATH)
            for label, path, cookie, new_pages in [
                ("static", STATIC_PATH, "", False),
                ("listing (guest)", listing, "", False),
                ("listing (signed in)", listing, member_cookie, False),
                ("listing (signed in), every page new", listing, member_cookie, True),
            ]:
                check_ok(base + path, cookie)
                warm_up_script = script = None
                if new_pages:
                    # Pages no earlier run asked for: each server and the warm-up get their
                    # own (a run of 20 s reaches about 150 pages deep at 60 req/s).
                    first = 1 + round_number * 300
                    script = every_page_new_script(path, first, "run")
                    warm_up_script = every_page_new_script(path, first + 250, "warm-up")
                run_wrk(base + path, 2, args.connections, 3, cookie, warm_up_script)
                result = run_wrk(base + path, 2, args.connections, args.duration, cookie, script)
                rows.append((server, label, result))
                print(server, label, result, flush=True)
        finally:
            stop_server(process)
    print()
    print(
        f"| server | page | req/s | p50 ms | p99 ms | errors |  ({args.workers} workers, "
        f"wrk 2 threads, {args.connections} connections, {args.duration} s)"
    )
    print("|---|---|---|---|---|---|")
    for server, label, r in rows:
        print(
            f"| {server} | {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['errors']} |"
        )


def default_listing_path(env: dict[str, str]) -> str:
    """The most used fandom's listing, minus two warnings, by kudos (issue 4's second query)."""
    code = (
        "import django; django.setup();"
        "from django.db.models import Count;"
        "from ficshelf.tags.models import Tag;"
        "from ficshelf.tags.naming import tag_to_url_part;"
        "t = Tag.objects.filter(type='fandom').annotate(n=Count('filter_taggings'))"
        ".order_by('-n').first();"
        f"w = Tag.objects.filter(name__in={WARNINGS_EXCLUDED!r}).values_list('pk', flat=True);"
        "print(tag_to_url_part(t.name), *w)"
    )
    fandom, *warning_ids = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "ficshelf.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1].split()  # fmt: skip
    excluded = "&".join(f"exclude_warning={pk}" for pk in warning_ids)
    return f"/tags/{fandom}/works/?sort=kudos&{excluded}"


def member_session(env: dict[str, str]) -> str:
    """A session key for a member with no exclusions, made in the benchmark's database."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "from ficshelf.accounts.models import User;"
        "u = User.objects.filter(username='benchmark_reader').first()"
        " or User.objects.create_user('benchmark_reader', 'reader@example.org', 'unused pw 9');"
        "c = Client(); c.force_login(u); print(c.cookies['sessionid'].value)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "ficshelf.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip


SORTS = ["kudos", "updated", "posted", "words", "hits", "comments", "bookmarks", "title"]


def every_page_new_script(listing: str, first_page: int, name: str) -> str:
    """A wrk Lua script asking for a page of ``listing`` no thread has asked for yet: pages
    from ``first_page`` up, in each sort in turn, the two threads interleaved."""
    path = re.sub(r"([?&])sort=[^&]*&?", r"\1", listing).rstrip("&?")
    separator = "&" if "?" in path else "?"
    sorts = ", ".join(f'"{sort}"' for sort in SORTS)
    script = f"""
local sorts = {{{sorts}}}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  local k = n * 2 + id
  local sort = sorts[(k % #sorts) + 1]
  local page = {first_page} + math.floor(k / #sorts)
  return wrk.format(nil, "{path}{separator}sort=" .. sort .. "&page=" .. page)
end
"""
    handle = Path(f"/tmp/ficshelf-every-page-new-{name}.lua")
    handle.write_text(script)
    return str(handle)


def start_server(
    server: str, port: int, workers: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    address = f"127.0.0.1:{port}"
    if server == "gunicorn":
        command = [
            sys.executable, "-m", "gunicorn", "ficshelf.wsgi:application", "--bind", address,
            "--workers", str(workers), "--access-logfile", "/dev/null",
        ]  # fmt: skip
    elif server == "granian":
        command = [
            sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "ficshelf.wsgi:application",
        ]  # fmt: skip
    else:
        sys.exit(f"unknown server {server!r}")
    return subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer {url} within {timeout:.0f} s")


def check_ok(url: str, cookie: str = "") -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")


def run_wrk(
    url: str,
    threads: int,
    connections: int,
    seconds: int,
    cookie: str = "",
    script: str | None = None,
) -> dict[str, float]:
    options = ["-H", f"Cookie: {cookie}"] if cookie else []
    if script:
        options += ["-s", script]
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return parse_wrk(out)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    found = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    non2xx = int(found.group(1)) if found else 0
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in found.groups()) if found else 0
    # ``errors`` is both kinds together, as this benchmark's tables report them.
    return {"rps": rps, "p50": p50, "p99": p99, "errors": non2xx + socket_errors,
            "non2xx": non2xx, "socket_errors": socket_errors, "requests": requests}  # fmt: skip


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()

"""Benchmark: the filtered works listing under load, against a static file on the same server.

Usage: .venv/bin/python -m bench.listing_load --data-dir DIR [--servers gunicorn,granian]
       [--workers 2] [--connections 16] [--duration 20] [--path /tags/.../works/?...]

DIR is a Ficshelf data folder holding a corpus (``bench.search`` leaves one under
/work/benchdata/<size>/) and its search index. For each server, in the same run:

- ``static``   a file served by whitenoise from the same Django process: the ceiling for
               this server, machine and wrk (the baseline);
- ``listing``  the filtered listing page (default: the most used fandom, minus two archive
               warnings, sorted by kudos, with facet counts), as a guest without cookies:
               served from the guest page cache (``search.page_cache``) after the first;
- ``listing, rendered``  the same page with a (made-up) session cookie, which the cache
               never answers: every request searches and renders, as for a signed-in
               reader.

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
    print(f"listing: {listing}")
    rows = []
    for server in args.servers.split(","):
        process = start_server(server, args.port, args.workers, env)
        try:
            base = f"http://127.0.0.1:{args.port}"
            wait_until_up(base + STATIC_PATH)
            for label, path, cookie in [
                ("static", STATIC_PATH, ""),
                ("listing", listing, ""),
                ("listing, rendered", listing, "sessionid=benchmark-no-such-session"),
            ]:
                check_ok(base + path)
                run_wrk(base + path, 2, args.connections, 3, cookie)  # warm-up
                result = run_wrk(base + path, 2, args.connections, args.duration, cookie)
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


def check_ok(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")


def run_wrk(
    url: str, threads: int, connections: int, seconds: int, cookie: str = ""
) -> dict[str, float]:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
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
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()

"""Benchmark: serving a file the worker made, from the database, against the data folder and
a static file of the same bytes, through the real server.

Usage: .venv/bin/python -m bench.made_files [--database-url postgres://.../EMPTY_DB]
       [--sizes 128K,2M,32M] [--workers 2] [--connections 4] [--duration 10]

Files the worker makes (PDF, AZW3, MOBI, bulk zips) are kept in the database so that every
server serves them (decision 0013); before, they were files in the worker's data folder.
For each size, a file of random (incompressible, like a PDF or a zip) bytes is served by
``ficshelf serve --no-worker`` (gunicorn) in the same run as:

- ``static``    the same bytes as a static file (whitenoise, sent with the WSGI file wrapper):
                the ceiling for this server and machine (the baseline);
- ``folder``    the same bytes kept in the data folder and sent by the download view with
                Django's FileResponse: how PDFs were served before (EPUB, HTML and TXT still
                are; the bytes are planted as a work's kept EPUB);
- ``database``  the same bytes as a made file, served by the download view
                (``made_files``): how PDFs are served now. The first request on a server
                streams it from the database a 1 MiB row at a time, keeping a copy in the
                data folder; later ones send that copy. wrk measures the later ones;
                ``database, first request`` times single requests (one connection, median
                of several) with the copy removed before each, beside the same for the
                other two.

The database is SQLite in the data folder unless ``--database-url`` names an empty
PostgreSQL database (it is migrated). wrk runs on the same cores, after a warm-up; figures:
requests and MiB per second, p50 and p99 latency, errors.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.listing_load import check_ok, run_wrk, stop_server, wait_until_up

REPO = Path(__file__).resolve().parents[1]
UNITS = {"K": 1024, "M": 1024 * 1024}

# Run in ``ficshelf shell`` with the archive's settings: a work per size, the file kept in
# the database as its PDF and in the data folder as its EPUB; prints "size work_id" lines.
SETUP = """
import os, sys
from ficshelf.downloads import made_files
from ficshelf.downloads.files import version_folder, version_key
from ficshelf.works.models import Chapter, Language, Work
from django.conf import settings

site = {site!r}
for size in {sizes!r}:
    work = Work.objects.create(title=f"Bench {{size}}", is_posted=True, word_count=3,
                               expected_chapter_count=1, is_complete=True,
                               language=Language.objects.get(short="en"))
    Chapter.objects.create(work=work, position=1, text="<p>Three words here.</p>", word_count=3)
    work = Work.objects.with_everything_shown().get(pk=work.pk)
    chapters = [c for c in work.chapters.all() if c.is_posted]
    key = version_key(work, chapters, work_url=f"{{site}}/works/{{work.pk}}/",
                      site_name=settings.SITE_NAME)
    data = os.urandom(size)
    made_files.store(made_files.work_file_name(work.pk, key, "work-a5.pdf"), data,
                     work_id=work.pk, version=key)
    folder = version_folder(work.pk, key)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "work.epub").write_bytes(data)
    (settings.DATA_DIR / "static" / f"bench-{{size}}.bin").write_bytes(data)
    print(size, work.pk)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="128K,2M,32M")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    sizes = [_bytes(size) for size in args.sizes.split(",")]
    port = _free_port()
    site = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="ficshelf-bench-made-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(FICSHELF_DATA_DIR=folder, PYTHONUNBUFFERED="1")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        _ficshelf(env, "migrate", "-v", "0")
        made = _ficshelf(env, "shell", "--no-imports", "-c", SETUP.format(site=site, sizes=sizes))
        works = dict(line.split() for line in made.splitlines() if line.strip())
        server = subprocess.Popen(
            [sys.executable, "-m", "ficshelf", "serve", "--no-worker", "--no-schedule",
             "--port", str(port), "--workers", str(args.workers)],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        rows = []
        firsts = []
        try:
            wait_until_up(f"{site}/health")
            for size in sizes:
                work_id = works[str(size)]
                urls = {
                    "static": f"{site}/static/bench-{size}.bin",
                    "folder": f"{site}/downloads/{work_id}/x.epub",
                    "database": f"{site}/downloads/{work_id}/x.pdf",
                }
                for label, url in urls.items():
                    check_ok(url)
                    _length_is(url, size)
                    run_wrk(url, 2, args.connections, 2)  # warm-up
                    result = run_wrk(url, 2, args.connections, args.duration)
                    rows.append((size, label, result))
                    print(_label(size), label, result, flush=True)
                copy = Path(folder) / "downloads" / "made" / _digest(urls["database"])
                timed = {
                    "static": _median_ms(urls["static"], size),
                    "folder": _median_ms(urls["folder"], size),
                    "database, copy kept": _median_ms(urls["database"], size),
                    "database, first request": _median_ms(urls["database"], size, copy),
                }
                firsts.append((size, timed))
                print(_label(size), timed, flush=True)
        finally:
            stop_server(server)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"\n| size | served from | req/s | MiB/s | p50 ms | p99 ms | errors | vs static |  "
        f"({database}, {args.workers} workers, {args.connections} connections, "
        f"{args.duration} s)"
    )
    print("|---|---|---|---|---|---|---|---|")
    static = {size: r["rps"] for size, label, r in rows if label == "static"}
    for size, label, r in rows:
        mib = r["rps"] * size / UNITS["M"]
        print(
            f"| {_label(size)} | {label} | {r['rps']:.1f} | {mib:.0f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']:.0f} | {r['rps'] / static[size]:.2f} |"
        )

    print(f"\n| size | one request, median ms: {' | '.join(firsts[0][1])} |")
    print("|---|" + "---|" * len(firsts[0][1]))
    for size, timed in firsts:
        print(f"| {_label(size)} | " + " | ".join(f"{ms:.1f}" for ms in timed.values()) + " |")


def _median_ms(url: str, size: int, remove_first: Path | None = None) -> float:
    """Median time of single requests for ``url`` (the whole body read), with
    ``remove_first`` deleted before each when given."""
    import statistics
    import time
    import urllib.request

    times = []
    for _ in range(max(5, min(40, (64 * UNITS["M"]) // size))):
        if remove_first is not None:
            remove_first.unlink(missing_ok=True)
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as response:
            if len(response.read()) != size:
                sys.exit(f"{url} sent a short body")
        times.append((time.perf_counter() - started) * 1000)
        if remove_first is not None:
            time.sleep(0.05)  # the copy is renamed into place just after the last byte
    return statistics.median(times)


def _digest(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.headers["ETag"]).strip('"')


def _ficshelf(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ficshelf", *arguments],
        env=env, cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"ficshelf {arguments[0]} failed:\n{done.stderr}")
    return done.stdout


def _length_is(url: str, size: int) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    if len(body) != size:
        sys.exit(f"{url} sent {len(body)} bytes, not {size}")


def _bytes(size: str) -> int:
    return int(size[:-1]) * UNITS[size[-1]] if size[-1] in UNITS else int(size)


def _label(size: int) -> str:
    for unit in ("M", "K"):
        if size % UNITS[unit] == 0:
            return f"{size // UNITS[unit]} {unit}iB"
    return f"{size} B"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()

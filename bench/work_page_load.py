"""Benchmark: the work page under load, against a static file on the same server (issue 11).

Usage: .venv/bin/python -m bench.work_page_load [--works 3000] [--data-dir DIR]
       [--workers 2] [--connections 16] [--duration 20] [--web-only]

DIR (default /work/benchdata/work-page-<works>/) is a Ficshelf data folder prepared on
first use and reused after: the ``bench.corpus`` works (seed 20260226) with their texts in
SQLite, kudos, comments (some of them replies) and bookmarks from the corpus's members on
every work, and the embedded search index (``ficshelf reindex``). The archive runs as it
does in production, ``ficshelf serve`` (gunicorn, ``--workers`` web processes, and the
background worker with its periodic work unless ``--web-only``), with
``FICSHELF_TRUSTED_PROXIES=1``: as behind one reverse proxy, each guest's address comes from
X-Forwarded-For. In the same run, with wrk:

- ``static``  a file served by whitenoise from the same Django processes: the ceiling for
              this server, machine and wrk (the baseline);
- ``work page (guest)``  a work chosen uniformly at random among the corpus's works a guest
              may read without the adult notice (posted, unrestricted, rated General or
              Teen), each request from a new random guest address and without cookies: a
              first view, so a new hit, every time;
- ``work page (signed in)``  the same choice of works for one member (a real session; a
              new member each run, so today's earlier runs did not count these hits yet);
- ``work page (guest), same work repeated``  one guest reading one work again and again:
              repeat views, which count no new hit.

Every work-page response is checked for the work's text (``<section id="chapters"``), so
an adult notice or an error page answered with 200 would be counted as "without text".
wrk runs on the same cores as the server (loopback), with 2 threads, after a warm-up.
The works' total hits (the sum of ``Work.hits_count``) is printed before the runs, just
after them, and once it has stopped changing (the worker may add hits later).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.environment import use_data_folder
from bench.listing_load import STATIC_PATH, parse_wrk, stop_server, wait_until_up

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FICSHELF_BENCH_DATA", "/work/benchdata"))
# Only a page showing a work's text has it (not the adult notice, nor an error page).
TEXT_MARKER = '<section id="chapters"'
READABLE_RATINGS = ["General Audiences", "Teen And Up Audiences"]
SOCIAL_SEED = 20261205
# Caps per work on the social rows made from the corpus's counts: the page lists every
# kudos giver's name and every comment of the chapter shown, as AO3 does.
MAX_KUDOS, MAX_COMMENTS, MAX_BOOKMARKS = 300, 60, 60
WARM_UP_SECONDS = 3


def main() -> None:
    args = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt install wrk)")
    folder = args.data_dir or DATA / f"work-page-{args.works}"
    use_data_folder(folder)
    prepare(folder, args.works)
    works = readable_work_ids()
    cookie = f"sessionid={new_member_session()}"
    print(f"{machine()}; data folder {folder}; {corpus_summary(works)}", flush=True)
    hits = {"before": total_hits()}
    close_database()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / f"serve-{time.strftime('%Y%m%d-%H%M%S')}.log"
    server = start_archive(port, args.workers, args.web_only, log)
    try:
        wait_until_up(base + "/health")
        check_pages(base, works[0], cookie)
        rows = measure(base, works, cookie, args.connections, args.duration)
        hits["just after"] = total_hits()
        # With the server still up: its worker may be what adds the last hits.
        hits["settled"] = settled_hits(args.hits_wait)
    finally:
        stop_server(server)
    print_report(rows, hits, log, args)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/work-page-<works>")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--web-only", action="store_true", help="run serve without its worker")
    parser.add_argument(
        "--hits-wait",
        type=int,
        default=70,
        help="seconds the hit total must stay unchanged after the runs before it is printed",
    )
    return parser.parse_args()


# -- the data folder ----------------------------------------------------------------------


def prepare(folder: Path, works: int) -> None:
    """Migrate; load the corpus with its texts, add the social rows and index once per
    data folder."""
    from django.core.management import call_command

    from bench import corpus as c
    from ficshelf.works.models import Work

    # Every run: code with new migrations (the "after" of a change) finds its tables.
    call_command("migrate", verbosity=0)
    marker = folder / "prepared"
    if marker.exists():
        return
    if Work.objects.exists():
        sys.exit(f"{folder} holds works but was not fully prepared: remove it and start again")
    started = time.perf_counter()
    c.load_into_database(c.Corpus(works), text=True, progress=False)
    print(f"loaded {works} works with texts in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    made = add_social_rows(c.Corpus(works).users)
    print(f"{made} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("reindex", quiet=True)
    print(f"indexed in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(f"{works} works, {made}\n")


def add_social_rows(members: int) -> str:
    """Kudos, comments and bookmarks on every work, as many as the corpus's counts say up
    to the caps, from the corpus's members (never a work's own creator) and guests; the
    works' stored counts are then set to the rows made, so every way of counting agrees."""
    from django.db import transaction

    from ficshelf.social.models import Bookmark, Comment, Kudos
    from ficshelf.works.models import Chapter, Creatorship, Work

    rng = random.Random(SOCIAL_SEED)
    creators: dict[int, set[int]] = {}
    for work_id, pseud_id in Creatorship.objects.values_list("work_id", "pseud_id"):
        creators.setdefault(work_id, set()).add(pseud_id)  # the corpus's pseud id = user id
    chapters: dict[int, list[int]] = {}
    for work_id, chapter_id in Chapter.objects.order_by("position").values_list("work", "pk"):
        chapters.setdefault(work_id, []).append(chapter_id)
    counts = Work.objects.values_list("pk", "kudos_count", "comments_count", "bookmarks_count")
    kudos: list[Kudos] = []
    comments: list[Comment] = []
    bookmarks: list[Bookmark] = []
    for work_id, n_kudos, n_comments, n_bookmarks in counts:
        others = [u for u in range(1, members + 1) if u not in creators.get(work_id, ())]
        kudos += make_kudos(rng, work_id, others, min(n_kudos, MAX_KUDOS))
        comments += make_comments(rng, work_id, chapters[work_id], others, n_comments)
        givers = rng.sample(others, min(n_bookmarks, MAX_BOOKMARKS, len(others)))
        bookmarks += [Bookmark(work_id=work_id, user_id=u) for u in givers]
    with transaction.atomic():
        Kudos.objects.bulk_create(kudos, batch_size=2000)
        Comment.objects.bulk_create(comments, batch_size=2000)
        Comment.objects.bulk_create(make_replies(rng, comments), batch_size=2000)
        Bookmark.objects.bulk_create(bookmarks, batch_size=2000)
        set_stored_counts()
    return f"{len(kudos)} kudos, {Comment.objects.count()} comments, {len(bookmarks)} bookmarks"


def make_kudos(rng: random.Random, work_id: int, members: list[int], n: int) -> list[Any]:
    from ficshelf.social.models import Kudos

    # About half from members (each once), the rest from guests, as on AO3's busy works.
    givers = rng.sample(members, min(n // 2 + n % 2, len(members)))
    guests = [f"{rng.getrandbits(256):064x}" for _ in range(n - len(givers))]
    return [Kudos(work_id=work_id, user_id=u) for u in givers] + [
        Kudos(work_id=work_id, guest_key=key) for key in guests
    ]


def make_comments(
    rng: random.Random, work_id: int, chapters: list[int], members: list[int], n: int
) -> list[Any]:
    """Top-level comments (a quarter more come later as replies), on any of the chapters;
    one in five from a guest."""
    from ficshelf.core.sanitizer import SANITIZER_VERSION
    from ficshelf.social.models import Comment

    made = []
    for k in range(min(n, MAX_COMMENTS) * 3 // 4 or min(n, 1)):
        guest = rng.random() < 0.2
        made.append(
            Comment(
                work_id=work_id, chapter_id=rng.choice(chapters),
                user_id=None if guest else rng.choice(members),
                guest_name=f"Guest {k}" if guest else "",
                guest_email=f"guest{k}@example.org" if guest else "",
                text=comment_text(rng), sanitizer_version=SANITIZER_VERSION,
            )
        )  # fmt: skip
    return made


def make_replies(rng: random.Random, comments: list[Any]) -> list[Any]:
    """A reply to one comment in three (their ids are known once they are saved)."""
    from ficshelf.core.sanitizer import SANITIZER_VERSION
    from ficshelf.social.models import Comment

    return [
        Comment(
            work_id=parent.work_id, chapter_id=parent.chapter_id, parent_id=parent.pk,
            user_id=parent.user_id or 1, text=comment_text(rng),
            sanitizer_version=SANITIZER_VERSION,
        )
        for parent in comments
        if rng.random() < 1 / 3
    ]  # fmt: skip


COMMENT_WORDS = (
    "I loved this chapter so much and the ending made me cry thank you for writing "
    "it can't wait for more the way you write them is perfect this fic is everything"
)


def comment_text(rng: random.Random) -> str:
    return f"<p>{' '.join(rng.choices(COMMENT_WORDS.split(), k=rng.randint(5, 60)))}</p>"


def set_stored_counts() -> None:
    """Each work's kudos, comments and bookmarks counts as the rows made (the hits count
    stays the corpus's: there are no hit rows behind it)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from ficshelf.social.models import Bookmark, Comment, Kudos
    from ficshelf.works.models import Work

    def counted(model: Any) -> Coalesce:
        rows = model.objects.filter(work=OuterRef("pk")).order_by().values("work")
        n = rows.annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(n, output_field=IntegerField()), 0)

    Work.objects.update(
        kudos_count=counted(Kudos),
        comments_count=counted(Comment),
        bookmarks_count=counted(Bookmark),
    )


# -- what the runs need from the database -------------------------------------------------


def readable_work_ids() -> list[int]:
    """Works a guest may read with no adult notice: posted, unrestricted, rated General or
    Teen (and no other rating)."""
    from ficshelf.tags.models import ADULT_RATINGS
    from ficshelf.works.models import Work

    works = (
        Work.objects.visible_to(None)
        .filter(tags__name__in=READABLE_RATINGS)
        .exclude(tags__name__in=ADULT_RATINGS)
        .distinct()
        .order_by("pk")
    )
    return list(works.values_list("pk", flat=True))


def corpus_summary(works: list[int]) -> str:
    from django.db.models import Avg, Count

    from ficshelf.social.models import Bookmark, Comment, Kudos
    from ficshelf.works.models import Work

    chosen = Work.objects.filter(pk__in=works).annotate(n_chapters=Count("chapters"))
    figures = chosen.aggregate(Avg("word_count"), Avg("n_chapters"))
    return (
        f"{Work.objects.count()} works, {len(works)} readable by guests without the adult "
        f"notice (mean {figures['word_count__avg']:.0f} words, "
        f"{figures['n_chapters__avg']:.1f} chapters); {Kudos.objects.count()} kudos, "
        f"{Comment.objects.count()} comments, {Bookmark.objects.count()} bookmarks"
    )


def new_member_session() -> str:
    """A session key for a new member with default preferences (shows the first chapter)."""
    from django.test import Client

    from ficshelf.accounts.models import User

    name = f"bench_reader_{time.strftime('%Y%m%d%H%M%S')}"
    member = User.objects.create_user(name, f"{name}@example.org", password=None)
    client = Client()
    client.force_login(member)
    return str(client.cookies["sessionid"].value)


def total_hits() -> int:
    from django.db.models import Sum

    from ficshelf.works.models import Work

    return int(Work.objects.aggregate(n=Sum("hits_count"))["n"] or 0)


def settled_hits(quiet_seconds: int) -> int:
    """The hit total once it has not changed for ``quiet_seconds`` (at most 3x that)."""
    last, since = total_hits(), time.monotonic()
    deadline = since + 3 * quiet_seconds
    while time.monotonic() - since < quiet_seconds and time.monotonic() < deadline:
        time.sleep(5)
        close_database()  # see the worker's commits, not this connection's snapshot
        now = total_hits()
        if now != last:
            last, since = now, time.monotonic()
    return last


def close_database() -> None:
    from django.db import connections

    connections.close_all()


# -- the server and the runs --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_archive(port: int, workers: int, web_only: bool, log: Path) -> subprocess.Popen[bytes]:
    """``ficshelf serve`` as an operator runs it, behind one (pretended) reverse proxy."""
    command = [sys.executable, "-m", "ficshelf", "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    if web_only:
        command += ["--no-worker", "--no-schedule"]
    env = {**os.environ, "FICSHELF_TRUSTED_PROXIES": "1", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)


def check_pages(base: str, work_id: int, cookie: str) -> None:
    """Before measuring: a guest and the member each get the work's text with a 200."""
    for headers in ({"X-Forwarded-For": "192.0.2.1"}, {"Cookie": cookie}):
        url = f"{base}/works/{work_id}/"
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
            # A redirect (followed by urllib) would not be followed by wrk.
            if response.geturl() != url or response.status != 200 or TEXT_MARKER not in body:
                sys.exit(f"/works/{work_id} with {headers} did not show the work's text")


def measure(
    base: str, works: list[int], cookie: str, connections: int, seconds: int
) -> list[tuple[str, dict[str, float]]]:
    repeated = works[len(works) // 2]
    cases = [
        ("static", STATIC_PATH, "", None),
        ("work page (guest)", "/", "", page_script(works, new_guests=True)),
        ("work page (signed in)", "/", cookie, page_script(works, new_guests=False)),
        ("work page (guest), same work repeated", "/", "", page_script([repeated], False)),
    ]
    rows = []
    for label, path, case_cookie, script in cases:
        warm_up = run_wrk(base + path, connections, WARM_UP_SECONDS, case_cookie, script)
        result = run_wrk(base + path, connections, seconds, case_cookie, script)
        result["warm_up_requests"] = warm_up["requests"]
        rows.append((label, result))
        print(label, result, flush=True)
    return rows


def page_script(works: list[int], new_guests: bool) -> str:
    """A wrk Lua script asking for a random work of ``works`` on each request (from a new
    random guest address each time with ``new_guests``) and counting the responses that
    do not show a work's text; ``done`` prints that count for ``run_wrk``."""
    ids = ", ".join(str(w) for w in works)
    address = (
        'wrk.headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. '
        'math.random(0, 255) .. "." .. math.random(1, 254)'
        if new_guests
        else ""
    )
    script = f"""
local works = {{{ids}}}
local threads = {{}}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 100 + id)
  missing = 0
end
function request()
  {address}
  return wrk.format(nil, "/works/" .. works[math.random(#works)] .. "/")
end
function response(status, headers, body)
  if not string.find(body, '{TEXT_MARKER}', 1, true) then missing = missing + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("missing") end
  io.write("Responses without the work text: " .. total .. "\\n")
end
"""
    handle = Path(f"/tmp/ficshelf-work-page-{len(works)}-{int(new_guests)}.lua")
    handle.write_text(script)
    return str(handle)


def run_wrk(
    url: str, connections: int, seconds: int, cookie: str, script: str | None
) -> dict[str, float]:
    options = ["-H", f"Cookie: {cookie}"] if cookie else []
    if script:
        options += ["-s", script]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = parse_wrk(out)
    missing = re.search(r"Responses without the work text: (\d+)", out)
    result["missing"] = int(missing.group(1)) if missing else 0
    return result


# -- the report ---------------------------------------------------------------------------


def machine() -> str:
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), "
        f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}"
    )


def print_report(
    rows: list[tuple[str, dict[str, float]]],
    hits: dict[str, int],
    log: Path,
    args: argparse.Namespace,
) -> None:
    static = rows[0][1]["rps"]
    print()
    print(
        f"| page | req/s | p50 ms | p99 ms | socket errors | non-2xx/3xx | without text | "
        f"x static |  ({args.workers} workers, wrk 2 threads, {args.connections} "
        f"connections, {args.duration} s, {datetime.date.today()})"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, r in rows:
        missing = "-" if label == "static" else f"{r['missing']:.0f}"
        print(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['socket_errors']:.0f} | {r['non2xx']:.0f} | {missing} | "
            f"{r['rps'] / static:.3f} |"
        )
    pages = [r for label, r in rows if label != "static"]
    requests = sum(r["requests"] + r["warm_up_requests"] for r in pages)
    print(
        f"\nHits (sum of works' hits_count): {hits['before']} before, {hits['just after']} "
        f"just after the runs, {hits['settled']} settled: +{hits['settled'] - hits['before']} "
        f"for {requests:.0f} work-page requests (warm-ups included; "
        "repeat views and a member's second view of a work count none)."
    )
    problems = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if re.search(r"Traceback|locked|Error|error", line)
    ]
    one, five, _ = os.getloadavg()
    print(f"Load average at the end: {one:.1f} (1 min), {five:.1f} (5 min).")
    print(f"Server log {log}: {len(problems)} lines naming an error.")
    for line in problems[:10]:
        print(f"  {line}")


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()

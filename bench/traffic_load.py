"""Benchmark: real traffic on a real-sized archive (issue 12), against a static file.

Usage: .venv/bin/python -m bench.traffic_load [--works 100000] [--data-dir DIR]
       [--workers 2] [--connections 64] [--threads 2] [--duration 60] [--warm-up 10]
       [--timeout 10] [--mixes read,write] [--members 200] [--guests 200] [--seed 12]
       [--zipf 1.0]

DIR (default /work/benchdata/traffic-<works>/, made by ``bench.traffic_data``, which this
runs first: it migrates a folder made before; its cache is emptied first) is served as in
production: ``ficshelf serve`` (gunicorn with ``--workers`` sync web processes and the
background worker with its periodic work) with ``FICSHELF_TRUSTED_PROXIES=1``, so each
reader's address is read from X-Forwarded-For, and ``--access-log`` with a format naming
each request's ``X-Bench-Kind`` and ``X-Bench-Phase`` headers, its status and the time the
web process spent on it.

Before the server starts, this process signs ``--members`` members in (real sessions in
the archive's session store, each with a CSRF cookie and past the adult notice) and makes
``--guests`` guest sessions past the adult notice (as a guest who clicked "Proceed"), then
writes request lists that ``bench/traffic.lua`` replays with wrk (``--threads`` threads,
``--connections`` connections, ``--warm-up`` seconds with a list of their own, then
``--duration`` seconds). Works, tags and listing pages are drawn with Zipf popularity
(``--zipf``; works ranked by hits, tags by use), readers' addresses at random:

- about half work pages: the entire work (``?view_full_work=true``) or one chapter
  (the first, or ``/chapters/<id>/`` Zipf over the work's chapters), 60% by guests, adult
  works included;
- fandom and other tag listings (``/tags/<tag>/works/``) with filters (excluded warnings,
  a rating, complete only, a word count, words within) and sorts, and deeper pages of them;
  tag pages (``/tags/<tag>/``);
- searches (``/search/?q=``): metadata (``fandom:``, ``rating:``, counts) and words of the
  texts (the corpus's vocabulary, Zipf);
- members' dashboards, inboxes and bookmarks.

``read`` is that mix; ``write`` is the same with one request in twenty a write by a signed-in
member with a valid CSRF token: kudos (on a work the member has not given kudos to), a
comment, a bookmark (of a work not bookmarked yet), a new posted work. The static baseline
(a whitenoise file through the same processes) runs first, in the same run.

Figures per run: requests per second, p50/p90/p99 latency (wrk's, from the client),
errors: socket errors (connect, read, write, timeout after ``--timeout`` s) and non-2xx/3xx
answers with the 429s apart, and the rate as a share of the static file's. Per kind of
request (from the server's access log): requests, share, non-2xx/3xx, 5xx, and the time the
web process spent (p50/p90/p99; queueing before a process takes the request is not in it),
and the share answered with a whole kept page (a guest's work page or listing kept by
``search.page_cache``; members' kept listing parts are not counted there).
After the write mix: kudos, comments, bookmarks and works counted in the database before and
after, against the writes acknowledged (answered 2xx/3xx, recorded by the Lua script per
thread); each acknowledged comment and work is looked up by the id its answer named, each
acknowledged kudos by the member and work its number stands for; "lost writes: N".
The access log costs every request a line (the static file's too).
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.environment import cpu_model, use_data_folder
from bench.listing_load import STATIC_PATH, parse_wrk, stop_server, wait_until_up
from bench.traffic_data import MEMBERS, default_folder, prepare

REPO = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("traffic.lua")
# The last field: whether a kept page answered (``search.page_cache.KEPT_PAGE_ENVIRON``;
# "-" when it did not).
ACCESS_FORMAT = (
    "BENCH %({x-bench-phase}i)s %({x-bench-kind}i)s %(s)s %(D)s %({ficshelf.kept_page}e)s"
)
SORTS = ["kudos", "updated", "posted", "words", "hits", "comments", "bookmarks", "title"]
WRITE_SHARE = 20  # one request in twenty in the write mix
# (kind, weight) of the read mix; "work" kinds are about half.
READ_MIX = [
    ("work-entire-guest", 12), ("work-chapter-guest", 18),
    ("work-entire-member", 8), ("work-chapter-member", 12),
    ("fandom-listing", 9), ("tag-listing", 6), ("listing-deep", 6), ("tag-page", 3),
    ("search-meta", 5), ("search-text", 5),
    ("dashboard", 6), ("inbox", 5), ("bookmarks", 5),
]  # fmt: skip
WRITE_MIX = [("write-kudos", 40), ("write-comment", 25), ("write-bookmark", 25), ("write-work", 10)]
COUNTED = {"kudos": "Kudos", "comment": "Comment", "bookmark": "Bookmark", "work": "Work"}


def main() -> None:
    args = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt install wrk)")
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)
    started = time.perf_counter()
    empty_cache()
    archive = Archive.gather(args.zipf)
    readers = make_readers(archive, args.members, args.guests, args.seed)
    print(
        f"{machine()}; data folder {folder}; {archive.summary()}; "
        f"{len(readers.members)} members signed in, {len(readers.guests)} guest sessions "
        f"(in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    run_dir = folder / f"run-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir()
    lists = write_request_lists(archive, readers, args, run_dir)
    close_database()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = run_dir / "serve.log"
    server = start_archive(port, args.workers, log)
    rows: list[tuple[str, dict[str, float]]] = []
    writes: dict[str, Any] = {}
    try:
        wait_until_up(base + "/health")
        check_requests(base, lists)
        for mix in ["static", *args.mixes.split(",")]:
            if mix == "write":
                writes["before"] = counts()
                close_database()
            for phase, seconds in (("warm-up", args.warm_up), ("run", args.duration)):
                script = None if mix == "static" else lists[f"{mix}-{phase}"]
                result = run_wrk(base, args, seconds, f"{mix}-{phase}", script, run_dir)
                settle(base)
                if phase == "run":
                    rows.append((mix, result))
                    print(mix, {k: round(v, 1) for k, v in result.items()}, flush=True)
            if mix == "write":
                writes["after"] = counts()
                writes["acked"] = read_acks(run_dir, "write")
                writes["lost"] = check_writes(writes, lists["write-ids"])
                close_database()
    finally:
        stop_server(server)
    print_report(rows, writes, log, args, archive, folder)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=60, help="seconds of each run")
    parser.add_argument("--warm-up", type=int, default=10, help="seconds before each run")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's request timeout (s)")
    parser.add_argument("--mixes", default="read,write", help="read, write or both")
    parser.add_argument("--members", type=int, default=200, help="members signed in")
    parser.add_argument("--guests", type=int, default=200, help="guest sessions")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent")
    return parser.parse_args()


# -- what the archive holds ---------------------------------------------------------------


class Zipf:
    """Ranks 0..n-1 with P(rank) proportional to 1/(rank+1)^s."""

    def __init__(self, n: int, s: float) -> None:
        weights = [1 / (rank + 1) ** s for rank in range(max(1, n))]
        self.cdf = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> int:
        return min(bisect.bisect(self.cdf, rng.random() * self.cdf[-1]), len(self.cdf) - 1)


@dataclass
class Tagged:
    url: str  # the tag's URL part
    name: str
    works: int


@dataclass
class Archive:
    works: list[tuple[int, list[int]]]  # (work, its chapters), most hits first
    fandoms: list[Tagged]
    tags: list[Tagged]  # relationships, characters, additional tags
    warnings: list[int]
    ratings: list[int]
    words: list[str]  # text words, most frequent first
    s: float = 1.0
    zipf: dict[str, Zipf] = field(default_factory=dict)

    @classmethod
    def gather(cls, s: float = 1.0) -> Archive:
        from django.db.models import Count

        from bench.corpus import Vocabulary
        from bench.corpus.shape import SEED
        from ficshelf.tags.models import Tag
        from ficshelf.tags.naming import tag_to_url_part
        from ficshelf.works.models import Chapter, Work

        visible = Work.objects.visible_to(None).posted().order_by("-hits_count", "pk")
        ids = list(visible.values_list("pk", flat=True))
        chapters: dict[int, list[int]] = defaultdict(list)
        rows = Chapter.objects.filter(is_posted=True).order_by("work_id", "position")
        for work_id, chapter_id in rows.values_list("work_id", "pk"):
            chapters[work_id].append(chapter_id)
        works = [(w, chapters[w]) for w in ids if chapters[w]]

        def ranked(types: list[str], n: int) -> list[Tagged]:
            tags = (
                Tag.objects.filter(type__in=types, is_canonical=True)
                .annotate(n=Count("filter_taggings"))
                .filter(n__gt=0)
                .order_by("-n", "pk")[:n]
            )
            return [Tagged(tag_to_url_part(t.name), t.name, t.n) for t in tags]  # type: ignore[attr-defined]

        fixed = dict(Tag.objects.filter(type__in=["warning", "rating"]).values_list("name", "pk"))
        warnings = [
            fixed[name]
            for name in ("Graphic Depictions Of Violence", "Major Character Death")
            if name in fixed
        ]
        ratings = list(Tag.objects.filter(type="rating").values_list("pk", flat=True))
        vocabulary = Vocabulary(SEED)
        words = [w for w in vocabulary.words[60:20_000].tolist() if w.isalpha()]
        return cls(
            works=works,
            fandoms=ranked(["fandom"], 3000),
            tags=ranked(["relationship", "character", "freeform"], 10_000),
            warnings=warnings,
            ratings=ratings,
            words=words,
            s=s,
        )

    def draw(self, name: str, items: list[Any], rng: random.Random) -> Any:
        if name not in self.zipf:
            self.zipf[name] = Zipf(len(items), self.s)
        return items[self.zipf[name].draw(rng)]

    def summary(self) -> str:
        from ficshelf.accounts.models import User
        from ficshelf.social.models import Bookmark, Comment, InboxItem, Kudos, Reading
        from ficshelf.works.models import Work

        return (
            f"{Work.objects.count()} works ({len(self.works)} visible to guests), "
            f"{User.objects.count()} members, {Kudos.objects.count()} kudos, "
            f"{Comment.objects.count()} comments, {Bookmark.objects.count()} bookmarks, "
            f"{Reading.objects.count()} readings, {InboxItem.objects.count()} inbox notices, "
            f"{len(self.fandoms)} fandoms and {len(self.tags)} other tags drawn from"
        )


# -- readers ------------------------------------------------------------------------------


@dataclass
class Member:
    id: int
    cookie: str
    csrf: str
    address: str
    kudos: set[int]  # works the member gave kudos to (or wrote)
    bookmarked: set[int]  # works the member bookmarked (or wrote)


@dataclass
class Readers:
    members: list[Member]
    guests: list[str]  # guest session cookies


def make_readers(archive: Archive, n_members: int, n_guests: int, seed: int) -> Readers:
    """Signed-in members (real sessions, past the adult notice, with a CSRF cookie) and
    guest sessions past the adult notice, in the archive's session store."""
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from ficshelf.accounts.models import User
    from ficshelf.social.models import Bookmark, Kudos
    from ficshelf.works.models import Creatorship
    from ficshelf.works.views import ADULT_NOTICE_SESSION_KEY

    rng = random.Random(seed)
    ids = sorted(rng.sample(range(1, MEMBERS + 1), min(n_members, MEMBERS)))
    users = User.objects.in_bulk(ids)
    kudos: dict[int, set[int]] = defaultdict(set)
    for user, work in Kudos.objects.filter(user__in=ids).values_list("user_id", "work_id"):
        kudos[user].add(work)
    bookmarked: dict[int, set[int]] = defaultdict(set)
    for user, work in Bookmark.objects.filter(user__in=ids).values_list("user_id", "work_id"):
        bookmarked[user].add(work)
    for user, work in Creatorship.objects.filter(pseud__user__in=ids).values_list(
        "pseud__user_id", "work_id"
    ):
        kudos[user].add(work)
        bookmarked[user].add(work)
    members = []
    for n, pk in enumerate(ids):
        client = Client()
        client.force_login(users[pk])
        session = client.session
        session[ADULT_NOTICE_SESSION_KEY] = True
        session.save()
        csrf = _get_new_csrf_string()
        members.append(
            Member(
                id=pk,
                cookie=f"sessionid={session.session_key}; csrftoken={csrf}",
                csrf=csrf,
                address=f"198.18.{n // 250}.{n % 250 + 1}",
                kudos=kudos[pk],
                bookmarked=bookmarked[pk],
            )
        )
    guests = []
    for _ in range(n_guests):
        store = SessionStore()
        store[ADULT_NOTICE_SESSION_KEY] = True
        store.create()
        guests.append(f"sessionid={store.session_key}")
    return Readers(members, guests)


# -- the request lists --------------------------------------------------------------------


@dataclass
class Request:
    kind: str
    path: str
    method: str = "GET"
    cookie: str = ""
    address: str = ""
    csrf: str = ""
    body: str = ""

    def line(self) -> str:
        fields = [self.kind, self.method, self.path, self.cookie, self.address, self.csrf,
                  self.body, "1" if self.method == "POST" else "0"]  # fmt: skip
        assert not any("\t" in f or "\n" in f for f in fields), fields
        return "\t".join(fields)


class Traffic:
    """Draws requests of each kind."""

    def __init__(self, archive: Archive, readers: Readers, rng: random.Random) -> None:
        self.a, self.readers, self.rng = archive, readers, rng
        self.write_number = 0
        self.write_ids: dict[int, tuple[int, int]] = {}  # kudos number -> (member, work)

    def guest_address(self) -> str:
        r = self.rng
        return f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"

    def reader(self, kind: str) -> tuple[str, str]:
        """(cookie, address) of a member for "-member" kinds and members' pages, else a
        guest's: a session past the adult notice for work pages, none for half the rest."""
        if kind.endswith("-member") or kind in ("dashboard", "inbox", "bookmarks"):
            member = self.rng.choice(self.readers.members)
            return member.cookie, member.address
        if kind.startswith("work-") or self.rng.random() < 0.5:
            return self.rng.choice(self.readers.guests), self.guest_address()
        return "", self.guest_address()

    def work(self) -> tuple[int, list[int]]:
        return self.a.draw("works", self.a.works, self.rng)  # type: ignore[no-any-return]

    def read(self, kind: str) -> Request:
        r, a = self.rng, self.a
        if kind.startswith("work-entire"):
            work, _ = self.work()
            path = f"/works/{work}/?view_full_work=true"
        elif kind.startswith("work-chapter"):
            work, chapters = self.work()
            position = a.draw(f"chapters-{len(chapters)}", list(range(len(chapters))), r)
            path = (
                f"/works/{work}/"
                if position == 0
                else f"/works/{work}/chapters/{chapters[position]}/"
            )
        elif kind in ("fandom-listing", "tag-listing", "listing-deep"):
            tags = a.fandoms if kind == "fandom-listing" or r.random() < 0.6 else a.tags
            tag = a.draw("fandoms" if tags is a.fandoms else "tags", tags, r)
            pages = max(1, (tag.works + 19) // 20)
            page = 1
            if kind == "listing-deep" and pages > 1:
                deepest = min(pages - 1, 500)
                page = 2 + a.draw(f"pages-{deepest}", list(range(deepest)), r)
            path = f"/tags/{tag.url}/works/?{self.filters(page)}".rstrip("?")
        elif kind == "tag-page":
            tag = a.draw("fandoms", a.fandoms, r) if r.random() < 0.5 else a.draw("tags", a.tags, r)
            path = f"/tags/{tag.url}/"
        elif kind == "search-meta":
            fandom = a.draw("fandoms", a.fandoms, r)
            q = r.choice([
                f'fandom:"{fandom.name}"',
                f'fandom:"{fandom.name}" words>{r.choice([1000, 5000, 20000])}',
                f"kudos>{r.choice([10, 100, 500])} rating:{r.choice(['teen', 'mature'])}",
                f'tag:"{a.draw("tags", a.tags, r).name}"',
                f"words:{r.choice(['1000-5000', '10000-50000'])} complete",
            ])  # fmt: skip
            path = "/search/?" + urllib.parse.urlencode(self.search_params(q))
        elif kind == "search-text":
            n = r.choice([1, 1, 2, 3])
            q = " ".join(a.draw("words", a.words, r) for _ in range(n))
            if r.random() < 0.15:
                q = '"silver moon"'
            path = "/search/?" + urllib.parse.urlencode(self.search_params(q))
        elif kind == "dashboard":
            path = "/dashboard/"
        elif kind == "inbox":
            path = "/inbox/"
        elif kind == "bookmarks":
            path = "/bookmarks/" if r.random() < 0.8 else f"/bookmarks/?page={r.randint(2, 5)}"
        else:
            raise ValueError(kind)
        cookie, address = self.reader(kind)
        return Request(kind, path, cookie=cookie, address=address)

    def filters(self, page: int) -> str:
        r = self.rng
        params: list[tuple[str, Any]] = []
        if r.random() < 0.7:
            params.append(("sort", r.choice(SORTS)))
        if r.random() < 0.3:
            params += [("exclude_warning", w) for w in self.a.warnings]
        if r.random() < 0.2:
            params.append(("include_rating", r.choice(self.a.ratings)))
        if r.random() < 0.15:
            params.append(("complete", "complete"))
        if r.random() < 0.1:
            params.append(("words_from", 1000))
        if r.random() < 0.05:
            params.append(("q", r.choice(self.a.words[:2000])))
        if page > 1:
            params.append(("page", page))
        return urllib.parse.urlencode(params)

    def search_params(self, q: str) -> list[tuple[str, Any]]:
        params: list[tuple[str, Any]] = [("q", q)]
        if self.rng.random() < 0.3:
            params.append(("sort", self.rng.choice(SORTS)))
        if self.rng.random() < 0.2:
            params.append(("page", 2 + self.a.draw("search-pages", list(range(20)), self.rng)))
        return params

    def first_time(self, done: Callable[[Member], set[int]]) -> tuple[Member, int]:
        """A member and a work they have not done this to yet (kudos and bookmarks are once
        per member and work), marked as done."""
        while True:
            member = self.rng.choice(self.readers.members)
            work, _ = self.work()
            if work not in done(member):
                done(member).add(work)
                return member, work

    def write(self, kind: str) -> Request:
        r, a = self.rng, self.a
        self.write_number += 1
        from ficshelf.core.form_guards import fresh_stamp

        number = self.write_number
        if kind == "write-kudos":
            member, work = self.first_time(lambda m: m.kudos)
            self.write_ids[number] = (member.id, work)
            path = f"/works/{work}/kudos/"
            fields = "next=" + urllib.parse.quote(f"/works/{work}/?bench_write={number}")
        elif kind == "write-comment":
            member = r.choice(self.readers.members)
            work, chapters = self.work()
            path = f"/works/{work}/chapters/{r.choice(chapters)}/comments/"
            text = f"<p>Bench write {number}: " + " ".join(r.choices(a.words[:300], k=20))
            # The comment form's spam guard: a stamp signed with the archive's key, made
            # "a minute ago" (a person takes that long to write; the guard's minimum).
            stamp = fresh_stamp(time.time() - 60)
            fields = urllib.parse.urlencode({"text": text + "</p>", "form_started": stamp})
        elif kind == "write-bookmark":
            member, work = self.first_time(lambda m: m.bookmarked)
            path = f"/works/{work}/bookmark/"
            fields = urllib.parse.urlencode(
                {"notes": f"Bench write {number}", "tags": "bench, rec"}
            )
        elif kind == "write-work":
            member = r.choice(self.readers.members)
            path = "/works/new/"
            fields = urllib.parse.urlencode(
                work_form(number, a.draw("fandoms", a.fandoms, r).name, a.words, r), doseq=True
            )
        else:
            raise ValueError(kind)
        body = f"csrfmiddlewaretoken={member.csrf}&{fields}"
        return Request(
            kind, path, method="POST", cookie=member.cookie, address=member.address,
            csrf=member.csrf, body=body,
        )  # fmt: skip


def work_form(number: int, fandom: str, words: list[str], rng: random.Random) -> dict[str, Any]:
    """What a browser sends to post a new one-chapter work."""
    from ficshelf.works.models import Language

    paragraphs = [" ".join(rng.choices(words[:3000], k=120)) for _ in range(rng.randint(3, 20))]
    return {
        "rating": rng.choice(["General Audiences", "Teen And Up Audiences"]),
        "warnings": ["No Archive Warnings Apply"], "fandoms": fandom, "relationships": "",
        "characters": "", "freeforms": "Fluff", "title": f"Bench write {number}",
        "summary": "A work posted by the traffic benchmark.", "notes": "", "end_notes": "",
        "language": Language.objects.get(short="en").pk, "series_position": "",
        "new_series_title": "", "co_creators": "", "gift_recipients": "",
        "comment_permission": "everyone", "expected_chapter_count": "", "published_on": "",
        "chapter_title": "", "chapter_summary": "", "chapter_notes": "",
        "chapter_end_notes": "", "text_format": "html",
        "text": "".join(f"<p>{p}</p>" for p in paragraphs), "action": "post",
    }  # fmt: skip


def write_request_lists(
    archive: Archive, readers: Readers, args: argparse.Namespace, run_dir: Path
) -> dict[str, Any]:
    """One list per mix and phase (the writes of each made once); long enough not to be
    started again at several hundred requests a second."""
    rng = random.Random(args.seed)
    traffic = Traffic(archive, readers, rng)
    kinds, weights = zip(*READ_MIX, strict=True)
    write_kinds, write_weights = zip(*WRITE_MIX, strict=True)
    lists: dict[str, Any] = {}
    for mix in args.mixes.split(","):
        for phase, seconds in (("warm-up", args.warm_up), ("run", args.duration)):
            n = max(5000, seconds * 600)
            lines = []
            for k in range(n):
                if mix == "write" and k % WRITE_SHARE == WRITE_SHARE - 1:
                    kind = rng.choices(write_kinds, write_weights)[0]
                    lines.append(traffic.write(kind).line())
                else:
                    lines.append(traffic.read(rng.choices(kinds, weights)[0]).line())
            path = run_dir / f"{mix}-{phase}.requests"
            path.write_text("\n".join(lines) + "\n")
            lists[f"{mix}-{phase}"] = str(path)
    lists["write-ids"] = traffic.write_ids
    return lists


# -- the server and the runs --------------------------------------------------------------


def empty_cache() -> None:
    """Every run starts with nothing kept: pages, listing parts and blurbs kept by an earlier
    run of the same request lists would be found again (and the code measured may differ)."""
    from django.core.cache import cache

    cache.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_archive(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """``ficshelf serve`` as an operator runs it, behind one (pretended) reverse proxy,
    logging each request with the benchmark's headers."""
    command = [sys.executable, "-m", "ficshelf", "serve", "--port", str(port),
               "--workers", str(workers), "--access-log"]  # fmt: skip
    env = {
        **os.environ,
        "FICSHELF_TRUSTED_PROXIES": "1",
        "PYTHONUNBUFFERED": "1",
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
    }
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)


def check_requests(base: str, lists: dict[str, Any]) -> None:
    """Before measuring: one request of each read kind answers 200 (a redirect or an
    adult notice would not be what the kind stands for)."""
    seen: set[str] = set()
    for line in Path(lists[next(iter(lists))]).read_text().splitlines():
        kind, method, path, cookie, address, *_ = line.split("\t")
        if kind in seen or method != "GET":
            continue
        seen.add(kind)
        headers = {"X-Bench-Kind": kind, "X-Bench-Phase": "check"}
        if cookie:
            headers["Cookie"] = cookie
        if address:
            headers["X-Forwarded-For"] = address
        request = urllib.request.Request(base + path, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read().decode()
            if response.geturl() != base + path or response.status != 200:
                sys.exit(f"{kind} {path} answered {response.status} at {response.geturl()}")
            if kind.startswith("work-") and '<section id="chapters"' not in body:
                sys.exit(f"{kind} {path} did not show the work's text")


def run_wrk(
    base: str, args: argparse.Namespace, seconds: int, phase: str, script: str | None,
    run_dir: Path,
) -> dict[str, float]:  # fmt: skip
    env = {**os.environ, "BENCH_PHASE": phase, "BENCH_THREADS": str(args.threads)}
    options = [f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
               f"--timeout={args.timeout}s", "--latency"]  # fmt: skip
    if script:
        env["BENCH_REQUESTS"] = script
        env["BENCH_ACKS"] = str(run_dir / f"{phase}.acks")
        options += ["-s", str(LUA)]
    else:
        options += ["-H", "X-Bench-Kind: static", "-H", f"X-Bench-Phase: {phase}"]
    out = subprocess.run(
        ["wrk", *options, base + (STATIC_PATH if not script else "/")],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    (run_dir / f"{phase}.wrk").write_text(out)
    result = parse_wrk(out)
    found = re.search(r"\s90%\s+([\d.]+)(us|ms|s)", out)
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    result["p90"] = float(found.group(1)) * unit[found.group(2)] if found else 0.0
    found = re.search(r"BENCH lua 429=(\d+) 4xx=(\d+) 5xx=(\d+) acked=(\d+)", out)
    n429, n4xx, n5xx, acked = (int(g) for g in found.groups()) if found else (0, 0, 0, 0)
    result.update({"429": n429, "4xx": n4xx, "5xx": n5xx, "acked": acked})
    result["errors_without_429"] = result["errors"] - n429
    return result


def settle(base: str, quiet_ms: float = 50, timeout: float = 120) -> None:
    """Wait until the requests wrk left queued when it stopped are done: the static file
    answers within ``quiet_ms`` three times in a row (each run starts on an idle server)."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(base + STATIC_PATH, timeout=60) as response:
            response.read()
        quick = quick + 1 if (time.perf_counter() - started) * 1000 < quiet_ms else 0
        time.sleep(0.2)


def counts() -> dict[str, int]:
    from ficshelf.social.models import Bookmark, Comment, Kudos
    from ficshelf.works.models import Work

    close_database()  # see what the server committed, not this connection's snapshot
    return {
        "kudos": Kudos.objects.count(),
        "comment": Comment.objects.count(),
        "bookmark": Bookmark.objects.count(),
        "work": Work.objects.count(),
    }


def read_acks(run_dir: Path, mix: str) -> list[tuple[str, str]]:
    acks = []
    for path in sorted(run_dir.glob(f"{mix}-*.acks.*")):
        for line in path.read_text().splitlines():
            kind, _status, location = line.split("\t")
            acks.append((kind, location))
    return acks


def check_writes(writes: dict[str, Any], kudos_ids: dict[int, tuple[int, int]]) -> dict[str, int]:
    """Acknowledged writes not found in the database, per kind: each comment and work by
    the id its answer named, each kudos by its member and work, bookmarks by the count
    (each acknowledged one a new bookmark of the bench's)."""
    from ficshelf.social.models import Bookmark, Comment, Kudos
    from ficshelf.works.models import Work

    acked: dict[str, list[str]] = defaultdict(list)
    for kind, location in writes["acked"]:
        acked[kind].append(location)
    lost = {}
    comment_ids = [int(re.findall(r"\d+", loc)[0]) for loc in acked["comment"]]
    lost["comment"] = (
        len(comment_ids)
        - Comment.objects.filter(pk__in=comment_ids, text__contains="Bench write").count()
    )
    work_ids = [int(re.findall(r"\d+", loc)[0]) for loc in acked["work"]]
    lost["work"] = (
        len(work_ids)
        - Work.objects.filter(pk__in=work_ids, title__startswith="Bench write").count()
    )
    missing = 0
    for loc in acked["kudos"]:
        number = int(loc.rsplit("bench_write=", 1)[1])
        member, work = kudos_ids[number]
        missing += not Kudos.objects.filter(user_id=member, work_id=work).exists()
    lost["kudos"] = missing
    made = writes["after"]["bookmark"] - writes["before"]["bookmark"]
    lost["bookmark"] = max(0, len(acked["bookmark"]) - made)
    noted = Bookmark.objects.filter(notes__contains="Bench write").count()
    writes["bench_bookmarks"] = noted
    return lost


def close_database() -> None:
    from django.db import connections

    connections.close_all()


# -- the report ---------------------------------------------------------------------------


def machine() -> str:
    model = cpu_model()
    return (
        f"nproc {len(os.sched_getaffinity(0))} ({model}), load average "
        f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}"
    )


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def print_report(
    rows: list[tuple[str, dict[str, float]]],
    writes: dict[str, Any],
    log: Path,
    args: argparse.Namespace,
    archive: Archive,
    folder: Path,
) -> None:
    static = rows[0][1]["rps"]
    print()
    print(
        f"{datetime.date.today()}, {machine()}, {folder}: {args.workers} web processes, wrk "
        f"{args.threads} threads, {args.connections} connections, {args.warm_up} s warm-up + "
        f"{args.duration} s, timeout {args.timeout} s"
    )
    print()
    print("| mix | req/s | p50 ms | p90 ms | p99 ms | socket errors | non-2xx/3xx (not 429) "
          "| 429 | x static |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for mix, r in rows:
        print(
            f"| {mix} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} | "
            f"{r['socket_errors']:.0f} | {r['non2xx'] - r['429']:.0f} | {r['429']:.0f} | "
            f"{r['rps'] / static:.4f} |"
        )
    if writes:
        acked = Counter(kind for kind, _ in writes["acked"])
        before, after, lost = writes["before"], writes["after"], writes["lost"]
        print()
        print("| write | acknowledged | rows before | rows after | made | lost |")
        print("|---|---|---|---|---|---|")
        for kind in COUNTED:
            print(
                f"| {kind} | {acked[kind]} | {before[kind]} | {after[kind]} | "
                f"{after[kind] - before[kind]} | {lost[kind]} |"
            )
        print(f"\nlost writes: {sum(lost.values())}")
    by_kind: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    kept: Counter[tuple[str, str]] = Counter()
    problems = []
    for line in log.read_text(errors="replace").splitlines():
        # (Code before the kept-page field logs lines without it.)
        found = re.match(r"BENCH (\S+) (\S+) (\d+) (\d+)(?: (\S+))?$", line)
        if found:
            phase, kind, status, micros, kept_page = found.groups()
            by_kind[(phase, kind)].append((int(status), int(micros) / 1000))
            kept[(phase, kind)] += kept_page not in (None, "-")
        elif re.search(r"Traceback|locked|Error|error|CRITICAL|WARNING", line):
            problems.append(line)
    print()
    print("Per kind, from the server's access log (ms in the web process, not queueing):")
    print()
    print(
        "| mix | kind | requests | share | non-2xx/3xx | 429 | 5xx | p50 ms | p90 ms | p99 ms "
        "| kept copies |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    server_5xx = 0
    for mix, _ in rows:
        phase = f"{mix}-run"
        total = sum(len(v) for (p, _k), v in by_kind.items() if p == phase)
        for (p, kind), answers in sorted(by_kind.items()):
            if p != phase:
                continue
            times = [ms for _, ms in answers]
            bad = sum(1 for status, _ in answers if status >= 400)
            n429 = sum(1 for status, _ in answers if status == 429)
            n5xx = sum(1 for status, _ in answers if status >= 500)
            print(
                f"| {mix} | {kind} | {len(answers)} | {len(answers) / total:.1%} | {bad} | "
                f"{n429} | {n5xx} | {percentile(times, 50):.1f} | {percentile(times, 90):.1f} | "
                f"{percentile(times, 99):.1f} | {kept[(p, kind)] / len(answers):.0%} |"
            )
    for (_p, _k), answers in by_kind.items():
        server_5xx += sum(1 for status, _ in answers if status >= 500)
    print(f"\nServer: {server_5xx} answers 5xx in all phases (warm-ups and checks included).")
    print(f"Server log {log}: {len(problems)} lines naming an error or warning.")
    for line in problems[:10]:
        print(f"  {line}")
    one, five, _ = os.getloadavg()
    print(f"Load average at the end: {one:.1f} (1 min), {five:.1f} (5 min).")


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()

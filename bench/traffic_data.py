"""The data folder of the real-traffic benchmark (issue 12): an AO3-shaped archive with readers.

Usage: .venv/bin/python -m bench.traffic_data [--works 100000] [--data-dir DIR]

DIR (default /work/benchdata/traffic-<works>/) is a Ficshelf data folder (SQLite, embedded
search index, cache) made on first use and reused after (migrated first, so code with new
migrations finds its tables). It holds:

- the ``bench.corpus`` works (seed 20260226) with real-length chapter texts, their tags,
  creators and pseuds (the corpus has one member per four works);
- at least ``MEMBERS`` (5,000) members: members 1..5,000 are the readers who leave kudos,
  comments and bookmarks (when the corpus has fewer members, the rest are added);
- on every work, from those readers (never a work's own creator), as many rows as the
  corpus's counts say up to a cap per work: kudos (``MAX_KUDOS``, about half from guests),
  comments (3/4 of ``MAX_COMMENTS`` top level, one in five from a guest, and a reply to one
  in three), bookmarks (``MAX_BOOKMARKS``), subscriptions (a quarter of the bookmarks, up to
  ``MAX_SUBSCRIPTIONS``), reading history (one reading per 100 hits, up to ``MAX_READINGS``);
  each work's stored kudos, comments and bookmarks counts are then the rows made;
- inbox notices: ``INBOX_PER_MEMBER`` per reader, about works they wrote or subscribe to,
  half of them unread; every reader also subscribes to a few creators;
- the embedded search index (``ficshelf reindex``).

Rows are written with sqlite3's ``executemany`` of plain tuples (no Django model instances),
per chunk of ``CHUNK`` works in one transaction, with a progress line per chunk and a
``CACHE_KIB`` page cache (the indexes by member grow at random places). 100,000 works took
824 s (corpus 118 s, social rows 279 s, index 427 s) and 8.2 GB; 2,000 works 21 s. A file
``prepared`` in the folder records what was made; a folder with works but no ``prepared``
was interrupted and must be removed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.environment import use_data_folder

DATA = Path(os.environ.get("FICSHELF_BENCH_DATA", "/work/benchdata"))
MEMBERS = 5000
SOCIAL_SEED = 20261206
MAX_KUDOS, MAX_COMMENTS, MAX_BOOKMARKS = 300, 60, 60
MAX_SUBSCRIPTIONS, MAX_READINGS = 20, 40
INBOX_PER_MEMBER = 12
CREATOR_SUBSCRIPTIONS_PER_MEMBER = 3
CHUNK = 2000  # works per write
CACHE_KIB = 2_000_000

COMMENT_WORDS = (
    "I loved this chapter so much and the ending made me cry thank you for writing "
    "it can't wait for more the way you write them is perfect this fic is everything"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    args = parser.parse_args()
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)


def default_folder(works: int) -> Path:
    return DATA / f"traffic-{works}"


def prepare(folder: Path, works: int) -> None:
    """Migrate; once per folder: the corpus, the members, the social rows, the index."""
    from django.core.management import call_command
    from django.db import connection

    from bench import corpus as c
    from ficshelf.works.models import Work

    call_command("migrate", verbosity=0)
    marker = folder / "prepared"
    if marker.exists():
        print(f"{folder}: {marker.read_text().strip()} (prepared before)", flush=True)
        return
    if Work.objects.exists():
        sys.exit(f"{folder} holds works but was not fully prepared: remove it and start again")
    # SQLite's page cache (per connection; 2 MB by default) large enough for the indexes
    # of the tables being filled: the kudos' index by member grows at random places.
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    began = started = time.perf_counter()
    corpus = c.Corpus(works)
    c.load_into_database(corpus, text=True, progress=True)
    print(f"loaded {works} works with texts in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    add_members(corpus)
    made = add_social_rows(works)
    print(f"{made} in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    call_command("reindex")
    print(f"indexed in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(f"{works} works, {max(MEMBERS, corpus.users)} members, {made}\n")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the size below without the WAL
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    print(
        f"prepared {folder} in {time.perf_counter() - began:.0f} s, {size / 1e9:.1f} GB",
        flush=True,
    )


def _stamp(moment: datetime.datetime) -> str:
    """A datetime as Django stores it in SQLite (naive UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_members(corpus: Any) -> None:
    """Members up to ``MEMBERS`` beyond the corpus's own (who are its creators)."""
    from django.db import connection, transaction

    from bench.corpus.database import _Writer
    from ficshelf.accounts.models import Pseud, User

    if corpus.users >= MEMBERS:
        return
    now = _stamp(datetime.datetime.now(datetime.UTC))
    new = range(corpus.users + 1, MEMBERS + 1)
    writer = _Writer(connection)
    with transaction.atomic():
        writer.rows(User, ["id", "password", "username", "first_name", "last_name", "email",
                           "is_superuser", "is_staff", "is_active", "date_joined",
                           "reader_version"],
                    ((u, "!", f"reader{u}", "", "", "", False, False, True, now, 0)
                     for u in new))  # fmt: skip
        writer.rows(Pseud, ["id", "user_id", "name", "is_default", "description", "created_at"],
                    ((u, u, f"reader{u}", True, "", now) for u in new))  # fmt: skip


class _Rows:
    """Rows of one table gathered for a chunk of works and written with executemany."""

    def __init__(self, table: str, columns: list[str]) -> None:
        from django.apps import apps

        from bench.corpus.database import required_defaults

        # The table's other required columns get their fields' defaults (a field the
        # archive adds later is filled without this generator knowing of it).
        model = next(m for m in apps.get_models() if m._meta.db_table == table)
        extra_columns, self.extra_values = required_defaults(model, columns)
        columns = [*columns, *extra_columns]
        self.sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        self.rows: list[tuple[Any, ...]] = []
        self.total = 0

    def flush(self, cursor: Any) -> None:
        extra = self.extra_values
        cursor.executemany(self.sql, [(*row, *extra) for row in self.rows] if extra else self.rows)
        self.total += len(self.rows)
        self.rows = []


def add_social_rows(works: int) -> str:
    """Kudos, comments (with replies), bookmarks, subscriptions, readings on every work and
    inbox notices, from members 1..MEMBERS; then the works' stored counts."""
    from django.db import connection, transaction

    from ficshelf.core.sanitizer import SANITIZER_VERSION
    from ficshelf.works.models import Chapter, Creatorship, Work

    rng = random.Random(SOCIAL_SEED)
    creators: dict[int, list[int]] = {}
    for work_id, pseud_id in Creatorship.objects.values_list("work_id", "pseud_id"):
        creators.setdefault(work_id, []).append(pseud_id)  # the corpus's pseud id = user id
    chapters: dict[int, list[int]] = {}
    for work_id, chapter_id in Chapter.objects.order_by("position").values_list("work", "pk"):
        chapters.setdefault(work_id, []).append(chapter_id)
    counts = list(
        Work.objects.order_by("pk").values_list(
            "pk", "kudos_count", "comments_count", "bookmarks_count", "hits_count",
            "published_on",
        )
    )  # fmt: skip
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    kudos = _Rows("social_kudos", ["work_id", "user_id", "guest_key", "created_at"])
    comments = _Rows(
        "social_comment",
        ["id", "work_id", "chapter_id", "parent_id", "user_id", "guest_name", "guest_email",
         "text", "sanitizer_version", "is_approved", "is_deleted", "created_at"],
    )  # fmt: skip
    bookmarks = _Rows(
        "social_bookmark",
        ["user_id", "work_id", "notes", "sanitizer_version", "tags", "is_private", "is_rec",
         "created_at", "updated_at"],
    )  # fmt: skip
    subscriptions = _Rows("social_subscription", ["user_id", "work_id", "created_at"])
    readings = _Rows(
        "social_reading",
        ["user_id", "work_id", "chapter_id", "last_viewed_at", "view_count",
         "is_marked_for_later"],
    )  # fmt: skip
    tables = [kudos, comments, bookmarks, subscriptions, readings]
    stored: list[tuple[int, int, int, int]] = []  # (kudos, comments, bookmarks, work id)
    subscribed: dict[int, list[int]] = {}  # member -> works
    written: dict[int, list[int]] = {}  # member -> own works
    comment_id = 0
    members = range(1, MEMBERS + 1)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # sqlite3's own: no Django per-row work
        for done, (work_id, n_kudos, n_comments, n_bookmarks, hits, published) in enumerate(
            counts, start=1
        ):
            own = set(creators.get(work_id, ()))
            for u in own:
                if u <= MEMBERS:
                    written.setdefault(u, []).append(work_id)
            day = datetime.datetime.combine(published or now.date(), datetime.time(12))
            span = max(1, int((now - day).total_seconds()))

            def when(day: datetime.datetime = day, span: int = span) -> str:
                return _stamp(day + datetime.timedelta(seconds=rng.randrange(span)))

            def readers(n: int, own: set[int] = own) -> list[int]:
                picked = rng.sample(members, min(n + len(own), MEMBERS))
                return [u for u in picked if u not in own][:n]

            # Kudos: about half from members (each once), the rest from guests.
            n = min(n_kudos, MAX_KUDOS)
            givers = readers(n // 2 + n % 2)
            kudos.rows += [(work_id, u, "", when()) for u in givers]
            kudos.rows += [
                (work_id, None, f"{rng.getrandbits(256):064x}", when())
                for _ in range(n - len(givers))
            ]
            n_kudos_made = n
            # Comments: top level on any chapter, one in five from a guest; a reply to one
            # in three (from the commenter, or member 1 for a guest's).
            top = min(n_comments, MAX_COMMENTS) * 3 // 4 or min(n_comments, 1)
            work_chapters = chapters[work_id]
            made_comments = 0
            for k in range(top):
                comment_id += 1
                guest = rng.random() < 0.2
                user = None if guest else rng.choice(members)
                chapter = rng.choice(work_chapters)
                at = when()
                comments.rows.append(
                    (comment_id, work_id, chapter, None, user, f"Guest {k}" if guest else "",
                     f"guest{k}@example.org" if guest else "", _comment_text(rng),
                     SANITIZER_VERSION, True, False, at)
                )  # fmt: skip
                made_comments += 1
                if rng.random() < 1 / 3:
                    parent = comment_id
                    comment_id += 1
                    comments.rows.append(
                        (comment_id, work_id, chapter, parent, user or 1, "", "",
                         _comment_text(rng), SANITIZER_VERSION, True, False, at)
                    )  # fmt: skip
                    made_comments += 1
            # Bookmarks, and subscriptions from a quarter as many readers.
            n = min(n_bookmarks, MAX_BOOKMARKS)
            bookmark_readers = readers(n)
            for u in bookmark_readers:
                at = when()
                bookmarks.rows.append(
                    (u, work_id, "", SANITIZER_VERSION, "", rng.random() < 0.1,
                     rng.random() < 0.05, at, at)
                )  # fmt: skip
            for u in bookmark_readers[: min(len(bookmark_readers) // 4, MAX_SUBSCRIPTIONS)]:
                subscriptions.rows.append((u, work_id, when()))
                subscribed.setdefault(u, []).append(work_id)
            # Reading history: one reading per 100 hits (members only see it).
            for u in readers(min(hits // 100, MAX_READINGS)):
                readings.rows.append(
                    (u, work_id, rng.choice(work_chapters), when(), rng.randint(1, 5),
                     rng.random() < 0.1)
                )  # fmt: skip
            stored.append((n_kudos_made, made_comments, len(bookmark_readers), work_id))
            if done % CHUNK == 0 or done == len(counts):
                for table in tables:
                    table.flush(cursor)
                elapsed = time.perf_counter() - started
                print(
                    f"social rows: {done}/{len(counts)} works, {kudos.total} kudos, "
                    f"{comments.total} comments, {bookmarks.total} bookmarks, "
                    f"{readings.total} readings ({elapsed:.0f} s)",
                    flush=True,
                )
        cursor.executemany(
            "UPDATE works_work SET kudos_count = ?, comments_count = ?, bookmarks_count = ? "
            "WHERE id = ?",
            stored,
        )
        # Every comment made above is published and every subscription is to a work.
        cursor.execute(
            "UPDATE works_work SET comment_threads_count = (SELECT COUNT(*) FROM social_comment"
            " c WHERE c.work_id = works_work.id AND c.parent_id IS NULL), subscriptions_count ="
            " (SELECT COUNT(*) FROM social_subscription s WHERE s.work_id = works_work.id)"
        )
        inbox = add_inbox_and_creator_subscriptions(cursor, rng, written, subscribed, now)
    with connection.cursor() as django_cursor:
        django_cursor.execute("ANALYZE")
    return (
        f"{kudos.total} kudos, {comments.total} comments, {bookmarks.total} bookmarks, "
        f"{subscriptions.total} work subscriptions, {readings.total} readings, {inbox}"
    )


def add_inbox_and_creator_subscriptions(
    cursor: Any,
    rng: random.Random,
    written: dict[int, list[int]],
    subscribed: dict[int, list[int]],
    now: datetime.datetime,
) -> str:
    """``INBOX_PER_MEMBER`` notices per reader (comments and kudos on their own works,
    updates of works they subscribe to, half unread) and a few creator subscriptions."""
    inbox = _Rows(
        "social_inboxitem",
        ["recipient_id", "work_id", "kind", "text", "link", "is_read", "awaits_digest",
         "created_at"],
    )  # fmt: skip
    creator_subscriptions = _Rows("social_subscription", ["user_id", "creator_id", "created_at"])
    authors = sorted(written)
    for member in range(1, MEMBERS + 1):
        own, followed = written.get(member, []), subscribed.get(member, [])
        for _ in range(INBOX_PER_MEMBER if own or followed else 0):
            at = _stamp(now - datetime.timedelta(seconds=rng.randrange(90 * 86400)))
            if own and (not followed or rng.random() < 0.7):
                work = rng.choice(own)
                kind = rng.choice(["comment", "kudos", "reply"])
                text = f"Someone left {'kudos' if kind == 'kudos' else 'a comment'} on your work"
            else:
                work, kind = rng.choice(followed), "subscription"
                text = "A work you subscribe to has a new chapter"
            inbox.rows.append(
                (member, work, kind, text, f"/works/{work}/", rng.random() < 0.5,
                 False, at)
            )  # fmt: skip
        choices = [a for a in rng.sample(authors, min(len(authors), 10)) if a != member]
        for creator in choices[:CREATOR_SUBSCRIPTIONS_PER_MEMBER]:
            creator_subscriptions.rows.append((member, creator, _stamp(now)))
    inbox.flush(cursor)
    creator_subscriptions.flush(cursor)
    return f"{inbox.total} inbox notices, {creator_subscriptions.total} creator subscriptions"


def _comment_text(rng: random.Random) -> str:
    return f"<p>{' '.join(rng.choices(COMMENT_WORDS.split(), k=rng.randint(5, 60)))}</p>"


if __name__ == "__main__":
    main()

"""Benchmark: bookmark listings and bookmark search in SQL (``social.bookmark_listing``).

Usage: .venv/bin/python -m bench.bookmark_search --data-dir DIR [--runs 20]

DIR is a copy of a ``bench.traffic_data`` folder (its bookmarks, on the corpus's works;
the copy is migrated, and, once, a third of its bookmarks get one or two bookmarker's tags
of twenty and a quarter get notes, one in eight saying "lovely"). Each listing is what its
page asks the database, for a guest: the page of twenty bookmarks, their total, and the
sidebar's counts (``social.bookmark_counting``: the total counted up to 1,000, the
sidebar over at most the newest 500 matches):

- ``member page``: the bookmarks of the member with the most;
- ``archive, recs``: every rec in the archive (bookmark search, "Rec only");
- ``archive, fandom``: every bookmark of a work in the most bookmarked fandom;
- ``archive, notes word``: bookmark search for one word in the notes;
- ``archive, bookmarker's tag``: every bookmark with one bookmarker's tag.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

TAGS = [f"bench tag {n}" for n in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ["FICSHELF_DATA_DIR"] = str(args.data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    import django

    django.setup()
    prepare()
    print(f"{args.runs} runs a listing; load average {_load()}", flush=True)
    print("| listing | bookmarks matched | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, query in listings().items():
        matched, times = measure(query, args.runs)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {name} | {matched} | {statistics.median(times):.0f} | {p95:.0f} "
            f"| {max(times):.0f} |",
            flush=True,
        )
    print(f"load average after: {_load()}")


def _load() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def prepare() -> None:
    from django.core.management import call_command

    from ficshelf.social.bookmark_tags import tag_key
    from ficshelf.social.models import Bookmark, BookmarkTag

    call_command("migrate", verbosity=0)
    if not Bookmark.objects.exclude(notes="").exists():
        _write_notes()
    if BookmarkTag.objects.exists():
        return
    rng = random.Random(20261207)
    rows = []
    for pk in Bookmark.objects.values_list("pk", flat=True).iterator():
        if rng.random() < 1 / 3:
            for name in rng.sample(TAGS, rng.choice([1, 2])):
                rows.append(BookmarkTag(bookmark_id=pk, name=name, key=tag_key(name)))
    BookmarkTag.objects.bulk_create(rows, batch_size=2000)


def _write_notes() -> None:
    """Notes on a quarter of the bookmarks, "lovely" in half of those (the corpus has none)."""
    from django.db.models import F

    from ficshelf.social.models import Bookmark

    by_pk = Bookmark.objects.alias(eighth=F("pk") % 8)
    by_pk.filter(eighth=0).update(notes="A lovely slow burn, and the ending lands.")
    by_pk.filter(eighth=4).update(notes="Read this twice; the second chapter is the best.")


def listings() -> dict[str, Any]:
    from django.db.models import Count

    from ficshelf.social.bookmark_listing import BookmarkQuery
    from ficshelf.social.models import Bookmark
    from ficshelf.tags.models import FilterTagging, TagType

    member = Bookmark.objects.values("user_id").annotate(n=Count("pk")).order_by("-n")[0]["user_id"]
    fandom = (
        FilterTagging.objects.filter(tag__type=TagType.FANDOM, work__bookmarks__isnull=False)
        .values("tag_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["tag_id"]
    )
    return {
        "member page": BookmarkQuery(bookmarker_id=member),
        "archive, recs": BookmarkQuery(is_rec=True),
        "archive, fandom": BookmarkQuery(work_tag_ids=(fandom,)),
        "archive, notes word": BookmarkQuery(notes_words="lovely"),
        "archive, bookmarker's tag": BookmarkQuery(bookmark_tags=(TAGS[7],)),
    }


def measure(query: Any, runs: int) -> tuple[str, list[float]]:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.social.bookmark_counting import count_matches
    from ficshelf.social.bookmark_listing import facet_groups, find_bookmarks

    guest = AnonymousUser()
    times = []
    matched = ""
    for _ in range(runs):
        started = time.perf_counter()
        bookmarks = find_bookmarks(guest, query)
        list(bookmarks[:20])
        counted = count_matches(bookmarks)
        matched = f"{'more than ' if counted.has_more else ''}{counted.total:,}"
        facet_groups(guest, counted, query)
        times.append((time.perf_counter() - started) * 1000)
    return matched, times


if __name__ == "__main__":
    main()

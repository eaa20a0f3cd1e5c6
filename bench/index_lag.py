"""Benchmark: what answering through the index lag costs a listing (``search.index_lag``).

Usage: .venv/bin/python -m bench.index_lag [--works 100000] [--runs 60] [--pending 50]

A listing asks ``find_works``; this branch first reads which works have queued changes,
and when some have, asks the index without them and the database about them. Measured in
one process against the way today's main answers (the index alone), in the same run,
alternating the two on every round so both meet the same machine load:

- ``main``     the backend's ``search`` and the visibility re-check of the page's works;
- ``branch``   ``search_through_lag`` and the same re-check;

with no queued change, and with ``--pending`` works queued (inside a transaction rolled
back at the end, so the corpus is left as it was). Listings: the whole archive, and the
most used fandom minus two archive warnings sorted by kudos, each with facet counts (ten
per type plus one, as the sidebar asks). The index's facet memory is emptied before every
search, so each one counts afresh as a listing nobody asked for in the last minute does.

The corpus (``bench.corpus``) is loaded into SQLite and indexed (tantivy) on first use in
/work/benchdata/index-lag-<works>/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(os.environ.get("FICSHELF_BENCH_DATA", "/work/benchdata"))
COLUMNS = [
    "listing",
    "queued changes",
    "main p50 ms",
    "main p95 ms",
    "branch p50 ms",
    "branch p95 ms",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--pending", type=int, default=50)
    args = parser.parse_args()
    folder = DATA / f"index-lag-{args.works}"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["FICSHELF_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    import django

    django.setup()
    prepare(folder, args.works)
    rows = measure(args.runs, args.pending)
    print(f"| {' | '.join(COLUMNS)} |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def prepare(folder: Path, works: int) -> None:
    from django.core.management import call_command

    from bench import corpus as c
    from ficshelf.search.backends import get_backend
    from ficshelf.works.models import Work

    call_command("migrate", verbosity=0)
    if not Work.objects.exists():
        started = time.perf_counter()
        c.load_into_database(c.Corpus(works), progress=False)
        print(f"loaded {works} works in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    backend: Any = get_backend()
    if backend.generation() is None:
        started = time.perf_counter()
        documents = c.documents(c.Corpus(works), progress=None)
        backend.rebuild(documents, on_progress=lambda n: None)
        print(f"indexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def listings() -> dict[str, Any]:
    import dataclasses

    from django.db.models import Count

    from ficshelf.search.query import Sort, WorkQuery
    from ficshelf.tags.models import FilterTagging, Tag, TagType

    base = WorkQuery(per_page=20, facet_limit=11)
    fandom = (
        FilterTagging.objects.filter(tag__type=TagType.FANDOM)
        .values("tag_id")
        .annotate(n=Count("*"))
        .order_by("-n")
        .first()
    )
    assert fandom is not None, "the corpus has no fandoms"
    warnings = Tag.objects.filter(
        name__in=["Graphic Depictions Of Violence", "Major Character Death"]
    ).values_list("pk", flat=True)
    return {
        "the archive": base,
        "a big fandom, minus two warnings, by kudos": dataclasses.replace(
            base,
            all_tag_ids=frozenset({fandom["tag_id"]}),
            none_tag_ids=frozenset(warnings),
            sort=Sort.KUDOS,
        ),
    }


def measure(runs: int, pending: int) -> list[list[Any]]:
    import random

    from django.db import transaction

    from ficshelf.search import service
    from ficshelf.search.backends import get_backend
    from ficshelf.search.backends.embedded.facet_cache import FacetCache
    from ficshelf.search.index_lag import search_through_lag
    from ficshelf.search.models import IndexQueueEntry
    from ficshelf.works.models import Work

    backend: Any = get_backend()

    def on_main(query: Any) -> None:
        backend._facet_cache = FacetCache()
        service._visible_in_order(None, backend.search(query).work_ids)

    def on_branch(query: Any) -> None:
        backend._facet_cache = FacetCache()
        service._visible_in_order(None, search_through_lag(backend, query, None).work_ids)

    rows = []
    with transaction.atomic():
        for queued in (0, pending):
            IndexQueueEntry.objects.all().delete()
            if queued:
                ids = list(Work.objects.order_by("?").values_list("pk", flat=True)[:queued])
                IndexQueueEntry.objects.bulk_create(IndexQueueEntry(work_id=i) for i in ids)
            for name, query in listings().items():
                main_ms, branch_ms = alternate(on_main, on_branch, query, runs, random.Random(7))
                rows.append([name, queued, *percentiles(main_ms), *percentiles(branch_ms)])
        transaction.set_rollback(True)  # the corpus stays as it was
    return rows


def alternate(
    first: Callable[[Any], None],
    second: Callable[[Any], None],
    query: Any,
    runs: int,
    order: Any,
) -> tuple[list[float], list[float]]:
    for warm_up in (first, second, first, second):
        warm_up(query)
    timings: dict[Callable[[Any], None], list[float]] = {first: [], second: []}
    for _ in range(runs):
        pair = [first, second]
        order.shuffle(pair)  # neither always runs right after the other
        for run in pair:
            started = time.perf_counter()
            run(query)
            timings[run].append((time.perf_counter() - started) * 1000)
    return timings[first], timings[second]


def percentiles(timings: list[float]) -> tuple[str, str]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f}", f"{p95:.1f}"


if __name__ == "__main__":
    main()

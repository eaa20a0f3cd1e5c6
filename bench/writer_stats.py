"""Benchmark: a writer's statistics page for a member of many works, against their dashboard.

Usage: .venv/bin/python -m bench.writer_stats [--works 500] [--runs 30]

One member with ``--works`` posted works (each with a chapter, its stored counters filled,
a few subscriptions), in a fresh SQLite data folder made for the run. In one process,
through Django's test client (the whole request: middleware, view, template), alternating
the two pages every round so both meet the same machine load:

- ``dashboard``  ``/dashboard/``, the writer's page that already lists every work;
- ``stats``      ``/users/<name>/stats/``, every work in the table, both charts.

Prints the median and 95th percentile of each, in milliseconds, and the queries each page
asks.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import tempfile
import time
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ficshelf-bench-stats-")
    os.environ["FICSHELF_DATA_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    member = seed(args.works)
    measure(member, args.runs, args.works)


def seed(work_count: int):
    from django.db import transaction

    from ficshelf.accounts.models import Pseud, User
    from ficshelf.social import counters
    from ficshelf.social.models import Subscription
    from ficshelf.works.models import Chapter, Creatorship, Work

    with transaction.atomic():
        member = User.objects.create_user("benchwriter", password="bench-password-1")
        pseud = Pseud.objects.create(user=member, name="benchwriter", is_default=True)
        readers = [User.objects.create_user(f"benchreader{n}") for n in range(5)]
        start = datetime.date(2015, 1, 1)
        works = Work.objects.bulk_create(
            Work(
                title=f"Bench Work {n}",
                is_posted=True,
                published_on=start + datetime.timedelta(days=7 * n),
                updated_on=start + datetime.timedelta(days=7 * n),
                word_count=1000 + n,
                hits_count=(n * 37) % 5000,
                kudos_count=(n * 13) % 400,
                comments_count=n % 50,
                comment_threads_count=n % 20,
                bookmarks_count=n % 30,
            )
            for n in range(work_count)
        )
        Chapter.objects.bulk_create(
            Chapter(work=work, position=1, text="<p>Text.</p>", word_count=2, is_posted=True)
            for work in works
        )
        Creatorship.objects.bulk_create(Creatorship(work=work, pseud=pseud) for work in works)
        subscribed = Subscription.objects.bulk_create(
            Subscription(user=reader, work=work)
            for work in works[::3]
            for reader in readers[: 1 + work.pk % 5]
        )
        # Rows made in bulk send no signals: count them as the receivers would have.
        counters.add_subscriptions(Counter(s.work_id for s in subscribed if s.work_id))
    return member


def measure(member, runs: int, work_count: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(member)
    pages = {"dashboard": "/dashboard/", "stats": f"/users/{member.username}/stats/"}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for name, url in pages.items():  # warm the caches and count queries once
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        queries[name] = len(captured)
    for _ in range(runs):
        for name, url in pages.items():
            began = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
    print(f"{work_count} works, {runs} runs each, SQLite, one process")
    print("| page | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|")
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"| {name} | {statistics.median(values):.1f} | {p95:.1f} | {queries[name]} |")


if __name__ == "__main__":
    main()

"""Benchmark: search for several app servers (issue 15). Each server's own embedded index,
fed from the PostgreSQL index queue (``FICSHELF_SEARCH=per-host-embedded``), against the
PostgreSQL backend that every server would share, in the same run on the same database;
then how long a change takes to be found on another server.

Usage: .venv/bin/python -m bench.several_hosts_search --works 100000 [--runs 50]
       [--postgres-runs N] [--changes 50] [--reuse-hosts]

Stages (each in its own process, like ``bench.search``):

The load and the index build run at ``nice 10``; queries and changes at normal priority.

- ``load``: ``bench.corpus`` (seed 20260226) written into the PostgreSQL database
  ``bench_search_hosts_<works>`` (skipped when already loaded).
- ``hosts``: host A's index built by ``search.host_index.rebuild_host_index`` from the
  corpus's documents (what ``ficshelf reindex`` builds from the database, without the
  database reads), then copied as host B's (a server added from a copy, position included).
- ``query``: ``bench.search``'s listing mix with and without facet counts. The per-host
  index is asked through ``search.index_lag.search_through_lag``, as the site asks it (so
  each search also reads this host's position and the queue beyond it); the PostgreSQL
  backend through its ``search``; the baseline is the same index asked directly, as one
  machine's embedded backend asks it. Warm-up, then ``--runs`` timed runs per query
  (``--postgres-runs`` for the PostgreSQL backend, 0 to leave it out).
- ``visibility``: both hosts' indexers (``ficshelf search-indexer``) run as processes of
  their own; ``--changes`` times a work's title is changed through the ORM (its queue
  entry written in the change's transaction), and host B's index is asked every 5 ms for
  the new word until it finds it: commit-to-found delay, p50/p95/max, and the same for
  "found on both hosts".

Results: /work/benchdata/results/search-hosts-<works>.json, and Markdown on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.search import DATA, PG_SERVER, REPO, RESULTS, Setup, machine, peak_mib, plan

POLL_SECONDS = 0.005
FOUND_WITHIN_SECONDS = 30.0
EMBEDDED = "ficshelf.search.backends.embedded.TantivyBackend"


def folder(works: int) -> Path:
    return DATA / f"search-hosts-{works}"


def database_url(works: int) -> str:
    return f"{PG_SERVER}/bench_search_hosts_{works}"


def env_for(works: int, host: str) -> dict[str, str]:
    env = dict(os.environ)
    data_dir = folder(works) / host
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="ficshelf.settings",
        DATABASE_URL=database_url(works),
        FICSHELF_DATA_DIR=str(data_dir),
        FICSHELF_SEARCH="per-host-embedded",
        FICSHELF_SEARCH_BACKEND=EMBEDDED,
        PYTHONPATH=str(REPO),
    )
    return env


# -- stages, each in a child process ------------------------------------------------------


def stage_load(works: int) -> dict[str, Any]:
    os.nice(10)  # the heavy part, on a machine shared with others
    import django
    from django.core.management import call_command

    from bench import corpus as c

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    c.load_into_database(c.Corpus(works), text=False, as_superuser=True)
    return {"seconds": time.perf_counter() - started, "peak_mib": peak_mib()}


def stage_hosts(works: int) -> dict[str, Any]:
    os.nice(10)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import corpus as c
    from ficshelf.search.host_index import rebuild_host_index

    call_command("migrate", verbosity=0)  # this branch's tables (index hosts), if new
    corpus = c.Corpus(works)
    started = time.perf_counter()
    built = rebuild_host_index(lambda: c.documents(corpus, progress="host A's index"))
    seconds = time.perf_counter() - started
    host_b = folder(works) / "b" / "search"
    shutil.rmtree(host_b, ignore_errors=True)
    shutil.copytree(folder(works) / "a" / "search", host_b)
    return {"works": built, "seconds": seconds, "peak_mib": peak_mib()}


class _SiteSearch:
    """The per-host index asked as the site asks it: through ``search_through_lag``."""

    def __init__(self) -> None:
        from ficshelf.search.backends import get_backend

        self.backend = get_backend()

    @property
    def _facet_cache(self) -> Any:
        return self.backend._facet_cache  # type: ignore[attr-defined]

    @_facet_cache.setter
    def _facet_cache(self, value: Any) -> None:
        self.backend._facet_cache = value  # type: ignore[attr-defined]

    def search(self, query: Any) -> Any:
        from ficshelf.search.index_lag import search_through_lag

        return search_through_lag(self.backend, query, None)


def stage_query(works: int, runs: int, postgres_runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from bench.search import listing_queries, time_query
    from ficshelf.search.backends.postgres import PostgresBackend

    mix = listing_queries(plan(Setup(works, False)))
    per_host = _SiteSearch()
    postgres = PostgresBackend("")
    rows = []
    for name, query in mix:
        # The baseline: the same index asked as one machine's embedded backend asks it,
        # without the host's position and the queue beyond it.
        row: dict[str, Any] = {"query": name}
        row["embedded"] = time_query(per_host.backend, f"{name} (one machine)", query, runs,
                                     forget_facets=True)  # fmt: skip
        row["per_host"] = time_query(per_host, name, query, runs, forget_facets=True)
        if query.facet_limit > 0:
            row["per_host_cached"] = time_query(per_host, f"{name}, cached", query, runs)
        if postgres_runs > 0:
            row["postgres"] = time_query(postgres, name, query, postgres_runs)
        rows.append(row)
    return {"queries": rows, "peak_mib": peak_mib()}


def stage_visibility(works: int, changes: int) -> dict[str, Any]:
    import django

    django.setup()
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from ficshelf.search.backends.embedded import TantivyBackend
    from ficshelf.search.host_index import live_hosts
    from ficshelf.search.models import IndexHost
    from ficshelf.search.query import Words, WorkQuery
    from ficshelf.works.models import Work

    started = timezone.now()
    indexers = [
        subprocess.Popen(
            [sys.executable, "-m", "ficshelf", "search-indexer"],
            env=env_for(works, host),
            cwd=REPO,
        )
        for host in ("a", "b")
    ]
    try:
        # Both indexers have started, taken what was queued and renewed their rows.
        deadline = time.monotonic() + 120
        while len(IndexHost.objects.filter(seen_at__gte=started)) < len(indexers):
            if time.monotonic() > deadline:
                raise SystemExit("the indexers did not start within 2 minutes")
            time.sleep(0.2)
        hosts = {h: TantivyBackend(str(folder(works) / h / "search")) for h in ("a", "b")}
        chooser = random.Random(20261207)  # which works to change: seeded, not a secret
        run_mark = f"{int(time.time()):x}"
        # Works a guest's search finds: a restricted work (1.6% of the corpus) is in the
        # index but never in a guest's results, so its change would never be "found".
        findable = Work.objects.filter(is_posted=True, is_restricted=False).order_by("pk")
        ids = list(findable.values_list("pk", flat=True)[:50_000])
        on_b: list[float] = []
        on_both: list[float] = []
        missed: list[dict[str, Any]] = []
        for n in range(changes):
            # A word no earlier run put in the index (a run again on the same index would
            # find the last run's words at once): the run's own mark, then the change's.
            word = f"zqx{run_mark}v{n}v{chooser.randrange(10**6)}"
            work = Work.objects.get(pk=chooser.choice(ids))
            work.title = f"{work.title[:200]} {word}"
            with transaction.atomic():
                work.save()
            committed = time.perf_counter()
            query = WorkQuery(text=Words(word), facet_limit=0)
            found: dict[str, float] = {}
            while len(found) < len(hosts):
                for name, backend in hosts.items():
                    if name not in found and backend.search(query).total:
                        found[name] = time.perf_counter() - committed
                if time.perf_counter() - committed > FOUND_WITHIN_SECONDS:
                    # Kept as a miss with what each side looked like, and the run goes on:
                    # one slow change should not hide the others' delays.
                    missed.append({"change": n, "found": found, **_follow_state(works)})
                    late = f"change {n} not found on every host in {FOUND_WITHIN_SECONDS:.0f} s"
                    print(f"{late}: {missed[-1]}", file=sys.stderr, flush=True)
                    break
                time.sleep(POLL_SECONDS)
            if len(found) == len(hosts):
                on_b.append(found["b"] * 1000)
                on_both.append(max(found.values()) * 1000)
            time.sleep(chooser.uniform(0.2, 1.0))  # changes arrive at random moments
        hosts_seen = [(h.data_dir, h.position) for h in live_hosts()]
    finally:
        for indexer in indexers:
            indexer.terminate()
        for indexer in indexers:
            indexer.wait(timeout=30)

    def summary(delays: list[float]) -> dict[str, float]:
        return {
            "p50": float(np.percentile(delays, 50)),
            "p95": float(np.percentile(delays, 95)),
            "max": max(delays),
        }

    return {
        "changes": changes,
        "missed": missed,
        "on_b": summary(on_b),
        "on_both": summary(on_both),
        "hosts": hosts_seen,
        "follow_ms": int(os.environ.get("FICSHELF_SEARCH_FOLLOW_MS", "500")),
    }


# -- the parent ---------------------------------------------------------------------------


def _follow_state(works: int) -> dict[str, Any]:
    """What a slow change looked like: each host's applied state, the queue's last entries,
    the hosts' rows and the database's other transactions."""
    from django.db import connection

    from ficshelf.search.models import IndexHost, IndexQueueEntry

    applied = {}
    for host in ("a", "b"):
        try:
            applied[host] = json.loads((folder(works) / host / "search" / "APPLIED").read_text())
        except (OSError, ValueError) as error:
            applied[host] = str(error)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT backend_type, state, extract(epoch FROM now() - xact_start), left(query, 60) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        others = cursor.fetchall()
    return {
        "applied": applied,
        "queue_tail": list(
            IndexQueueEntry.objects.order_by("-pk").values_list("pk", flat=True)[:5]
        ),
        "host_rows": [[h.data_dir, h.position] for h in IndexHost.objects.all()],
        "database_others": [list(row) for row in others],
    }


def run_child(works: int, stage: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.several_hosts_search", "--child", stage,
               "--works", str(works), *extra]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env_for(works, "a"), cwd=REPO, stdout=subprocess.PIPE,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{stage} failed (exit {done.returncode})")
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    result["wall_seconds"] = time.perf_counter() - started
    return result


def ensure_loaded(works: int) -> dict[str, Any]:
    marker = folder(works) / "loaded.json"
    if marker.exists():
        return dict(json.loads(marker.read_text()))
    name = database_url(works).rsplit("/", 1)[1]
    server = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *server, "--if-exists", name], check=True)
    subprocess.run(["createdb", *server, name], check=True)
    print(f"loading {works:,} works into {name}", file=sys.stderr, flush=True)
    result = run_child(works, "load")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(result))
    return result


def report(result: dict[str, Any]) -> str:
    works = result["works"]
    lines = [
        f"Machine: {result['machine']}. Run {result['date']}.",
        f"Load {result['load']['seconds']:.0f} s; host A's index built in "
        f"{result['hosts']['seconds']:.0f} s (peak {result['hosts']['peak_mib']:.0f} MiB).",
        "",
        f"{works:,} works: p50 / p95 ms (total found)",
        "",
        "| query | embedded backend, one machine (baseline) | per-host embedded index "
        "| per-host, facets kept | PostgreSQL backend |",
        "|---|---|---|---|---|",
    ]
    for row in result["query"]["queries"]:
        cells = []
        for key in ("embedded", "per_host", "per_host_cached", "postgres"):
            q = row.get(key)
            if q is None:
                cells.append("-")
                continue
            few = f", {q['runs']} runs" if q["runs"] < 20 else ""
            cells.append(f"{q['p50']:.1f} / {q['p95']:.1f} ({q['total']:,}{few})")
        lines.append(f"| {row['query']} | " + " | ".join(cells) + " |")
    v = result["visibility"]
    lines += [
        "",
        f"Change to found ({v['changes']} title changes, indexers polling every "
        f"{v['follow_ms']} ms): on host B p50 {v['on_b']['p50']:.0f} ms, p95 "
        f"{v['on_b']['p95']:.0f} ms, max {v['on_b']['max']:.0f} ms; on both hosts p50 "
        f"{v['on_both']['p50']:.0f} ms, p95 {v['on_both']['p95']:.0f} ms, max "
        f"{v['on_both']['max']:.0f} ms. Not found within {FOUND_WITHIN_SECONDS:.0f} s: "
        f"{len(v.get('missed', []))}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--postgres-runs",
        type=int,
        help="timed runs of the PostgreSQL backend (default: --runs; 0 leaves it out)",
    )
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--report", action="store_true", help="print the last run's Markdown")
    parser.add_argument(
        "--reuse-hosts",
        action="store_true",
        help="keep the hosts' indexes of the last run (queue entries since are followed)",
    )
    parser.add_argument(
        "--child", choices=["load", "hosts", "query", "visibility"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    postgres_runs = args.runs if args.postgres_runs is None else args.postgres_runs
    path = RESULTS / f"search-hosts-{args.works}.json"
    if args.report:
        print(report(json.loads(path.read_text())))
        return
    if args.child:
        stages = {
            "load": lambda: stage_load(args.works),
            "hosts": lambda: stage_hosts(args.works),
            "query": lambda: stage_query(args.works, args.runs, postgres_runs),
            "visibility": lambda: stage_visibility(args.works, args.changes),
        }
        print(json.dumps(stages[args.child]()))
        return
    result: dict[str, Any] = {"works": args.works, "machine": machine()}
    result["load"] = ensure_loaded(args.works)
    built = folder(args.works) / "hosts.json"
    if args.reuse_hosts and built.exists():
        result["hosts"] = json.loads(built.read_text())
    else:
        print("building host A's index, copying it as host B's", file=sys.stderr, flush=True)
        result["hosts"] = run_child(args.works, "hosts")
        built.write_text(json.dumps(result["hosts"]))
    print("querying", file=sys.stderr, flush=True)
    result["query"] = run_child(args.works, "query", "--runs", str(args.runs),
                                "--postgres-runs", str(postgres_runs))  # fmt: skip
    print("changes to found", file=sys.stderr, flush=True)
    result["visibility"] = run_child(args.works, "visibility", "--changes", str(args.changes))
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1))
    print(report(result))


if __name__ == "__main__":
    main()

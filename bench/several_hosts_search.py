"""Benchmark: search for several app servers (issue 15). Each server's own embedded index,
fed from the PostgreSQL index queue (``FICSHELF_SEARCH=per-host-embedded``), against the
PostgreSQL backend that every server would share, in the same run on the same database;
then how long a change takes to be found on another server.

Usage: .venv/bin/python -m bench.several_hosts_search --works 100000 [--runs 50]
       [--postgres-runs N] [--changes 50] [--reuse-hosts] [--text]

Two setups, each with its own folder, database and results file:

- listings (default): ``bench.search``'s listing mix over the works' metadata; folder
  /work/benchdata/search-hosts-<works>, database ``bench_search_hosts_<works>``.
- ``--text``: ``bench.search``'s full-text mix over the works with their chapter texts
  (issue 15's "full text over 100,000 works"); folder search-hosts-<works>-text, database
  ``bench_search_hosts_<works>_text``. The hosts' index holds the texts. The database gets
  them only when the PostgreSQL backend runs (``--postgres-runs`` > 0): its words are in
  chunk tables built from them, while the per-host index is built from the corpus's
  documents and loading 600 million words into PostgreSQL (100,000 works) takes long. A
  database loaded without texts is loaded again when a later run needs them.

Stages (each in its own process, like ``bench.search``):

The load and the index builds run at ``nice 10``; queries and changes at normal priority.

- ``load``: ``bench.corpus`` (seed 20260226) written into the setup's PostgreSQL database
  (skipped when already loaded).
- ``chunks`` (``--text`` with the PostgreSQL backend): its ``WorkTextChunk`` rows built
  from the corpus's documents with their texts, as its ``rebuild`` does for ``reindex``
  (skipped when already built for this database).
- ``hosts``: host A's index built by ``search.host_index.rebuild_host_index`` from the
  corpus's documents (what ``ficshelf reindex`` builds from the database, without the
  database reads; with ``--text``, with the chapter texts, their words counted), then
  copied as host B's (a server added from a copy, position included).
- ``query``: the mix (listings with and without facet counts, or the text mix). The
  per-host index is asked through ``search.index_lag.search_through_lag``, as the site asks
  it (so each search also reads this host's position and the queue beyond it); the
  PostgreSQL backend through its ``search``; the baseline is the same index asked
  directly, as one machine's embedded backend asks it. Warm-up, then ``--runs`` timed runs
  per query (``--postgres-runs`` for the PostgreSQL backend, 0 to leave it out).
- ``visibility`` (listings only): both hosts' indexers (``ficshelf search-indexer``) run as
  processes of their own; ``--changes`` times a work's title is changed through the ORM
  (its queue entry written in the change's transaction), and host B's index is asked every
  5 ms for the new word until it finds it: commit-to-found delay, p50/p95/max, and the
  same for "found on both hosts". Skipped with ``--text``: the indexers build a changed
  work's document from the database, which without the texts would take the work's words
  out of the hosts' index (and the next ``--reuse-hosts`` run would search that); the
  delay is the listing setup's measure.

Results: /work/benchdata/results/search-hosts-<works>[-text].json, and Markdown on stdout.
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.search import DATA, PG_SERVER, REPO, RESULTS, Setup, machine, peak_mib, plan

POLL_SECONDS = 0.005
FOUND_WITHIN_SECONDS = 30.0
EMBEDDED = "ficshelf.search.backends.embedded.TantivyBackend"


@dataclass(frozen=True)
class HostsSetup:
    """Where one setup keeps its data: the listing setup's names are those of the runs
    before ``--text`` existed, so their data and results are found again."""

    works: int
    text: bool

    @property
    def name(self) -> str:
        return f"{self.works}{'-text' if self.text else ''}"

    @property
    def folder(self) -> Path:
        return DATA / f"search-hosts-{self.name}"

    @property
    def database_url(self) -> str:
        return f"{PG_SERVER}/bench_search_hosts_{self.name.replace('-', '_')}"

    @property
    def results(self) -> Path:
        return RESULTS / f"search-hosts-{self.name}.json"

    def flags(self) -> list[str]:
        """The arguments that name this setup to a child process."""
        return ["--works", str(self.works), *(["--text"] if self.text else [])]

    def env(self, host: str) -> dict[str, str]:
        env = dict(os.environ)
        data_dir = self.folder / host
        data_dir.mkdir(parents=True, exist_ok=True)
        env.update(
            DJANGO_SETTINGS_MODULE="ficshelf.settings",
            DATABASE_URL=self.database_url,
            FICSHELF_DATA_DIR=str(data_dir),
            FICSHELF_SEARCH="per-host-embedded",
            FICSHELF_SEARCH_BACKEND=EMBEDDED,
            PYTHONPATH=str(REPO),
        )
        return env


# -- stages, each in a child process ------------------------------------------------------


def stage_load(setup: HostsSetup, texts: bool) -> dict[str, Any]:
    os.nice(10)  # the heavy part, on a machine shared with others
    import django
    from django.core.management import call_command

    from bench import corpus as c

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    c.load_into_database(c.Corpus(setup.works), text=texts, as_superuser=True)
    return {"seconds": time.perf_counter() - started, "peak_mib": peak_mib(), "texts": texts}


def stage_chunks(setup: HostsSetup) -> dict[str, Any]:
    """The PostgreSQL backend's words: its chunk rows, as its ``rebuild`` writes them."""
    os.nice(10)
    import django

    django.setup()
    from django.db import connection

    from bench import corpus as c
    from bench.search import database_bytes
    from ficshelf.search.backends.postgres import PostgresBackend

    corpus = c.Corpus(setup.works)
    started = time.perf_counter()
    documents = c.documents(corpus, text=True, progress="PostgreSQL chunks")
    PostgresBackend("").rebuild(documents, on_progress=lambda n: None)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_worktextchunk")
    return {"seconds": seconds, "peak_mib": peak_mib(),
            "bytes": database_bytes("postgres", ["search_worktextchunk"])}  # fmt: skip


def stage_hosts(setup: HostsSetup) -> dict[str, Any]:
    os.nice(10)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import corpus as c
    from bench.search import folder_bytes
    from ficshelf.search.host_index import rebuild_host_index

    call_command("migrate", verbosity=0)  # this branch's tables (index hosts), if new
    corpus = c.Corpus(setup.works)
    words = 0

    def documents() -> Iterator[Any]:
        nonlocal words
        for document in c.documents(corpus, text=setup.text, progress="host A's index"):
            # Counted as bench.search counts them (``--time-documents``).
            words += sum(text.count(" ") + 1 for text in document.chapter_texts)
            yield document

    started = time.perf_counter()
    built = rebuild_host_index(documents)
    seconds = time.perf_counter() - started
    host_a = setup.folder / "a" / "search"
    host_b = setup.folder / "b" / "search"
    shutil.rmtree(host_b, ignore_errors=True)
    shutil.copytree(host_a, host_b)
    return {"works": built, "seconds": seconds, "peak_mib": peak_mib(), "text_words": words,
            "bytes": folder_bytes(host_a), "seed": corpus.seed}  # fmt: skip


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


def stage_query(setup: HostsSetup, runs: int, postgres_runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from bench.search import listing_queries, text_queries, time_query
    from ficshelf.search.backends.postgres import PostgresBackend

    # ``bench.search``'s plan for the same corpus (its folder <works>[-text]): the tags the
    # mix filters by, and for the text mix how many works hold the deep phrase.
    chosen = plan(Setup(setup.works, setup.text))
    mix = text_queries(chosen) if setup.text else listing_queries(chosen)
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
    return {"mix": "text" if setup.text else "listing", "queries": rows, "peak_mib": peak_mib()}


def stage_visibility(setup: HostsSetup, changes: int) -> dict[str, Any]:
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
            env=setup.env(host),
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
        hosts = {h: TantivyBackend(str(setup.folder / h / "search")) for h in ("a", "b")}
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
                    missed.append({"change": n, "found": found, **_follow_state(setup)})
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


def _follow_state(setup: HostsSetup) -> dict[str, Any]:
    """What a slow change looked like: each host's applied state, the queue's last entries,
    the hosts' rows and the database's other transactions."""
    from django.db import connection

    from ficshelf.search.models import IndexHost, IndexQueueEntry

    applied = {}
    for host in ("a", "b"):
        try:
            applied[host] = json.loads((setup.folder / host / "search" / "APPLIED").read_text())
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


def run_child(setup: HostsSetup, stage: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.several_hosts_search", "--child", stage,
               *setup.flags(), *extra]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=setup.env("a"), cwd=REPO, stdout=subprocess.PIPE,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{stage} failed (exit {done.returncode})")
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    result["wall_seconds"] = time.perf_counter() - started
    return result


def ensure_loaded(setup: HostsSetup, *, texts: bool) -> dict[str, Any]:
    """The setup's database, loaded (again when ``texts`` are needed and it has none)."""
    marker = setup.folder / "loaded.json"
    if marker.exists():
        loaded = dict(json.loads(marker.read_text()))
        if loaded.get("texts", False) or not texts:
            return loaded
        print("the database has no chapter texts; the PostgreSQL backend needs them",
              file=sys.stderr, flush=True)  # fmt: skip
    name = setup.database_url.rsplit("/", 1)[1]
    server = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *server, "--if-exists", name], check=True)
    subprocess.run(["createdb", *server, name], check=True)
    # What was built on the old database: the hosts' positions are in its queue.
    for built in ("hosts.json", "chunks.json"):
        (setup.folder / built).unlink(missing_ok=True)
    print(f"loading {setup.works:,} works into {name}{' with their texts' if texts else ''}",
          file=sys.stderr, flush=True)  # fmt: skip
    result = run_child(setup, "load", *(["--load-texts"] if texts else []))
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(result))
    return result


def ensure_chunks(setup: HostsSetup) -> dict[str, Any]:
    marker = setup.folder / "chunks.json"
    if marker.exists():
        return dict(json.loads(marker.read_text()))
    print("building the PostgreSQL backend's chunks", file=sys.stderr, flush=True)
    result = run_child(setup, "chunks")
    marker.write_text(json.dumps(result))
    return result


PATHS = ("embedded", "per_host", "per_host_cached", "postgres")


def report(result: dict[str, Any]) -> str:
    works = result["works"]
    text = bool(result.get("text", False))
    load, hosts = result["load"], result["hosts"]
    seed = f"`bench.corpus` seed {hosts['seed']}" if "seed" in hosts else "`bench.corpus`"
    if text:
        mix = (
            f"Mix: `bench.search`'s full-text mix (`text_queries`). Corpus: {seed}, {works:,} "
            f"works, {hosts['text_words']:,} words of chapter text, all in the hosts' index."
        )
    else:
        mix = (
            f"Mix: `bench.search`'s listing mix (`listing_queries`), with and without facet "
            f"counts. Corpus: {seed}, {works:,} works (metadata, no chapter texts)."
        )
    index = f", index {hosts['bytes'] / 2**20:,.1f} MiB" if "bytes" in hosts else ""
    lines = [
        f"Machine: {result['machine']}. Run {result['date']}.",
        "",
        mix,
        "",
        f"Load {load['seconds']:.0f} s (chapter texts in PostgreSQL: "
        f"{'yes' if load.get('texts') else 'no'}); host A's index built in "
        f"{hosts['seconds']:.0f} s (peak {hosts['peak_mib']:.0f} MiB{index}).",
    ]
    if result.get("chunks"):
        chunks = result["chunks"]
        lines[-1] += (f" The PostgreSQL backend's chunks built in {chunks['seconds']:.0f} s "
                      f"({chunks['bytes'] / 2**20:,.0f} MiB with their index).")  # fmt: skip
    lines += [
        "",
        f"{works:,} works{', full text' if text else ''}: p50 / p95 ms (total found)",
        "",
        "| query | embedded backend, one machine (baseline) | per-host embedded index "
        "| per-host, facets kept | PostgreSQL backend |",
        "|---|---|---|---|---|",
    ]
    disagreements = []
    for row in result["query"]["queries"]:
        cells = []
        for key in PATHS:
            q = row.get(key)
            if q is None:
                cells.append("-")
                continue
            few = f", {q['runs']} runs" if q["runs"] < 20 else ""
            cells.append(f"{q['p50']:.1f} / {q['p95']:.1f} ({q['total']:,}{few})")
        lines.append(f"| {row['query']} | " + " | ".join(cells) + " |")
        totals = {key: row[key]["total"] for key in PATHS if key in row}
        if len(set(totals.values())) > 1:
            disagreements.append(f"{row['query']}: {totals}")
    if disagreements:
        lines += ["", "The paths found different totals:", *(f"- {d}" for d in disagreements)]
    v = result.get("visibility")
    if v is None:
        lines += ["", "Change to found: not measured in this setup (the listing setup's run)."]
        return "\n".join(lines)
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
    parser.add_argument(
        "--text",
        action="store_true",
        help="the full-text corpus and mix (a setup of its own; no change-to-found stage)",
    )
    parser.add_argument("--report", action="store_true", help="print the last run's Markdown")
    parser.add_argument(
        "--reuse-hosts",
        action="store_true",
        help="keep the hosts' indexes of the last run (queue entries since are followed)",
    )
    parser.add_argument(
        "--child",
        choices=["load", "chunks", "hosts", "query", "visibility"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--load-texts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    postgres_runs = args.runs if args.postgres_runs is None else args.postgres_runs
    setup = HostsSetup(args.works, args.text)
    if args.report:
        print(report(json.loads(setup.results.read_text())))
        return
    if args.child:
        stages = {
            "load": lambda: stage_load(setup, args.load_texts),
            "chunks": lambda: stage_chunks(setup),
            "hosts": lambda: stage_hosts(setup),
            "query": lambda: stage_query(setup, args.runs, postgres_runs),
            "visibility": lambda: stage_visibility(setup, args.changes),
        }
        print(json.dumps(stages[args.child]()))
        return
    result: dict[str, Any] = {"works": args.works, "text": args.text, "machine": machine()}
    # Only the PostgreSQL backend reads texts from the database (its chunks); the hosts'
    # index is built from the corpus's documents.
    texts_in_database = setup.text and postgres_runs > 0
    result["load"] = ensure_loaded(setup, texts=texts_in_database)
    if texts_in_database:
        result["chunks"] = ensure_chunks(setup)
    built = setup.folder / "hosts.json"
    if args.reuse_hosts and built.exists():
        result["hosts"] = json.loads(built.read_text())
    else:
        print("building host A's index, copying it as host B's", file=sys.stderr, flush=True)
        result["hosts"] = run_child(setup, "hosts")
        built.write_text(json.dumps(result["hosts"]))
    print("querying", file=sys.stderr, flush=True)
    result["query"] = run_child(setup, "query", "--runs", str(args.runs),
                                "--postgres-runs", str(postgres_runs))  # fmt: skip
    if not setup.text:
        print("changes to found", file=sys.stderr, flush=True)
        result["visibility"] = run_child(setup, "visibility", "--changes", str(args.changes))
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    setup.results.write_text(json.dumps(result, indent=1))
    print(report(result))


if __name__ == "__main__":
    main()

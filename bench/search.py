"""Benchmark: search backends on an AO3-shaped corpus (issue 4). Latency, build, size, memory.

Usage: .venv/bin/python -m bench.search --works 100000 [--backend embedded postgres sql ...]
                                         [--text] [--runs 50] [--report]

The corpus is ``bench.corpus``'s (seeded, so every run and every backend sees the same
works). For each backend, in its own processes (so each peak-RSS figure is its own):

- ``load``   (database backends) write the corpus into a fresh database: SQLite in
             /work/benchdata/<size>/sqlite/, PostgreSQL in ``bench_<size>``.
- ``build``  the backend's ``rebuild`` over ``corpus.documents()``: the embedded (tantivy)
             index; PostgreSQL's ``WorkTextChunk`` tsvectors; nothing for the SQL baseline.
- ``query``  the fixed query mix through the backend's ``search(WorkQuery)``: a few warm-up
             runs, then ``--runs`` timed runs (fewer when one query has taken 20 s), p50/p95.

Backends: ``embedded`` (TantivyBackend), ``postgres`` (PostgresBackend: listings are
DatabaseBackend's SQL on PostgreSQL, words in chunked tsvectors), ``sql`` (DatabaseBackend,
the plain-SQL baseline, on SQLite), ``sql-postgres`` (DatabaseBackend on PostgreSQL; for
the text mix: regular expressions over the chapters). Every listing query runs with facet
counts off and on (AO3 shows facets on every listing page). Results go to
/work/benchdata/results/*.json; ``--report`` prints the Markdown for all of them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.environment import cpu_model

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FICSHELF_BENCH_DATA", "/work/benchdata"))
RESULTS = DATA / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
BACKENDS = ["embedded", "postgres", "sql", "sql-postgres"]
BACKEND_PATHS = {
    "embedded": "ficshelf.search.backends.embedded.TantivyBackend",
    "postgres": "ficshelf.search.backends.postgres.PostgresBackend",
    "sql": "ficshelf.search.backends.database.DatabaseBackend",
    "sql-postgres": "ficshelf.search.backends.database.DatabaseBackend",
}
LABELS = {
    "embedded": "embedded (tantivy)",
    "postgres": "PostgreSQL backend",
    "sql": "plain SQL (SQLite)",
    "sql-postgres": "plain SQL (PostgreSQL)",
}
TIME_BOX_SECONDS = 20.0
WARM_UP = 3


@dataclass(frozen=True)
class Setup:
    works: int
    text: bool

    @property
    def name(self) -> str:
        return f"{self.works}{'-text' if self.text else ''}"

    @property
    def folder(self) -> Path:
        return DATA / self.name

    def database(self, backend: str) -> str | None:
        if backend == "embedded":
            return None
        if backend == "sql":
            return "sqlite"
        return "postgres"

    def database_url(self, database: str) -> str:
        return f"{PG_SERVER}/bench_{self.name.replace('-', '_')}" if database == "postgres" else ""

    def env(self, backend: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        database = self.database(backend)
        data_dir = self.folder / (database or "embedded")
        data_dir.mkdir(parents=True, exist_ok=True)
        env.update(FICSHELF_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="ficshelf.settings",
                   FICSHELF_SEARCH_BACKEND=BACKEND_PATHS[backend])  # fmt: skip
        if database == "postgres":
            env["DATABASE_URL"] = self.database_url("postgres")
        return env


# -- the query mix ----------------------------------------------------------------------


def plan(setup: Setup) -> dict[str, Any]:
    """Tag ids for the query mix and the corpus's shape, worked out once per corpus."""
    path = setup.folder / "plan.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    from bench import corpus as c

    started = time.perf_counter()
    corpus = c.Corpus(setup.works)
    shape = c.measure(corpus, "measuring the corpus")
    t = corpus.tags
    fandom = int(t.fandoms[0])
    rels = t.pools[0][1]
    relationship = int(rels[shape.filter_uses[rels].argmax()])
    canon = (t.types != c.NO_TYPE) & t.canonical & (t.types >= c.RELATIONSHIP)
    uses = shape.filter_uses
    candidates = [int(x) for x in (canon & (uses >= 5) & (uses <= 20)).nonzero()[0][:1000]]
    rare = min(candidates, key=lambda x: (abs(int(uses[x]) - 10), x))
    deep = sum(1 for b in corpus.batches() for i, n in zip(b.ids.tolist(),
               b.word_count.tolist(), strict=True) if corpus.has_deep_phrase(i, n))  # fmt: skip
    result = {
        "shape": shape.figures(t),
        "fandom": fandom, "fandom_name": t.names[fandom],
        "fandom_works": int(uses[fandom]),
        "relationship": relationship, "relationship_name": t.names[relationship],
        "relationship_works": int(uses[relationship]),
        "rare": rare, "rare_name": t.names[rare], "rare_works": int(uses[rare]),
        "warnings": [c.WARNING_IDS["Major Character Death"], c.WARNING_IDS["Rape/Non-Con"]],
        "english": c.ENGLISH_ID,
        "deep_phrase_works": deep,
        "seconds": time.perf_counter() - started,
    }  # fmt: skip
    setup.folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1))
    return result


def listing_queries(p: dict[str, Any]) -> list[tuple[str, Any]]:
    from ficshelf.search.query import IntRange, Sort, WorkQuery

    fandom, rel = p["fandom"], p["relationship"]
    mix = [
        (f"popular fandom ({p['fandom_works']:,} works)",
         WorkQuery(all_tag_ids=frozenset({fandom}))),
        ("fandom + relationship - 2 warnings, by kudos", WorkQuery(
            all_tag_ids=frozenset({fandom, rel}), none_tag_ids=frozenset(p["warnings"]),
            sort=Sort.KUDOS)),
        (f"rare tag ({p['rare_works']} works)", WorkQuery(all_tag_ids=frozenset({p["rare"]}))),
        ("popular fandom, page 400", WorkQuery(all_tag_ids=frozenset({fandom}), page=400)),
        ("5k-20k words + English", WorkQuery(words=IntRange(5000, 20000),
                                              language_id=p["english"])),
        ("all works", WorkQuery()),
    ]  # fmt: skip
    result: list[tuple[str, Any]] = []
    for name, query in mix:
        result.append((name, dataclasses.replace(query, facet_limit=0)))
        result.append((f"{name} + facets", dataclasses.replace(query, facet_limit=10)))
    return result


def text_queries(p: dict[str, Any]) -> list[tuple[str, Any]]:
    from bench import corpus as c
    from ficshelf.search.query import AllOf, Not, Words, WorkQuery

    def q(node: Any, **more: Any) -> Any:
        return WorkQuery(text=node, facet_limit=more.pop("facet_limit", 0), **more)

    return [
        (f"common word ({c.COMMON_WORD})", q(Words(c.COMMON_WORD))),
        (f"common word ({c.COMMON_WORD}) + facets", q(Words(c.COMMON_WORD), facet_limit=10)),
        (f"rare word ({c.RARE_WORD})", q(Words(c.RARE_WORD))),
        (f'phrase "{" ".join(c.PHRASE)}"', q(Words(" ".join(c.PHRASE), is_phrase=True))),
        (f'phrase past word 16,383 ({p["deep_phrase_works"]} works)',
         q(Words(" ".join(c.DEEP_PHRASE), is_phrase=True))),
        (f"{c.COMMON_WORD} {c.NOT_WORD} + popular fandom",
         q(Words(f"{c.COMMON_WORD} {c.NOT_WORD}"), all_tag_ids=frozenset({p["fandom"]}))),
        (f"{c.COMMON_WORD} NOT {c.NOT_WORD}",
         q(AllOf((Words(c.COMMON_WORD), Not(Words(c.NOT_WORD)))))),
    ]  # fmt: skip


# -- the child stages ---------------------------------------------------------------------


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def database_bytes(vendor: str, tables: list[str] | None = None) -> int:
    from django.conf import settings
    from django.db import connection

    if vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        return sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    with connection.cursor() as cursor:
        if tables:
            sql = "SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) t"
            cursor.execute(sql, [tables])
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0] or 0)


def stage_load(setup: Setup, database: str) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    from bench import corpus as c

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    c.load_into_database(c.Corpus(setup.works), text=setup.text, as_superuser=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mib": peak_mib(), "bytes": database_bytes(database)}


def stage_build(setup: Setup, backend: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.utils.module_loading import import_string

    from bench import corpus as c

    location = setup.folder / "embedded" / "index"
    if backend == "embedded" and location.exists():
        shutil.rmtree(location)
    instance = import_string(BACKEND_PATHS[backend])(str(location))
    corpus = c.Corpus(setup.works)
    started = time.perf_counter()
    if backend == "sql" or backend == "sql-postgres":
        instance.rebuild(iter(()))  # nothing to build: the tables are the index
    else:
        # With ``on_progress``, as ``ficshelf reindex`` calls it (the embedded backend then
        # lets tantivy use every core).
        documents = c.documents(corpus, text=setup.text, progress=f"{backend} rebuild")
        instance.rebuild(documents, on_progress=lambda n: None)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {"seconds": seconds, "peak_mib": peak_mib()}
    if backend == "embedded":
        result["bytes"] = folder_bytes(location)
    elif backend == "postgres":
        result["bytes"] = database_bytes("postgres", ["search_worktextchunk"])
        result["database_bytes"] = database_bytes("postgres")
    else:
        result["bytes"] = database_bytes(setup.database(backend) or "sqlite")
    if backend == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_worktextchunk")
    return result


def time_query(
    instance: Any, name: str, query: Any, runs: int, *, forget_facets: bool = False
) -> dict[str, Any]:
    import numpy as np

    times: list[float] = []
    result = None
    spent = 0.0
    for n in range(WARM_UP + runs):
        if forget_facets:
            instance._facet_cache = instance._facet_cache.__class__()
        started = time.perf_counter()
        result = instance.search(query)
        elapsed = time.perf_counter() - started
        spent += elapsed
        if n >= WARM_UP or spent > TIME_BOX_SECONDS:
            times.append(elapsed * 1000)
        # Slow queries get fewer runs: at least 3 in the time box, or 1 if it takes 5 s.
        if spent > TIME_BOX_SECONDS and (len(times) >= 3 or elapsed > 5.0):
            break
    assert result is not None
    row = {
        "query": name, "runs": len(times), "p50": float(np.percentile(times, 50)),
        "p95": float(np.percentile(times, 95)), "total": result.total,
        "page": len(result.work_ids), "facets": sum(len(v) for v in result.facets.values()),
    }  # fmt: skip
    print(f"  {name}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, total {result.total}",
          file=sys.stderr, flush=True)  # fmt: skip
    return row


def time_documents(setup: Setup) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    os.environ.setdefault("FICSHELF_DATA_DIR", str(DATA / "parent"))
    django.setup()
    from bench import corpus as c

    started = time.perf_counter()
    corpus = c.Corpus(setup.works)
    tags_seconds = time.perf_counter() - started
    words = 0
    for document in c.documents(corpus, text=setup.text, progress="documents"):
        words += sum(text.count(" ") + 1 for text in document.chapter_texts)
    return {"works": setup.works, "text": setup.text, "tags_seconds": tags_seconds,
            "seconds": time.perf_counter() - started, "text_words": words,
            "peak_mib": peak_mib()}  # fmt: skip


def stage_query(setup: Setup, backend: str, runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.utils.module_loading import import_string

    location = setup.folder / "embedded" / "index"
    instance = import_string(BACKEND_PATHS[backend])(str(location))
    p = plan(setup)
    queries = text_queries(p) if setup.text else listing_queries(p)
    rows = []
    cached = hasattr(instance, "_facet_cache")
    for name, query in queries:
        # A backend that keeps facet counts for a while (the embedded one, for broad result
        # sets) is timed twice: with its memory emptied before every run (what the first
        # reader after a change or after the counts expire waits for), and as it is.
        rows.append(time_query(instance, name, query, runs, forget_facets=cached))
        if cached and query.facet_limit > 0:
            rows.append(time_query(instance, f"{name}, cached", query, runs))
    return {"queries": rows, "peak_mib": peak_mib()}


# -- the parent ---------------------------------------------------------------------------


def run_child(setup: Setup, backend: str, stage: str, runs: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.search", "--child", stage, "--works",
               str(setup.works), "--backend", backend, "--runs", str(runs)]  # fmt: skip
    if setup.text:
        command.append("--text")
    started = time.perf_counter()
    done = subprocess.run(command, env=setup.env(backend), cwd=REPO, stdout=subprocess.PIPE,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{stage} for {backend} failed (exit {done.returncode})")
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    result["wall_seconds"] = time.perf_counter() - started
    return result


def ensure_database(setup: Setup, backend: str, runs: int) -> dict[str, Any]:
    database = setup.database(backend)
    assert database is not None
    marker = setup.folder / f"loaded-{database}.json"
    if marker.exists():
        return dict(json.loads(marker.read_text()))
    if database == "postgres":
        name = setup.database_url("postgres").rsplit("/", 1)[1]
        assert name.startswith("bench_")
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                       check=True)  # fmt: skip
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    else:
        for old in (setup.folder / "sqlite").glob("ficshelf.sqlite3*"):
            old.unlink()
    print(f"{setup.name}: loading into {database}", file=sys.stderr, flush=True)
    result = run_child(setup, backend, "load", runs)
    marker.write_text(json.dumps(result))
    return result


def run_backend(setup: Setup, backend: str, runs: int) -> dict[str, Any]:
    load = ensure_database(setup, backend, runs) if setup.database(backend) else None
    print(f"{setup.name}: building {backend}", file=sys.stderr, flush=True)
    build = run_child(setup, backend, "build", runs)
    print(f"{setup.name}: querying {backend}", file=sys.stderr, flush=True)
    query = run_child(setup, backend, "query", runs)
    result = {"setup": setup.name, "works": setup.works, "text": setup.text,
              "backend": backend, "load": load, "build": build, "query": query,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{setup.name}-{backend}.json").write_text(json.dumps(result, indent=1))
    return result


def machine() -> str:
    model = cpu_model()
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB RAM, {platform.machine()}, "
            f"Python {platform.python_version()}")  # fmt: skip


def mib(n: float | None) -> str:
    return "-" if n is None else f"{n / 1024 / 1024:,.0f}"


def report() -> str:
    """Markdown for every result file: build figures, then latencies per query."""
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    # The folder is shared with other benchmarks (``several_hosts_search``): this report's
    # files are the ones that name a backend.
    results = [r for r in results if "backend" in r]
    results.sort(key=lambda r: (r["text"], r["works"], BACKENDS.index(r["backend"])))
    lines = [f"Machine: {machine()}.", ""]
    lines += ["| corpus | backend | load s | load peak MiB | build s | build peak MiB | "
              "index MiB | database MiB | query peak MiB |",
              "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        load, build = r["load"] or {}, r["build"]
        db = load.get("bytes") if r["backend"] != "postgres" else build.get("database_bytes")
        index = build.get("bytes") if r["backend"] in ("embedded", "postgres") else None
        corpus = f"{r['works']:,} works{' + text' if r['text'] else ''}"
        lines.append(
            f"| {corpus} | {LABELS[r['backend']]} | "
            f"{load['seconds']:.0f} | {load['peak_mib']:.0f} | " if load else
            f"| {corpus} | {LABELS[r['backend']]} | - | - | "
        )  # fmt: skip
        lines[-1] += (f"{build['seconds']:.1f} | {build['peak_mib']:.0f} | {mib(index)} | "
                      f"{mib(db)} | {r['query']['peak_mib']:.0f} |")  # fmt: skip
    for text in (False, True):
        for works in sorted({r["works"] for r in results if r["text"] == text}):
            group = [r for r in results if r["works"] == works and r["text"] == text]
            if not group:
                continue
            lines += ["", f"{works:,} works{', text' if text else ''}: p50 / p95 ms "
                      "(total found)", ""]  # fmt: skip
            lines.append("| query | " + " | ".join(LABELS[r["backend"]] for r in group) + " |")
            lines.append("|---" * (len(group) + 1) + "|")
            names = list(dict.fromkeys(q["query"] for r in group for q in r["query"]["queries"]))
            for name in names:
                cells = []
                for r in group:
                    found = [q for q in r["query"]["queries"] if q["query"] == name]
                    if not found:
                        cells.append("-")
                        continue
                    q = found[0]
                    few = f", {q['runs']} runs" if q["runs"] < 20 else ""
                    cells.append(f"{q['p50']:.1f} / {q['p95']:.1f} ({q['total']:,}{few})")
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument(
        "--backend", nargs="+", choices=BACKENDS, default=["embedded", "postgres", "sql"]
    )
    parser.add_argument("--text", action="store_true", help="the full-text corpus and mix")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--report", action="store_true", help="print the Markdown of all results")
    parser.add_argument(
        "--time-documents",
        action="store_true",
        help="only time making the documents (the generator's share of a build)",
    )
    parser.add_argument("--child", choices=["load", "build", "query"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup = Setup(args.works, args.text)
    if args.report:
        print(report())
        return
    if args.time_documents:
        print(json.dumps(time_documents(setup)))
        return
    if args.child:
        if args.child == "load":
            result = stage_load(setup, setup.database(args.backend[0]) or "sqlite")
        elif args.child == "build":
            result = stage_build(setup, args.backend[0])
        else:
            result = stage_query(setup, args.backend[0], args.runs)
        print(json.dumps(result))
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    os.environ.setdefault("FICSHELF_DATA_DIR", str(DATA / "parent"))
    django.setup()
    p = plan(setup)
    print(f"{setup.name}: " + ", ".join(f"{k} {v:.3g}" for k, v in p["shape"].items()),
          file=sys.stderr)  # fmt: skip
    for backend in args.backend:
        run_backend(setup, backend, args.runs)
    print(report())


if __name__ == "__main__":
    main()

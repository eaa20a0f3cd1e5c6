"""Backup, restore and move-to-postgres times on a generated archive (issue 15), each beside
a baseline measured in the same run.

Usage: .venv/bin/python -m bench.backup_move --data-dir DIR [--work-dir W] [--postgres URL]
       [--skip-move] [--skip-backup] [--skip-reindex]

DIR is an SQLite data folder (``bench.traffic_data`` makes one). Every step runs the real
command line in a process of its own, as an operator would, and is timed from outside:

- baselines: the ``sqlite3`` shell's ``.backup`` (the same online backup API, no tar, no
  checksums) and a plain ``cp`` of the database file (not consistent while it runs);
- ``ficshelf backup`` of DIR into W;
- ``ficshelf restore`` of that backup into a new data folder, then ``ficshelf reindex`` there
  (the restore's last step, timed on its own);
- ``ficshelf move-to-postgres`` of DIR onto a new database on the server at URL (its own
  step times: tables, copy, comparison, reindex);
- baselines on PostgreSQL: ``pg_dump -Fc`` of the moved database and ``pg_restore`` of it
  into another new database; then ``ficshelf backup`` of the moved archive.

Scratch files and databases are removed as soon as each step is measured (the disk holds
the source, one copy and one database at a time).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.environment import cpu_model

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--work-dir", type=Path, default=Path("/work/benchdata/backup-move"))
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--skip-move", action="store_true")
    parser.add_argument(
        "--skip-backup",
        action="store_true",
        help="only the move and its PostgreSQL baselines (backup and restore measured before)",
    )
    parser.add_argument(
        "--skip-reindex", action="store_true", help="restore without timing the reindex after it"
    )
    args = parser.parse_args()
    source = args.data_dir.resolve()
    database = source / "ficshelf.sqlite3"
    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows: list[tuple[str, float, str]] = []
    print(f"# {cpu_model()}, {os.cpu_count()} cores; source {source}", flush=True)
    _checkpoint(database)
    size = database.stat().st_size
    works = _count(database, "works_work")
    print(f"database {size / 1e9:.2f} GB, {works:,} works", flush=True)

    if not args.skip_backup:
        rows += _backup_and_restore(database, source, work, reindex=not args.skip_reindex)
    if not args.skip_move:
        rows += _move_and_postgres_baselines(args.postgres, source, work)
    shutil.rmtree(work, ignore_errors=True)

    print(f"\n{works:,} works, SQLite database {size / 1e9:.2f} GB\n")
    print("| step | seconds | note |\n|---|---|---|")
    for step, seconds, note in rows:
        print(f"| {step} | {seconds:,.1f} | {note} |")


def _backup_and_restore(
    database: Path, source: Path, work: Path, *, reindex: bool
) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    copy = work / "copy.sqlite3"
    seconds = _timed(["sqlite3", str(database), f".backup '{copy}'"])
    rows.append(("sqlite3 .backup (baseline)", seconds, f"{copy.stat().st_size / 1e9:.2f} GB"))
    copy.unlink()
    seconds = _timed(["cp", str(database), str(copy)])
    rows.append(("cp of the database file (baseline)", seconds, ""))
    copy.unlink()

    backup = work / "archive.tar"
    seconds = _timed(_ficshelf("backup", str(backup)), data_dir=source)
    rows.append(("ficshelf backup", seconds, f"{backup.stat().st_size / 1e9:.2f} GB tar"))

    restored = work / "restored"
    restored.mkdir()
    seconds = _timed(_ficshelf("restore", str(backup), "--no-reindex"), data_dir=restored)
    rows.append(("ficshelf restore, database and files", seconds, ""))
    if reindex:
        seconds_reindex = _timed(_ficshelf("reindex"), data_dir=restored)
        rows.append(("ficshelf restore, its reindex (embedded index)", seconds_reindex, ""))
        rows.append(("ficshelf restore with reindex, total", seconds + seconds_reindex, ""))
    shutil.rmtree(restored)
    backup.unlink()
    return rows


def _move_and_postgres_baselines(
    server: str, source: Path, work: Path
) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    moved, copied = _scratch(server, "bench_moved"), _scratch(server, "bench_pg_restored")
    try:
        started = time.perf_counter()
        output = _run(_ficshelf("move-to-postgres", server + moved), data_dir=source)
        seconds = time.perf_counter() - started
        steps = re.search(r"Moved ([\d,]+) rows in (\d+) tables \((.*)\)", output)
        note = f"{steps.group(1)} rows, {steps.group(2)} tables" if steps else ""
        rows.append(("ficshelf move-to-postgres, total", seconds, note))
        if steps:
            for part in steps.group(3).split(", "):
                name, value, _ = part.rsplit(" ", 2)
                rows.append((f"  move: {name}", float(value.replace(",", "")), ""))
        dump = work / "moved.pgdump"
        seconds = _timed(["pg_dump", "-Fc", "-f", str(dump), server + moved])
        rows.append(("pg_dump -Fc (baseline)", seconds, f"{dump.stat().st_size / 1e9:.2f} GB"))
        seconds = _timed(["pg_restore", "--no-owner", "-d", server + copied, str(dump)])
        rows.append(("pg_restore (baseline)", seconds, ""))
        dump.unlink()
        backup = work / "moved.tar"
        seconds = _timed(
            _ficshelf("backup", str(backup)), data_dir=source, database_url=server + moved
        )
        rows.append(
            ("ficshelf backup, PostgreSQL", seconds, f"{backup.stat().st_size / 1e9:.2f} GB")
        )
        backup.unlink()
    finally:
        _drop(server, moved)
        _drop(server, copied)
    return rows


def _ficshelf(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "ficshelf", *arguments]


def _environment(data_dir: Path | None, database_url: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment["PYTHONPATH"] = str(REPO)
    if data_dir is not None:
        environment["FICSHELF_DATA_DIR"] = str(data_dir)
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def _run(command: list[str], data_dir: Path | None = None, database_url: str = "") -> str:
    print("$", " ".join(command), flush=True)
    finished = subprocess.run(
        command,
        env=_environment(data_dir, database_url),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    print(finished.stdout, end="", flush=True)
    if finished.returncode != 0:
        sys.exit(f"failed ({finished.returncode}): {' '.join(command)}")
    return finished.stdout


def _timed(command: list[str], data_dir: Path | None = None, database_url: str = "") -> float:
    started = time.perf_counter()
    _run(command, data_dir, database_url)
    seconds = time.perf_counter() - started
    print(f"  {seconds:.1f} s", flush=True)
    return seconds


def _checkpoint(database: Path) -> None:
    subprocess.run(
        ["sqlite3", str(database), "PRAGMA wal_checkpoint(TRUNCATE);"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _count(database: Path, table: str) -> int:
    out = subprocess.run(
        ["sqlite3", str(database), f"SELECT COUNT(*) FROM {table};"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


def _scratch(server: str, name: str) -> str:
    _drop(server, name)
    with psycopg.connect(server + "postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return name


def _drop(server: str, name: str) -> None:
    with psycopg.connect(server + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()

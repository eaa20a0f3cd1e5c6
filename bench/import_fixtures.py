"""Benchmark: importing every fixture N times. Works per second and peak memory.

Usage: .venv/bin/python -m bench.import_fixtures [--repeat N] [--fixtures DIR]

Each stage runs in its own process (so each peak-RSS figure is that stage's own) on a
fresh SQLite database in a temporary data folder:

- ``read``    the baseline: read each file's bytes and parse them once with lxml (for an
              EPUB: read every member of the zip). No importer can be faster than this.
- ``parse``   the importer alone: file -> ImportedWork, no database.
- ``import``  the whole path ``ficshelf import`` takes: parse, sanitize, count words, save
              in one transaction (the 2nd..Nth round re-imports, i.e. updates, works that
              have a source URL, and adds new copies of those without one).

AZW3/MOBI files are timed separately: they go through calibre's ebook-convert, which
dominates their cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures"
KINDLE_SUFFIXES = {".azw3", ".mobi"}


def fixture_files(root: Path) -> list[Path]:
    """Every fixture that is a work (error pages and the series page are left out)."""
    files = [root / "seed" / "000_54b7f5ba612c50cc.txt"]
    files += sorted((root / "ao3" / "download-html").glob("*.html"))
    files += sorted((root / "ao3" / "epub").glob("*.epub"))
    files += sorted(
        p
        for p in (root / "ao3" / "work-page-html").glob("*.html")
        if p.name.startswith("workpage_")
    )
    files += sorted(
        p for p in (root / "ao3" / "mobi-azw3-pdf").iterdir() if p.suffix in KINDLE_SUFFIXES
    )
    return [p for p in files if p.exists()]


def stage_read(files: list[Path], repeat: int) -> int:
    import lxml.html

    count = 0
    for _ in range(repeat):
        for path in files:
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        archive.read(name)
            elif path.suffix in KINDLE_SUFFIXES:
                path.read_bytes()
            else:
                lxml.html.fromstring(path.read_bytes())
            count += 1
    return count


def stage_parse(files: list[Path], repeat: int) -> int:
    from ficshelf.importers.detect import read_work_file

    count = 0
    for _ in range(repeat):
        for path in files:
            read_work_file(path, max_bytes=1 << 30)
            count += 1
    return count


def stage_import(files: list[Path], repeat: int) -> int:
    from ficshelf.importers.actions import pseud_for_import, save_imported_work
    from ficshelf.importers.detect import read_work_file

    fallback = pseud_for_import("bench")
    count = 0
    for _ in range(repeat):
        for path in files:
            save_imported_work(read_work_file(path, max_bytes=1 << 30), fallback_pseud=fallback)
            count += 1
    return count


STAGES = {"read": stage_read, "parse": stage_parse, "import": stage_import}


def run_stage_here(stage: str, files: list[Path], repeat: int) -> dict[str, float]:
    """Runs inside the child process: set up Django on a fresh database, time one stage."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    done = STAGES[stage](files, repeat)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"files": done, "seconds": elapsed, "peak_mib": peak_kib / 1024}


def run_stage_in_child(stage: str, files: list[Path], repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(FICSHELF_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="ficshelf.settings")
        command = [sys.executable, "-m", "bench.import_fixtures", "--child", stage,
                   "--repeat", str(repeat), *map(str, files)]  # fmt: skip
        output = subprocess.run(
            command, env=env, cwd=REPO, check=True, capture_output=True, text=True
        ).stdout
        return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_stage_here(args.child, args.files, args.repeat)))
        return
    if not args.fixtures.is_dir():
        sys.exit(f"fixtures not found at {args.fixtures}")
    files = fixture_files(args.fixtures)
    groups = {
        "HTML, text, EPUB, work pages": [p for p in files if p.suffix not in KINDLE_SUFFIXES],
        "AZW3/MOBI (calibre)": [p for p in files if p.suffix in KINDLE_SUFFIXES],
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite; repeat={args.repeat}")  # fmt: skip
    print()
    print("| files | stage | files/round | imports | seconds | works/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for label, group in groups.items():
        if not group:
            continue
        repeat = args.repeat if label.startswith("HTML") else 1
        for stage in STAGES:
            result = run_stage_in_child(stage, group, repeat)
            rate = result["files"] / result["seconds"] if result["seconds"] else float("inf")
            print(f"| {label} | {stage} | {len(group)} | {int(result['files'])} | "
                  f"{result['seconds']:.2f} | {rate:.1f} | {result['peak_mib']:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()

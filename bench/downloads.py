"""Benchmark: making downloads. Seconds and peak memory per file, ours against calibre's.

Usage: .venv/bin/python -m bench.downloads [--fixtures DIR]

Two works: the seed ("The Idol", one chapter, about 13,000 words) and a generated work of
300,000 invented words in 60 chapters. For each, in the same run and each in its own
process (so each peak-RSS figure is that stage's own):

- ``ours EPUB``     Ficshelf's EPUB exporter: document -> bytes.
- ``ours PDF``      Ficshelf's PDF exporter (WeasyPrint, A5): document -> bytes, including
                    the first import of WeasyPrint, as the worker pays it once. A long work
                    is laid out in several processes (``FICSHELF_PDF_PROCESSES``, one per
                    core by default; the maker says how many), forked from a server that
                    this run starts and that imports WeasyPrint, as the worker's first
                    long PDF does.
- ``calibre EPUB``  calibre's ``ebook-convert`` turning our HTML download into an EPUB.
- ``calibre PDF``   the same into an A5 PDF (calibre renders with Qt WebEngine).

For ours, the peak is the Python process's (Django loaded, the work built; "base" is the
RSS before the export began); a PDF laid out in several processes adds the peaks of the
processes that laid out its parts, which ran at the same time (an upper bound: they share
the fork server's pages). For calibre, it is the largest of its processes' peaks.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import logging
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures"
SEED = Path("seed") / "000_54b7f5ba612c50cc.txt"
WORKS = ["seed", "generated"]
STAGES = ["ours-epub", "ours-pdf", "calibre-epub", "calibre-pdf"]
GENERATED_WORDS = 300_000
GENERATED_CHAPTERS = 60


def invented_text(words: int, chapters: int, seed: int = 5) -> list[str]:
    """Chapters of invented prose, as sanitized HTML paragraphs, of ``words`` words in all."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "ith", "an", "ou", "dre", "fen"]
    vocabulary = [
        "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(3000)
    ]
    common = ["the", "and", "of", "a", "to", "in", "she", "he", "was", "that", "it", "with"]
    per_chapter = words // chapters
    result = []
    for _ in range(chapters):
        paragraphs = []
        left = per_chapter
        while left > 0:
            length = min(left, rng.randint(25, 140))
            chosen = [rng.choice(common) if rng.random() < 0.35 else rng.choice(vocabulary)
                      for _ in range(length)]  # fmt: skip
            chosen[0] = chosen[0].capitalize()
            if rng.random() < 0.2:
                chosen[1] = f"<em>{chosen[1]}</em>"
            text = " ".join(chosen) + "."
            paragraphs.append(f"<p>“{text}”</p>" if rng.random() < 0.3 else f"<p>{text}</p>")
            left -= length
        result.append("".join(paragraphs))
    return result


def build_document(work: str, fixtures: Path) -> Any:
    """The WorkDocument the exporters lay out: the seed imported, or the generated work."""
    from django.core.management import call_command
    from django.utils import timezone

    from ficshelf.downloads.document import ChapterDocument, WorkDocument, build_work_document
    from ficshelf.works.models import Work

    if work == "seed":
        call_command("import", str(fixtures / SEED), "--as", "seedwriter", "--rating",
                     "Explicit", "--no-progress", stdout=io.StringIO())  # fmt: skip
        imported = Work.objects.get()
        return build_work_document(
            imported,
            list(imported.chapters.all()),
            work_url=f"http://localhost/works/{imported.pk}/",
            site_url="http://localhost/",
            site_name="Ficshelf",
        )
    chapters = invented_text(GENERATED_WORDS, GENERATED_CHAPTERS)
    return WorkDocument(
        work_id=1, title="The Long Ledger", work_url="http://localhost/works/1/",
        site_name="Ficshelf", site_url="http://localhost/", creators=[], tag_groups=[],
        language_name="English", language_code="en", series=[], collections=[],
        published_on=datetime.date(2026, 1, 1), updated_on=None, completed_on=None,
        word_count=GENERATED_WORDS, chapter_count_display=f"{len(chapters)}/{len(chapters)}",
        summary_html="<p>Invented words, for timing.</p>", notes_html="", end_notes_html="",
        chapters=[
            ChapterDocument(position=n, title=f"Part {n}", heading=f"Chapter {n}: Part {n}",
                            summary_html="", notes_html="", end_notes_html="", text_html=text)
            for n, text in enumerate(chapters, start=1)
        ],
        modified_at=timezone.now(),
    )  # fmt: skip


def run_calibre(html: Path, target: Path) -> None:
    program = shutil.which("ebook-convert")
    if program is None:
        raise SystemExit("calibre's ebook-convert is not installed")
    folder = html.parent
    env = {
        **os.environ,
        "CALIBRE_CONFIG_DIRECTORY": str(folder / "calibre-config"),
        "CALIBRE_TEMP_DIR": str(folder),
        # Qt WebEngine (calibre's PDF renderer) refuses to run as root with its sandbox on.
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
    options = ["--paper-size", "a5"] if target.suffix == ".pdf" else []
    subprocess.run([program, str(html), str(target), *options], env=env, check=True,
                   capture_output=True, timeout=3600)  # fmt: skip


def run_stage_here(work: str, stage: str, fixtures: Path) -> dict[str, float]:
    """Runs inside the child process: set up Django on a fresh database, time one stage."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from ficshelf.downloads.exporters.epub import export_epub
    from ficshelf.downloads.exporters.html import export_html
    from ficshelf.downloads.exporters.pdf import export_pdf

    doc = build_document(work, fixtures)
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pdf_log = PdfLog()
    logging.getLogger("ficshelf.downloads.exporters.pdf").addHandler(pdf_log)
    logging.getLogger("ficshelf.downloads.exporters.pdf").setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "work.html"
        html.write_bytes(export_html(doc))
        started = time.perf_counter()
        if stage == "ours-epub":
            size = len(export_epub(doc))
        elif stage == "ours-pdf":
            size = len(export_pdf(doc))
        else:
            target = Path(folder) / f"work.{stage.split('-')[1]}"
            run_calibre(html, target)
            size = target.stat().st_size
        elapsed = time.perf_counter() - started
    who = resource.RUSAGE_SELF if stage.startswith("ours") else resource.RUSAGE_CHILDREN
    peak_kib = resource.getrusage(who).ru_maxrss + sum(pdf_log.part_peaks_kib)
    return {"seconds": elapsed, "peak_mib": peak_kib / 1024, "base_mib": base_kib / 1024,
            "bytes": size, "processes": len(pdf_log.part_peaks_kib) or 1}  # fmt: skip


class PdfLog(logging.Handler):
    """Hears the PDF exporter say how many processes laid out a work, and their peaks."""

    def __init__(self) -> None:
        super().__init__()
        self.part_peaks_kib: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.part_peaks_kib = list(getattr(record, "peak_memory_kib", self.part_peaks_kib))


def run_stage_in_child(work: str, stage: str, fixtures: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(FICSHELF_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="ficshelf.settings")
        command = [sys.executable, "-m", "bench.downloads", "--child", work, stage,
                   "--fixtures", str(fixtures)]  # fmt: skip
        output = subprocess.run(
            command, env=env, cwd=REPO, check=True, capture_output=True, text=True
        ).stdout
        return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--child", nargs=2, metavar=("WORK", "STAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work, stage = args.child
        print(json.dumps(run_stage_here(work, stage, args.fixtures)))
        return
    if not (args.fixtures / SEED).is_file():
        sys.exit(f"the seed is not at {args.fixtures / SEED}")
    version = subprocess.run(["ebook-convert", "--version"], capture_output=True, text=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {version.stdout.splitlines()[0]}")  # fmt: skip
    print()
    print("| work | maker | seconds | peak RSS MiB | base RSS MiB | output KiB |")
    print("|---|---|---|---|---|---|")
    labels = {
        "seed": "seed (13k words, 1 chapter)",
        "generated": f"generated ({GENERATED_WORDS:,} words, {GENERATED_CHAPTERS} chapters)",
    }
    for work in WORKS:
        for stage in STAGES:
            result = run_stage_in_child(work, stage, args.fixtures)
            base = f"{result['base_mib']:.0f}" if stage.startswith("ours") else "-"
            maker = stage.replace("ours-", "Ficshelf ").replace("calibre-", "calibre ").upper()
            maker = maker.replace("FICSHELF", "Ficshelf").replace("CALIBRE", "calibre")
            if result.get("processes", 1) > 1:
                maker += f" ({result['processes']:.0f} processes)"
            print(f"| {labels[work]} | {maker} | {result['seconds']:.2f} | "
                  f"{result['peak_mib']:.0f} | {base} | {result['bytes'] / 1024:.0f} |",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""``ficshelf import PATH...``: import works from files and folders, one line per file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ficshelf.accounts.models import Pseud
from ficshelf.importers.actions import DEFAULT_RATING, pseud_for_import, save_imported_work
from ficshelf.importers.base import ImportFailed
from ficshelf.importers.detect import read_work_file
from ficshelf.tags.models import RATINGS

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Import works from AO3 downloads (HTML, EPUB, AZW3, MOBI), saved AO3 work pages "
        "and AO3 work-page text. Folders are read recursively."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--as",
            dest="as_name",
            metavar="NAME",
            help="Creator for files whose byline names none: a username, or a new name.",
        )
        parser.add_argument(
            "--rating",
            choices=RATINGS,
            default=DEFAULT_RATING,
            help=f"Rating for files that state none (default: {DEFAULT_RATING}).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        files = list(_files_in(options["paths"]))
        missing = [p for p in options["paths"] if not p.exists()]
        if not files and not missing:
            raise CommandError("no files found in the given paths")
        fallback = pseud_for_import(options["as_name"]) if options["as_name"] else None
        counts = {"imported": 0, "updated": 0, "failed": 0}
        for path in missing:
            counts["failed"] += 1
            self.stdout.write(f"FAILED   {path}: no such file or folder")
        bar = tqdm(files, unit="file", disable=options["no_progress"] or None, dynamic_ncols=True)
        for path in bar:
            outcome, line = self._import_one(path, fallback, options["rating"])
            counts[outcome] += 1
            tqdm.write(line, file=self.stdout, end="")  # the wrapper adds the newline
        self.stdout.write(
            f"{counts['imported']} imported, {counts['updated']} updated, {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be imported", returncode=1)

    def _import_one(
        self, path: Path, fallback: Pseud | None, default_rating: str
    ) -> tuple[str, str]:
        try:
            imported = read_work_file(path, max_bytes=settings.FICSHELF_IMPORT_MAX_BYTES)
            result = save_imported_work(
                imported, fallback_pseud=fallback, default_rating=default_rating
            )
        except ImportFailed as error:
            return "failed", f"FAILED   {path}: {error}"
        except Exception as error:
            logger.exception("import of %s failed unexpectedly", path)
            return "failed", f"FAILED   {path}: could not be read ({type(error).__name__}: {error})"
        outcome = "imported" if result.created else "updated"
        work = result.work
        line = (
            f"{outcome.upper():<8} {path}: “{work.title}”, {work.chapters.count()} chapter(s), "
            f"{work.word_count:,} words -> /works/{work.pk}/"
        )
        for notice in result.notices:
            line += f"\n         note: {notice}"
        return outcome, line


def _files_in(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p))
        elif path.is_file():
            yield path


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")

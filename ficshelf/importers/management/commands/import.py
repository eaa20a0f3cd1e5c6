"""``ficshelf import PATH...``: import works from files and folders, one line per file.

Files found in a folder that no importer claims (a downloads folder's SOURCES.txt, a
README, cover images) are reported as skipped, not failed: they were never works. A file
named on the command line is always imported or failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from tqdm import tqdm

from ficshelf.accounts.models import Pseud
from ficshelf.importers.actions import DEFAULT_RATING, pseud_for_import, save_imported_work
from ficshelf.importers.base import ImportFailed, UnknownFormat
from ficshelf.importers.detect import read_work_file
from ficshelf.tags.models import RATINGS

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Import works from AO3 downloads (HTML, EPUB, AZW3, MOBI), saved AO3 work pages "
        "and AO3 work-page text. Folders are read recursively; files in them that are not "
        "works are skipped."
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
        self._migrate_if_needed()
        fallback = pseud_for_import(options["as_name"]) if options["as_name"] else None
        counts = {"imported": 0, "updated": 0, "skipped": 0, "failed": 0}
        for path in missing:
            counts["failed"] += 1
            self.stdout.write(f"FAILED   {path}: no such file or folder")
        bar = tqdm(files, unit="file", disable=options["no_progress"] or None, dynamic_ncols=True)
        for path, from_folder in bar:
            if _hidden(path):  # .DS_Store, a .git folder: a folder's own business
                outcome, line = "skipped", f"SKIPPED  {path}: hidden"
            else:
                outcome, line = self._import_one(path, fallback, options["rating"], from_folder)
            counts[outcome] += 1
            with tqdm.external_write_mode(file=self.stdout):  # the bar steps aside for it
                self.stdout.write(line)
        self.stdout.write(
            f"{counts['imported']} imported, {counts['updated']} updated, "
            f"{counts['skipped']} skipped, {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be imported", returncode=1)

    def _migrate_if_needed(self) -> None:
        """A data folder the archive never ran in has no tables: make them first, and say
        so, rather than fail on the first query."""
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return
        where = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
        fresh = not connection.introspection.table_names()
        self.stdout.write(
            f"The database ({where}) is {'new' if fresh else 'not up to date'}: "
            f"running `ficshelf migrate` first ({len(plan)} migration(s))."
        )
        call_command("migrate", interactive=False, verbosity=0)

    def _import_one(
        self, path: Path, fallback: Pseud | None, default_rating: str, from_folder: bool
    ) -> tuple[str, str]:
        try:
            imported = read_work_file(path, max_bytes=settings.FICSHELF_IMPORT_MAX_BYTES)
            result = save_imported_work(
                imported, fallback_pseud=fallback, default_rating=default_rating
            )
        except UnknownFormat as error:
            if from_folder:
                return "skipped", f"SKIPPED  {path}: {error}"
            return "failed", f"FAILED   {path}: {error}"
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


def _files_in(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Each file to import, and whether it was found in a folder (True) or named (False).
    A hidden folder inside a folder is listed, not searched."""
    for path in paths:
        if path.is_dir():
            yield from ((found, True) for found in _folder_entries(path))
        elif path.is_file():
            yield path, False


def _folder_entries(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not _hidden(entry):
            yield from _folder_entries(entry)
        elif entry.is_file() or entry.is_dir():
            yield entry


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")

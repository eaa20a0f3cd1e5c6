"""``ficshelf backup PATH``: the whole archive in one file, made while it runs
(``core.backup``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficshelf.core.backup import make_backup
from ficshelf.core.backup_format import BackupProblem


class Command(BaseCommand):
    help = (
        "Back up the archive into one file: the database as of one moment (it may keep "
        "running) and the data folder's own files, without the search index and caches."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="The backup file to write, or a folder to write a dated one into."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = make_backup(options["path"], show_progress=not options["quiet"])
        except BackupProblem as problem:
            raise CommandError(str(problem)) from None
        manifest = made.manifest
        works = manifest.tables.get("works_work", 0)
        self.stdout.write(
            f"Backed up {works:,} works ({sum(manifest.tables.values()):,} rows in "
            f"{len(manifest.tables)} tables, {_files(len(manifest.members) - 1)} from the data "
            f"folder) to {made.path}: {made.size / 1e6:,.1f} MB in {made.seconds:,.1f} s."
        )
        self.stdout.write(f"Restore it with: ficshelf restore {made.path}")


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count:,} files"

"""``ficshelf restore PATH``: a backup put back into an empty data folder or database,
then the search index rebuilt (``core.restore``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficshelf.core.backup_format import BackupProblem
from ficshelf.core.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `ficshelf backup` into an empty data folder (SQLite) or an "
        "empty database (DATABASE_URL), then rebuild the search index."
    )
    # The checks would open (and so create) the database this command must find empty.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")
        parser.add_argument(
            "--no-reindex",
            action="store_true",
            help="Do not rebuild the search index (run `ficshelf reindex` later).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore_backup(
                options["path"],
                show_progress=not options["quiet"],
                reindex=not options["no_reindex"],
            )
        except BackupProblem as problem:
            raise CommandError(str(problem)) from None
        manifest = restored.manifest
        works = manifest.tables.get("works_work", 0)
        self.stdout.write(
            f"Restored {works:,} works ({sum(manifest.tables.values()):,} rows in "
            f"{len(manifest.tables)} tables) from the backup of {manifest.created_at} "
            f"in {restored.seconds:,.1f} s."
        )
        if restored.migrated:
            self.stdout.write("The backup was older than this version: its database was migrated.")
        if options["no_reindex"]:
            self.stdout.write("The search index is empty: run `ficshelf reindex`.")
        self.stdout.write("Start the archive with: ficshelf serve")

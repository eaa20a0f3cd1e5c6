"""``ficshelf move-to-postgres DATABASE_URL``: this SQLite archive copied onto an empty
PostgreSQL database, checked, and its search index rebuilt (``core.move_to_postgres``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficshelf.core.move_to_postgres import MoveProblem, move_to_postgres


class Command(BaseCommand):
    help = (
        "Move this SQLite archive onto an empty PostgreSQL database: every row copied as it "
        "is, compared on both sides, then the search index rebuilt. Stop the archive first."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The name people type (``ficshelf`` maps it to this module's name).
        return super().create_parser(prog_name, "move-to-postgres", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("database_url", help="postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")
        parser.add_argument(
            "--search-backend",
            help="The search backend the archive will use on PostgreSQL (default: this "
            "one's, FICSHELF_SEARCH_BACKEND); its index is rebuilt from the new database.",
        )
        parser.add_argument(
            "--no-reindex", action="store_true", help="Do not rebuild the search index."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            moved = move_to_postgres(
                options["database_url"],
                show_progress=not options["quiet"],
                search_backend=options["search_backend"],
                reindex=not options["no_reindex"],
                say=self.stdout.write,
            )
        except MoveProblem as problem:
            raise CommandError(str(problem)) from None
        steps = ", ".join(f"{step} {seconds:,.1f} s" for step, seconds in moved.seconds.items())
        self.stdout.write(f"Moved {moved.rows:,} rows in {moved.tables} tables ({steps}).")
        self.stdout.write(
            "Now run the archive on PostgreSQL: set DATABASE_URL to that URL (and keep this "
            "data folder, which holds the secret key), then ficshelf serve."
        )

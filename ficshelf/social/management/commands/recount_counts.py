"""``ficshelf recount_counts``: compare the works' stored counts with the rows they count.

The counts are kept in each change's transaction (``social.counters``), so they should
never differ; this is the check that they do not (after a restore, a bulk import, a bug).
It names every work whose kudos, comments, comment threads, bookmarks or subscriptions
count differs, and rewrites them; with ``--check`` it only names them and exits 1.
Hits are left alone: their rows were never stored (``social.hits``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ficshelf.social import counters


class Command(BaseCommand):
    help = "Check the works' stored counts against their rows, and fix those that differ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only report; exit 1 when a count differs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = counters.differences()
        for work_id, fields in wrong.items():
            said = ", ".join(
                f"{name} {stored} (counted {counted})" for name, (stored, counted) in fields.items()
            )
            self.stdout.write(f"Work {work_id}: {said}")
        if not wrong:
            self.stdout.write("Every stored count matches its rows.")
            return
        if options["check"]:
            raise CommandError(f"{len(wrong)} work(s) with counts that differ from their rows.")
        with transaction.atomic():
            counters.recount_all(wrong)
        self.stdout.write(f"Recounted {len(wrong)} work{'' if len(wrong) == 1 else 's'}.")

"""``ficshelf flush_hits``: add the hits waiting in the cache to the works' counts.

The worker does it every 30 seconds; with ``serve --no-schedule``, run it from cron every
minute. Safe to run from several servers at once (``social.hits``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ficshelf.social.hits import flush_hits


class Command(BaseCommand):
    help = "Add the hits waiting in the cache to the works' hit counts."

    def handle(self, *args: Any, **options: Any) -> None:
        added = flush_hits()
        self.stdout.write(f"Added {added} hit{'s' if added != 1 else ''}.")

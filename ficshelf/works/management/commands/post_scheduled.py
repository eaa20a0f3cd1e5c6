"""``ficshelf post_scheduled``: post the works and chapters whose scheduled time has come
(``serve`` asks its worker every minute; an install run with ``--no-schedule`` runs this from
cron instead)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ficshelf.works.scheduling import post_due


class Command(BaseCommand):
    help = "Post the scheduled works and chapters whose time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        count = post_due()
        self.stdout.write(f"Posted {count} scheduled item{'' if count == 1 else 's'}.")

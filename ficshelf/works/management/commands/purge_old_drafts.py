"""``ficshelf purge_old_drafts``: delete unposted drafts older than a month (as AO3 does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ficshelf.works.actions import purge_old_drafts
from ficshelf.works.models import DRAFT_LIFETIME


class Command(BaseCommand):
    help = f"Delete drafts that were never posted, {DRAFT_LIFETIME.days} days after they began."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_old_drafts()
        self.stdout.write(f"Deleted {count} old draft{'' if count == 1 else 's'}.")

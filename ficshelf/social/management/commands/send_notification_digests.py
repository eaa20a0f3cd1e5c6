"""``ficshelf send_notification_digests``: mail each person one digest of waiting notices.

Run it periodically (cron, a systemd timer, or the worker) - every hour or once a day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ficshelf.social.notifications import send_notification_digests


class Command(BaseCommand):
    help = "Mail each recipient one digest of their waiting kudos and subscription notices."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_notification_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")

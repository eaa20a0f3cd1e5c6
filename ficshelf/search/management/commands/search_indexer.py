"""``ficshelf search-indexer``: keep this server's own search index following the index
queue (``FICSHELF_SEARCH=per-host-embedded``; ``search.host_index``). ``ficshelf serve``
starts it on every server, ``--no-worker`` ones too, and restarts it if it dies.

It looks for new queue entries every ``FICSHELF_SEARCH_FOLLOW_MS``, applies them, renews
this server's row and deletes the entries every live server has applied. A database that
goes away is waited for; a new server, or one back after its entries were deleted,
rebuilds its index first (searches answer from the old one, or find nothing, meanwhile).
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from ficshelf.core.database import DATABASE_AWAY_ERRORS, describe, drop_connections
from ficshelf.search.backends.base import SearchUnavailable
from ficshelf.search.host_index import follow_once, per_host_indexes

logger = logging.getLogger("ficshelf.search_indexer")

# The same trouble is said at most this often.
NOTICE_SECONDS = 60.0


class Command(BaseCommand):
    help = "Keep this server's own search index following the index queue (serve starts it)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not per_host_indexes():
            raise CommandError(
                "This archive keeps one search index (FICSHELF_SEARCH is not "
                "per-host-embedded): the worker drains the queue, no indexer is needed."
            )
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        interval = settings.FICSHELF_SEARCH_FOLLOW_MS / 1000
        last_notice: dict[str, float] = {}
        while not self.stopping:
            close_old_connections()  # no request cycle closes a connection that was dropped
            try:
                follow_once()
                last_notice.clear()
            except DATABASE_AWAY_ERRORS as error:
                drop_connections()
                self._notice(last_notice, "database", f"waits for the database ({describe(error)})")
            except SearchUnavailable as problem:
                self._notice(last_notice, "index", f"cannot update the index: {problem}")
            self._sleep(interval)

    def _notice(self, last: dict[str, float], kind: str, what: str) -> None:
        now = time.monotonic()
        if now - last.get(kind, -NOTICE_SECONDS) >= NOTICE_SECONDS:
            logger.warning("The search indexer %s; it tries again.", what)
            last[kind] = now

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, seconds))

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True

"""The search app's part of ``ficshelf check``: changes waiting for the index (ids as in
``core.checks``), registered by the app's ``ready()``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register

# A change normally reaches the index within seconds; this long means nobody drains it.
STALE_QUEUE_MINUTES = 10


def check_search_index_queue_drained(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    from django.db import DatabaseError
    from django.utils import timezone

    from ficshelf.search.models import IndexQueueEntry

    cutoff = timezone.now() - timedelta(minutes=STALE_QUEUE_MINUTES)
    try:
        waiting = IndexQueueEntry.objects.filter(queued_at__lt=cutoff).count()
    except DatabaseError:  # not migrated yet: migrate's own checks come first
        return []
    if not waiting:
        return []
    return [
        Warning(
            f"Changes to {waiting:,} work{'' if waiting == 1 else 's'} have waited more than "
            f"{STALE_QUEUE_MINUTES} minutes for the search index: listings and search do "
            "not show them yet.",
            hint="Is the worker running? `ficshelf serve` starts it; or run `ficshelf reindex`.",
            id="ficshelf.W002",
        )
    ]


def register_search_index_checks() -> None:
    register(check_search_index_queue_drained, Tags.database)

"""The search app's part of ``ficshelf check``: changes waiting for the index, and (with
``--deploy``) what ``FICSHELF_SEARCH=per-host-embedded`` does here (ids as in
``core.checks``), registered by the app's ``ready()``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

# A change normally reaches the index within seconds; this long means nobody drains it.
STALE_QUEUE_MINUTES = 10


def check_search_index_queue_drained(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    from django.db import DatabaseError
    from django.utils import timezone

    from ficshelf.search.host_index import per_host_indexes, unapplied_here
    from ficshelf.search.models import IndexQueueEntry

    cutoff = timezone.now() - timedelta(minutes=STALE_QUEUE_MINUTES)
    try:
        # With an index on every host, entries stay until all have them: this host's lag.
        entries = unapplied_here() if per_host_indexes() else IndexQueueEntry.objects.all()
        waiting = entries.filter(queued_at__lt=cutoff).count()
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


def check_per_host_indexes(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """With ``FICSHELF_SEARCH=per-host-embedded``: what it needs, and where this server and
    the others stand."""
    from django.conf import settings
    from django.db import DatabaseError

    from ficshelf.search.backends.embedded import TantivyBackend
    from ficshelf.search.host_index import (
        applied_here,
        host_backend,
        live_hosts,
        per_host_indexes,
    )
    from ficshelf.search.models import IndexHost

    if not per_host_indexes():
        return []
    try:
        backend = host_backend()
    except Exception:  # noqa: BLE001 - any backend that is not the embedded one
        return [
            Error(
                "FICSHELF_SEARCH is per-host-embedded, but the search backend is "
                f"{settings.FICSHELF_SEARCH_BACKEND}: only the embedded index is kept per host.",
                hint="Unset FICSHELF_SEARCH_BACKEND (the embedded index is the default), or "
                "unset FICSHELF_SEARCH to search PostgreSQL from every server.",
                id="ficshelf.E025",
            )
        ]
    assert isinstance(backend, TantivyBackend)
    try:
        state = applied_here()
        live = live_hosts()
        silent = IndexHost.objects.exclude(pk__in=[host.pk for host in live]).count()
    except DatabaseError:  # not migrated yet
        return []
    position = (
        "has not followed the queue yet"
        if state is None
        else (f"has applied the index queue through entry {state.position:,}")
    )
    names = ", ".join(f"{host.host} ({host.data_dir}) at {host.position:,}" for host in live)
    minutes = settings.FICSHELF_SEARCH_HOST_SILENT_MINUTES
    messages: list[CheckMessage] = [
        Info(
            f"Search: this server keeps its own embedded index in {backend.location}, fed "
            "from the index queue in the database by the search indexer `ficshelf serve` "
            f"starts (every {settings.FICSHELF_SEARCH_FOLLOW_MS} ms); it {position}. Hosts "
            f"seen in the last {minutes} minutes: {names or 'none'}. Queue entries are "
            "deleted once all of them have applied them.",
            hint="Each server needs disk and memory for a whole index (about 0.5 GB per "
            "million works) and rebuilds it from the database when it is new or returns "
            f"after more than {minutes} minutes away (FICSHELF_SEARCH_HOST_SILENT_MINUTES).",
            id="ficshelf.I025",
        )
    ]
    if silent:
        messages.append(
            Info(
                f"{silent} search host{'' if silent == 1 else 's'} not seen for more than "
                f"{minutes} minutes no longer hold index-queue entries back; each rebuilds its "
                "index when it returns.",
                hint="A server retired for good needs nothing done: its row no longer counts.",
                id="ficshelf.I026",
            )
        )
    return messages


def register_search_index_checks() -> None:
    register(check_search_index_queue_drained, Tags.database)
    register(check_per_host_indexes, deploy=True)

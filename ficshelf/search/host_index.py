"""Every app server keeps its own embedded index, fed from the shared index queue
(``FICSHELF_SEARCH=per-host-embedded``; decision 0025).

A host is a data folder on a machine (``core.servers.this_server_id``). Its indexer
(``ficshelf search-indexer``, started by every ``ficshelf serve``, ``--no-worker`` ones
too) reads the queue beyond the position its index has applied, a few times a second,
applies what it finds and records the new position in the index folder
(``search.host_position``), then in its ``IndexHost`` row. Queue entries are deleted only
once every host seen lately is past them. A host silent for
``FICSHELF_SEARCH_HOST_SILENT_MINUTES`` stops holding them back; when it returns behind the
deleted entries (``IndexQueueTrim``) it rebuilds its index from the database, as a new host
does.

What kept pages are keyed on stays right per host: each host's index generation is its own
(its folders and commit marks), and the changes a listing counts as not yet in the index
(``search.index_lag``) are those beyond this host's position.
"""

from __future__ import annotations

import contextlib
import datetime
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from ficshelf.core.servers import this_server_id
from ficshelf.search.backends import get_backend
from ficshelf.search.backends.base import SearchUnavailable
from ficshelf.search.backends.embedded import IndexBusy, TantivyBackend
from ficshelf.search.backends.embedded.storage import read_pointer, writer_lock
from ficshelf.search.documents import WorkDocument, all_documents, build_documents
from ficshelf.search.host_position import HostPosition, read_position, write_position
from ficshelf.search.models import IndexHost, IndexQueueEntry, IndexQueueTrim

PER_HOST_EMBEDDED = "per-host-embedded"
FOLLOWER_LOCK = "follower.lock"
# Entries applied in one index commit.
FOLLOW_BATCH = 500
# A host renews its row at least this often, even when the queue is quiet.
BEAT_SECONDS = 30.0
# ``ficshelf reindex`` waits this long for the host's indexer to finish a batch.
REBUILD_WAIT_SECONDS = 60.0

_last_report: dict[str, tuple[int, float]] = {}


def per_host_indexes() -> bool:
    return bool(settings.FICSHELF_SEARCH == PER_HOST_EMBEDDED)


def host_backend() -> TantivyBackend:
    backend = get_backend()
    if not isinstance(backend, TantivyBackend):
        raise SearchUnavailable(
            f"FICSHELF_SEARCH={PER_HOST_EMBEDDED} needs the embedded backend, not "
            f"{settings.FICSHELF_SEARCH_BACKEND}."
        )
    return backend


# Following the queue


def follow_once(*, batch_size: int = FOLLOW_BATCH) -> int:
    """Apply the queue beyond this host's position to its index; how many entries (or
    works, when the index had to be rebuilt). 0 when another process of this host is at it."""
    backend = host_backend()
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(writer_lock(backend.location, wait_seconds=0, name=FOLLOWER_LOCK))
        except IndexBusy:
            return 0  # this host's indexer (or a reindex) is at it: it takes these too
        return _follow(backend, batch_size)


def _follow(backend: TantivyBackend, batch_size: int) -> int:
    location = backend.location
    state = read_position(location)
    pointer = read_pointer(location)
    if (
        state is None
        or pointer is None
        or state.folder != pointer.folder.name
        or state.position < _pruned_through()
    ):
        # New, rebuilt by something else, or back after entries it needed were deleted.
        return _rebuild(backend, all_documents)
    applied = 0
    while True:
        running_since = _oldest_running_transaction()
        limit = batch_size + len(state.applied_above)
        rows = list(
            IndexQueueEntry.objects.filter(pk__gt=state.position)
            .order_by("pk")
            .values_list("pk", "work_id")[:limit]
        )
        noticed_at = _database_now()
        fresh = [work_id for pk, work_id in rows if pk not in state.applied_above]
        if fresh:
            documents, removed = build_documents(sorted(set(fresh)))
            backend.update(documents, removed)
        followed = state.after_reading(
            [pk for pk, _ in rows], noticed_at=noticed_at, running_since=running_since
        )
        if followed != state:
            write_position(location, followed)  # after the index committed
            state = followed
        applied += len(fresh)
        if len(rows) < limit:
            break
    _report(location, state.position)
    return applied


def rebuild_host_index(
    documents: Callable[[], Iterator[WorkDocument]] = all_documents,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild this host's index from the database and start following the queue from
    where the rebuild read it; how many works. Waits for the host's indexer's batch."""
    backend = host_backend()
    with writer_lock(backend.location, wait_seconds=REBUILD_WAIT_SECONDS, name=FOLLOWER_LOCK):
        return _rebuild(backend, documents, on_progress)


def _rebuild(
    backend: TantivyBackend,
    documents: Callable[[], Iterator[WorkDocument]],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    # Hold the entries from the last deleted one on while rebuilding, so none this index
    # needs goes meanwhile.
    with transaction.atomic():
        start = _locked_trim().pruned_through
        _save_row(start)
    # Entries visible now are changes the rebuild reads (it reads the works after them).
    running_since = _oldest_running_transaction()
    visible = list(IndexQueueEntry.objects.filter(pk__gt=start).values_list("pk", flat=True))
    noticed_at = _database_now()
    built = 0
    last_beat = time.monotonic()

    def progress(count: int) -> None:
        nonlocal built, last_beat
        built += count
        if time.monotonic() - last_beat >= BEAT_SECONDS:  # still here, still holding
            IndexHost.objects.filter(host_id=this_server_id()).update(seen_at=timezone.now())
            last_beat = time.monotonic()
        if on_progress is not None:
            on_progress(count)

    backend.rebuild(documents(), on_progress=progress)
    pointer = read_pointer(backend.location)
    assert pointer is not None  # the rebuild just wrote it
    state = HostPosition.starting_at(pointer.folder.name, start).after_reading(
        visible, noticed_at=noticed_at, running_since=running_since
    )
    write_position(backend.location, state)
    _report(backend.location, state.position, force=True)
    return built


# What readers of this host ask


def applied_here() -> HostPosition | None:
    """This host's index state, as its last drain left it (None before its first)."""
    return read_position(host_backend().location)


def pending_here(limit: int) -> set[int]:
    """Works changed beyond this host's position (hits and listing marks left out), the
    most recently changed first, at most ``limit``: what ``search.index_lag`` asks the
    database about."""
    state = applied_here()
    position = state.position if state is not None else 0
    above = state.applied_above if state is not None else frozenset()
    rows = (
        IndexQueueEntry.objects.filter(pk__gt=position, counters_only=False)
        .exclude(work_id=0)  # ``queue.NO_WORK``: marks no work
        .order_by("-pk")
        .values_list("pk", "work_id")
    )
    found: set[int] = set()
    # A plain fetch: asked on every listing, and on PostgreSQL ``iterator()`` opens a
    # server-side cursor (three round trips) even when the queue is empty.
    for pk, work_id in rows[: limit * 4 + len(above)]:
        if pk in above:
            continue
        found.add(work_id)
        if len(found) >= limit:
            break
    return found


def unapplied_here() -> QuerySet[IndexQueueEntry]:
    """Queue entries this host's index has not applied yet (those past a gap included)."""
    state = applied_here()
    return IndexQueueEntry.objects.filter(pk__gt=state.position if state is not None else 0)


def live_hosts() -> list[IndexHost]:
    return list(IndexHost.objects.filter(seen_at__gte=_silent_since()).order_by("host"))


# Rows, pruning, clocks


def _report(location: Path, position: int, *, force: bool = False) -> None:
    """Renew this host's row when its position moved or a beat is due, then delete the
    entries every live host has applied."""
    key = str(location)
    last = _last_report.get(key)
    now = time.monotonic()
    if not force and last is not None and last[0] == position and now - last[1] < BEAT_SECONDS:
        return
    _save_row(position)
    prune_queue()
    _last_report[key] = (position, now)


def _save_row(position: int) -> None:
    IndexHost.objects.update_or_create(
        host_id=this_server_id(),
        defaults={
            "host": socket.gethostname()[:255],
            "data_dir": str(settings.DATA_DIR),
            "position": position,
            "seen_at": timezone.now(),
        },
    )


def prune_queue() -> int:
    """Delete the entries every host seen lately has applied; how many."""
    with transaction.atomic():
        trim = _locked_trim()
        horizon = IndexHost.objects.filter(seen_at__gte=_silent_since()).aggregate(
            lowest=Min("position")
        )["lowest"]
        if horizon is None or horizon <= trim.pruned_through:
            return 0
        deleted, _ = IndexQueueEntry.objects.filter(pk__lte=horizon).delete()
        trim.pruned_through = horizon
        trim.save(update_fields=["pruned_through"])
        return deleted


def _locked_trim() -> IndexQueueTrim:
    trim, _ = IndexQueueTrim.objects.select_for_update().get_or_create(pk=1)
    return trim


def _pruned_through() -> int:
    trim = IndexQueueTrim.objects.filter(pk=1).values_list("pruned_through", flat=True).first()
    return int(trim or 0)


def _silent_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.FICSHELF_SEARCH_HOST_SILENT_MINUTES)


def _oldest_running_transaction() -> float:
    """When the oldest transaction of another connection still running began (the database's
    clock): a queue id not visible yet may belong to it. On SQLite writers take turns, so an
    id below a visible one is never still to come (+inf: every gap is given up at once)."""
    if connection.vendor != "postgresql":
        return float("inf")
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL answers from the statistics it read first.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT extract(epoch FROM coalesce(min(xact_start), clock_timestamp())) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        row = cursor.fetchone()
    return float(row[0])


def _database_now() -> float:
    if connection.vendor != "postgresql":
        return time.time()
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM clock_timestamp())")
        row = cursor.fetchone()
    return float(row[0])

"""The index queue: which works need their search documents rebuilt."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction

from ficshelf.search.backends import get_backend
from ficshelf.search.documents import build_documents
from ficshelf.search.host_index import follow_once, pending_here, per_host_indexes
from ficshelf.search.models import IndexQueueEntry
from ficshelf.search.page_versions import move_every_work_page, move_work_pages

if TYPE_CHECKING:
    from django_tasks.base import Task

DRAIN_BATCH = 500
# The work id of a queue entry that reindexes nothing: it only moves the newest entry, which
# kept listing pages are keyed on (``mark_listings_changed``). No work has id 0, so the
# drain removes it from the index like a deleted work: the index commits, and its
# generation moves on before the entry goes (the key never falls back to an older one).
NO_WORK = 0


def enqueue_works(work_ids: Iterable[int], *, counters_only: bool = False) -> None:
    """Queue works for reindexing, in the caller's transaction. ``counters_only`` (hits)
    leaves them for the periodic drain (``IndexQueueEntry.counters_only`` says why)."""
    entries = [
        IndexQueueEntry(work_id=work_id, counters_only=counters_only)
        for work_id in set(work_ids)
        if work_id
    ]
    if entries:
        IndexQueueEntry.objects.bulk_create(entries)
        if not counters_only:
            # What their pages show changed too (hits aside: kept pages show them late).
            move_work_pages(entry.work_id for entry in entries)
            transaction.on_commit(schedule_drain)


def mark_listings_changed() -> None:
    """In the caller's transaction: a change no work's document holds, that kept listing
    pages must not outlive all the same (a member suspended: their works listing is gone)."""
    IndexQueueEntry.objects.create(work_id=NO_WORK)
    move_every_work_page()  # a kept work page must not outlive it either
    transaction.on_commit(schedule_drain)  # the drain clears the entry with the others


def pending_work_ids(limit: int) -> set[int]:
    """Works changed since the index last took them in, the most recently changed first, at
    most ``limit``: what the index says of these may be out of date (``search.index_lag``).
    Hits are left out: they change only a count. With an index on every host, the works
    beyond this host's position."""
    if per_host_indexes():
        return pending_here(limit)
    rows = (
        IndexQueueEntry.objects.filter(counters_only=False)
        .exclude(work_id=NO_WORK)
        .order_by("-pk")
        .values_list("work_id", flat=True)
    )
    found: set[int] = set()
    # Each work may have several rows: read a few times the limit, then stop at it.
    for work_id in rows[: limit * 4].iterator():
        found.add(work_id)
        if len(found) >= limit:
            break
    return found


def newest_queue_entry() -> int:
    """The id of the newest queued change a listing page must not be kept past (0 when
    none). It moves with every committed change but a hit, before the index does; rows are
    deleted only after the index has committed them, so it falls back only once the index
    generation has moved on."""
    # Asked on every listing request: plain SQL, a third of the ORM's cost to build. The
    # table's name is the model's own, quoted; the value is a parameter.
    table = connection.ops.quote_name(IndexQueueEntry._meta.db_table)
    sql = f"SELECT MAX(id) FROM {table} WHERE counters_only = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [False])
        row = cursor.fetchone()
    return int(row[0] or 0)


def schedule_drain() -> None:
    """Ask a worker to drain the queue soon, after the change committed (so the worker reads
    it), unless a drain already waits to start: that one reads this change too.

    "A drain waits" is a row of the task table, in the database every server shares: a
    change made on a server without a worker reaches the worker wherever it runs, and no
    server's cache can hold a stale "pending" mark that swallows the next change's drain. A
    drain counts as waiting until a worker claims it; it reads the queue only after its
    claim commits, so a change that saw it waiting is always read. Two changes committing at
    the same moment may both queue one (a second drain finds little to do); a burst of
    changes while one waits queues none.
    """
    from ficshelf.search.tasks import drain_index_queue as drain_task

    if per_host_indexes():
        return  # every host's indexer reads the queue a few times a second
    if drain_waiting(drain_task):
        return
    drain_task.enqueue()


def drain_waiting(drain_task: Task[[], int]) -> bool:
    """Whether a drain is queued and not yet started. Backends that keep no table (tests run
    tasks at once) have none waiting."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = drain_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.ready().filter(
        task_path=drain_task.module_path,
        backend_name=backend.alias,
        queue_name=drain_task.queue_name,
    )
    return waiting.exists()


def drain_index_queue(batch_size: int = DRAIN_BATCH) -> int:
    """Reindex queued works, a batch at a time, until the queue is empty; returns how many.

    A failed batch stays on the queue, so nothing is lost when the backend is down. With an
    index on every host, this host's index follows the queue instead (entries stay until
    every host has applied them).
    """
    if per_host_indexes():
        return follow_once(batch_size=batch_size)
    done = 0
    backend = get_backend()
    while True:
        entries = list(IndexQueueEntry.objects.order_by("pk")[:batch_size])
        if not entries:
            return done
        work_ids = sorted({entry.work_id for entry in entries})
        # Read the works after reading the rows and delete the rows only once the index
        # has them: a change committed meanwhile has a row of its own (a newer id, not
        # deleted here) and gets the next drain. If building or updating fails, the rows
        # stay for the next drain.
        documents, removed = build_documents(work_ids)
        backend.update(documents, removed)
        IndexQueueEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
        done += len(work_ids)

"""The versions kept work pages are checked against (``WorkPageChange``).

A work's version is the number of committed changes to what its page shows: each change
adds a row in its own transaction, with its index queue entry
(``search.queue.enqueue_works``), so a kept copy of the page is never served after the
change commits. ``EVERY_WORK`` (0, no work's id) counts what many works' pages show besides
their own work and name none of them: a suspended or renamed member, a renamed tag or
language (``search.signals``; a series' or collection's title moves its own works).

Versions only grow: a kept copy records the versions it was rendered at and is served only
while every one of them is the same. Rows are only added (never updated, so writers never
wait on each other's row locks) and folded now and then into one row per work with the
same sum (``fold_work_page_changes``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, QuerySet

from ficshelf.search.models import WorkPageChange

EVERY_WORK = 0


def move_work_pages(work_ids: Iterable[int]) -> None:
    """In the caller's transaction: the pages of these works changed."""
    ids = sorted({int(work_id) for work_id in work_ids})
    if ids:
        WorkPageChange.objects.bulk_create([WorkPageChange(work_id=work_id) for work_id in ids])


def move_every_work_page() -> None:
    """In the caller's transaction: something many works' pages show changed."""
    move_work_pages([EVERY_WORK])


def versions_with_named(work_id: int, named: QuerySet[Any, int]) -> dict[int, int]:
    """``versions_of`` the work, ``EVERY_WORK`` and the works ``named`` selects (a query of
    work ids, whatever other app says which), in one query: each of them, also one never
    changed, so that a kept copy checks it again when it first changes."""
    table = connection.ops.quote_name(WorkPageChange._meta.db_table)
    named_sql, named_params = named.query.sql_with_params()
    # ``named_sql`` is a SELECT (or a compound one) of one column, as Django wrote it for
    # this database; the rest is ours.
    sql = (
        f"SELECT ids.id, (SELECT COALESCE(SUM(c.weight), 0) FROM {table} AS c "  # noqa: S608
        f"WHERE c.work_id = ids.id) "
        f"FROM (SELECT %s AS id UNION SELECT %s UNION {named_sql}) AS ids"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [work_id, EVERY_WORK, *named_params])
        return {int(found): int(version) for found, version in cursor.fetchall()}


def versions_of(work_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each work named (0 for one never changed), ``EVERY_WORK``'s
    included."""
    ids = sorted({int(work_id) for work_id in work_ids} | {EVERY_WORK})
    # Asked each time a kept copy is served: plain SQL, a fraction of the ORM's cost to
    # build (as ``search.queue.newest_queue_entry``). The table's name is the model's own.
    table = connection.ops.quote_name(WorkPageChange._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT work_id, SUM(weight) FROM {table} "  # noqa: S608
        f"WHERE work_id IN ({placeholders}) GROUP BY work_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        found = {int(work_id): int(version) for work_id, version in cursor.fetchall()}
    return {work_id: found.get(work_id, 0) for work_id in ids}


def versions_for_blurbs(work_ids: Sequence[int]) -> tuple[dict[int, int], int]:
    """The versions of ``work_ids`` and the shared one, as ``works.kept_blurbs`` keys blurbs
    on them (registered with it when this app is ready)."""
    versions = versions_of(work_ids)
    return versions, versions[EVERY_WORK]


def fold_work_page_changes() -> int:
    """Fold each work's rows into one row of the same sum; returns how many rows went.

    Only rows up to the newest one seen at the start are folded: a change committing
    meanwhile keeps its own row, and adds its one to the sum as before. The rows summed are
    those the DELETE returns (never a second read, which a late commit could change), and
    they go and their sums come in one transaction: no reader ever sees a sum other than
    one the committed changes made."""
    newest = WorkPageChange.objects.aggregate(newest=Max("pk"))["newest"]
    if newest is None:
        return 0
    table = connection.ops.quote_name(WorkPageChange._meta.db_table)
    totals: Counter[int] = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE ... RETURNING: PostgreSQL, and SQLite from 3.35.
        cursor.execute(
            f"DELETE FROM {table} WHERE id <= %s RETURNING work_id, weight",  # noqa: S608
            [newest],
        )
        rows = cursor.fetchall()
        for work_id, weight in rows:
            totals[int(work_id)] += int(weight)
        WorkPageChange.objects.bulk_create(
            [WorkPageChange(work_id=work_id, weight=total) for work_id, total in totals.items()]
        )
    return len(rows) - len(totals)

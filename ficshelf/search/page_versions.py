"""The versions kept work pages are checked against (``WorkPageVersion``).

A work's version moves in the transaction of the change, with its index queue entry
(``search.queue.enqueue_works``), so a kept copy of its page is never served after the
change commits. ``EVERY_WORK`` (0, no work's id) stands for what many works' pages show
besides their own work: a suspended member, a renamed tag, series, collection or language.

Versions only grow, and each change moves a version by one: a kept copy records the
versions it was rendered at, and is served only while every one of them is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from ficshelf.search.models import WorkPageVersion

EVERY_WORK = 0


def move_work_pages(work_ids: Iterable[int]) -> None:
    """In the caller's transaction: the pages of these works changed.

    One statement, the works in ascending order: two transactions moving the same works
    take their rows' locks in the same order on PostgreSQL (no deadlock between them)."""
    ids = sorted({int(work_id) for work_id in work_ids})
    if not ids:
        return
    table = connection.ops.quote_name(WorkPageVersion._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(ids))
    # INSERT ... ON CONFLICT DO UPDATE reads the same on SQLite (3.24+) and PostgreSQL.
    sql = (
        f"INSERT INTO {table} (work_id, version) VALUES {rows} "  # noqa: S608 (names ours)
        f"ON CONFLICT (work_id) DO UPDATE SET version = {table}.version + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)


def move_every_work_page() -> None:
    """In the caller's transaction: something many works' pages show changed."""
    move_work_pages([EVERY_WORK])


def versions_with_named(work_id: int, named: QuerySet[Any, int]) -> dict[int, int]:
    """``versions_of`` the work, ``EVERY_WORK`` and the works ``named`` selects (a query of
    work ids, whatever other app says which), in one query: each of them, also one never
    changed, so that a kept copy checks it again when it first changes."""
    table = connection.ops.quote_name(WorkPageVersion._meta.db_table)
    named_sql, named_params = named.query.sql_with_params()
    # ``named_sql`` is a SELECT (or a compound one) of one column, as Django wrote it for
    # this database; the rest is ours.
    sql = (
        f"SELECT ids.id, COALESCE(v.version, 0) FROM "  # noqa: S608
        f"(SELECT %s AS id UNION SELECT %s UNION {named_sql}) AS ids "
        f"LEFT JOIN {table} AS v ON v.work_id = ids.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [work_id, EVERY_WORK, *named_params])
        return {int(found): int(version) for found, version in cursor.fetchall()}


def versions_of(work_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each work named (0 for one never changed), ``EVERY_WORK``'s
    included."""
    ids = {int(work_id) for work_id in work_ids} | {EVERY_WORK}
    found = dict(WorkPageVersion.objects.filter(work_id__in=ids).values_list("work_id", "version"))
    return {work_id: found.get(work_id, 0) for work_id in sorted(ids)}

"""The archive's tables as a backup, a restore and a move see them: which hold the archive
(and which only what can be made again), in an order that respects their foreign keys,
their row counts, and a digest of their contents that two databases of different kinds
compute alike.

The digest is how a move or a restore proves nothing was lost or changed: every row of a
table, read through Django (so both backends give the same Python values), normalised
and hashed. Rows are summed as numbers, not hashed in order, so the result does not
depend on how each database orders text keys.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db import connections, models

# Made again by the archive when missing: the files the worker made (PDFs, bulk zips), the
# PostgreSQL search backend's word chunks (``ficshelf reindex``), and where each server's
# own search index stands in the queue (``search.host_index``: the indexes are not in a
# backup, so a restored archive's servers rebuild theirs and start again from nothing).
REBUILDABLE_TABLES = frozenset(
    {
        "downloads_madefile",
        "downloads_madefilechunk",
        "search_worktextchunk",
        "search_indexhost",
        "search_indexqueuetrim",
    }
)
DIGEST_MODULUS = 2**256


def archive_models() -> list[type[models.Model]]:
    """Every model whose rows are the archive, many-to-many tables included, parents
    before the tables that point at them. Tables that point at each other (or at
    themselves) come together, in one ``model_groups`` entry, so a copy can load them in one
    transaction."""
    return [model for group in model_groups() for model in group]


def model_groups() -> list[list[type[models.Model]]]:
    """``archive_models`` in groups that must be loaded together: each group only points
    at itself and at groups before it."""
    by_table = {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table not in REBUILDABLE_TABLES
    }
    points_at = {
        table: sorted(
            {
                field.related_model._meta.db_table
                for field in model._meta.concrete_fields
                if field.is_relation
                and field.related_model is not None
                and not isinstance(field.related_model, str)
                and field.related_model._meta.db_table in by_table
            }
        )
        for table, model in by_table.items()
    }
    return [[by_table[table] for table in group] for group in _components_in_order(points_at)]


def _components_in_order(points_at: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: each comes after every component it points
    at (Tarjan finds them in exactly that order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(table: str) -> None:
        index[table] = low[table] = len(index)
        stack.append(table)
        on_stack.add(table)
        for target in points_at[table]:
            if target not in index:
                visit(target)
                low[table] = min(low[table], low[target])
            elif target in on_stack:
                low[table] = min(low[table], index[target])
        if low[table] == index[table]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == table:
                    break
            found.append(sorted(group))

    for table in sorted(points_at):
        if table not in index:
            visit(table)
    return found


def row_counts(using: str = "default") -> dict[str, int]:
    counts = {}
    with connections[using].cursor() as cursor:
        for model in archive_models():
            table = connections[using].ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a model's table)
            counts[model._meta.db_table] = cursor.fetchone()[0]
    return counts


def table_digest(
    model: type[models.Model], using: str, on_rows: Callable[[int], None] | None = None
) -> str:
    """A hex digest of every row of ``model``'s table, the same for the same rows on SQLite
    and on PostgreSQL."""
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model._base_manager.using(using).values_list(*names).order_by()
    total = 0
    pending = 0
    for row in rows.iterator(chunk_size=5000):
        text = "\x1f".join(_normal(value) for value in row).encode()
        total = (total + int.from_bytes(hashlib.sha256(text).digest(), "big")) % DIGEST_MODULUS
        pending += 1
        if on_rows is not None and pending == 5000:
            on_rows(pending)
            pending = 0
    if on_rows is not None and pending:
        on_rows(pending)
    return f"{total:064x}"


def digests(
    chosen: Iterable[type[models.Model]], using: str, on_rows: Callable[[int], None] | None = None
) -> dict[str, str]:
    return {model._meta.db_table: table_digest(model, using, on_rows) for model in chosen}


def _normal(value: Any) -> str:
    """One value as text that both backends give alike (a JSON object's keys come back
    reordered from PostgreSQL; binary comes back as memoryview)."""
    if value is None:
        return "\x00"
    if isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return repr(value.total_seconds())
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return json.dumps(value, sort_keys=True, default=str)

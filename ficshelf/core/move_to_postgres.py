"""``ficshelf move-to-postgres``: an SQLite archive copied onto an empty PostgreSQL database.

Rows are copied as rows (PostgreSQL's COPY), never through models: saving a model fires
the signals that keep counts (kudos, hits, comments) and queue reindexing, and a copy made
that way counts everything twice. So:

1. the target is migrated to the source's schema, then emptied of the rows the migrations
   themselves made (content types, permissions, languages...), so every row, with its id,
   comes from the source;
2. the target's foreign keys and secondary indexes are set aside, tables are copied
   parents first, in batches (tables that point at themselves in one transaction), then
   the indexes are built and the foreign keys added back, each checked in one pass over
   its table (as pg_restore does), so a row that lost its parent stops the move;
3. sequences are moved past the largest ids;
4. every table's row count and contents are compared (``archive_tables.table_digest``);
5. the search index is rebuilt from the target (``ficshelf reindex`` with the target as
   its database).

The whole copy reads the source in one read transaction: what it copies is one moment of
the archive, and the comparison reads the same moment.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from tqdm import tqdm

from ficshelf.core.archive_tables import archive_models, model_groups, table_digest
from ficshelf.core.backup import progress_stream
from ficshelf.core.backup_format import BackupProblem
from ficshelf.core.postgres_tools import user_tables

TARGET = "move_target"
BATCH_ROWS = 5000


class MoveProblem(BackupProblem):
    pass


@dataclass
class Moved:
    tables: int
    rows: int
    seconds: dict[str, float] = field(default_factory=dict)


def move_to_postgres(
    url: str,
    *,
    show_progress: bool = True,
    search_backend: str | None = None,
    reindex: bool = True,
    say: Callable[[str], None] = print,
) -> Moved:
    source = connections["default"]
    if source.vendor != "sqlite":
        raise MoveProblem(
            "This archive's database is not SQLite (DATABASE_URL is set): there is nothing "
            "to move. To copy a PostgreSQL archive, use `ficshelf backup` and `ficshelf "
            "restore`."
        )
    target_settings = _target_settings(url)
    _check_source_migrated()
    # Django fills in the defaults of a database's settings only beside a "default" one.
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), TARGET: target_settings}
    )
    connections.settings[TARGET] = configured[TARGET]
    try:
        return _move(url, show_progress, search_backend, reindex, say)
    finally:
        with contextlib.suppress(Exception):
            connections[TARGET].close()
        with contextlib.suppress(Exception):
            del connections[TARGET]
        connections.settings.pop(TARGET, None)


def _target_settings(url: str) -> dict[str, Any]:
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as problem:
        raise MoveProblem(f"{url!r} is not a database URL ({problem}).") from None
    if "postgresql" not in str(parsed.get("ENGINE", "")):
        raise MoveProblem(
            f"{_without_password(url)} is not a PostgreSQL database: give "
            "postgres://USER:PASSWORD@HOST:PORT/DATABASE."
        )
    if not parsed.get("NAME"):
        raise MoveProblem("The URL names no database: give postgres://USER@HOST/DATABASE.")
    return parsed


def _without_password(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, place = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{place}"
    return url


def _check_source_migrated() -> None:
    executor = MigrationExecutor(connections["default"])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise MoveProblem(
            "This archive's database is not up to date with this version of Ficshelf: run "
            "`ficshelf migrate` (or start it once with `ficshelf serve`) and move again."
        )


def _move(
    url: str,
    show: bool,
    search_backend: str | None,
    reindex: bool,
    say: Callable[[str], None],
) -> Moved:
    where = _without_password(url)
    target = connections[TARGET]
    try:
        # Connected here, not on first use: a wrong address or password is said at once.
        with target.wrap_database_errors:
            target.connect()
        tables = user_tables(TARGET)
    except DatabaseError as error:
        raise MoveProblem(f"Could not connect to {where}: {_first_line(error)}") from None
    if tables:
        raise MoveProblem(
            f"The database {where} is not empty (it has {len(tables)} tables): move into "
            "a new, empty database (createdb). Nothing was changed."
        )
    say(f"Creating the tables in {where}...")
    try:
        return _fill(url, show, search_backend, reindex, say)
    except (DatabaseError, MoveProblem) as problem:
        raise MoveProblem(
            f"{_first_line(problem)}\nThe database {where} now holds part of the archive: "
            "drop it and create it again (dropdb, createdb) before moving again. This "
            "archive was not changed."
        ) from None


def _first_line(problem: BaseException) -> str:
    text = str(problem).strip()
    return text.splitlines()[0] if text else type(problem).__name__


def _fill(
    url: str,
    show: bool,
    search_backend: str | None,
    reindex: bool,
    say: Callable[[str], None],
) -> Moved:
    moved = Moved(tables=0, rows=0)
    clock = time.monotonic()
    _migrate_target(url)
    _empty_target()
    moved.seconds["create tables"] = time.monotonic() - clock
    source = connections["default"]
    source.ensure_connection()
    raw_source: Any = source.connection
    # One read transaction: the copy and the comparison see the same moment.
    raw_source.execute("BEGIN")
    try:
        counts = _source_counts(raw_source)
        total = sum(counts.values())
        clock = time.monotonic()
        rebuild = _set_aside_indexes_and_foreign_keys()
        with _bar(total, "Copying rows", show) as bar:
            for group in model_groups():
                _copy_group(group, raw_source, bar)
        moved.seconds["copy"] = time.monotonic() - clock
        clock = time.monotonic()
        _rebuild(rebuild, show)
        moved.seconds["indexes and keys"] = time.monotonic() - clock
        _reset_sequences()
        clock = time.monotonic()
        _verify(counts, show, say)
        moved.seconds["verify"] = time.monotonic() - clock
    finally:
        with contextlib.suppress(Exception):
            raw_source.execute("ROLLBACK")
    moved.tables, moved.rows = len(counts), total
    if reindex:
        clock = time.monotonic()
        _reindex_target(url, search_backend, show)
        moved.seconds["reindex"] = time.monotonic() - clock
    return moved


def _migrate_target(url: str) -> None:
    """``ficshelf migrate`` in a process whose database is the target: the project's data
    migrations use the default database, so run here they would read and write this
    archive instead."""
    finished = subprocess.run(
        [sys.executable, "-m", "ficshelf", "migrate", "--no-input", "-v", "0"],
        env=_target_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise MoveProblem(
            f"Creating the tables failed: {lines[-1] if lines else finished.returncode}"
        )


def _target_environment(url: str, search_backend: str | None = None) -> dict[str, str]:
    environment = dict(os.environ, DATABASE_URL=url)
    environment["FICSHELF_DATA_DIR"] = str(settings.DATA_DIR)
    environment["FICSHELF_SEARCH_BACKEND"] = search_backend or settings.FICSHELF_SEARCH_BACKEND
    return environment


def _empty_target() -> None:
    target = connections[TARGET]
    names = ", ".join(target.ops.quote_name(model._meta.db_table) for model in archive_models())
    with target.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def _set_aside_indexes_and_foreign_keys() -> list[str]:
    """Drop the target's foreign keys and secondary indexes before the copy, as pg_restore
    does, and return the statements that make them again: a row checked against its
    parent one by one (and locking it) costs many times what one pass over the finished
    table does. Primary keys and unique constraints stay."""
    with connections[TARGET].cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2"
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1"
        )
        indexes = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in keys
    ]


def _rebuild(statements: list[str], show: bool) -> None:
    with (
        tqdm(
            statements,
            unit="",
            desc="Indexes and foreign keys",
            disable=not show,
            file=progress_stream(),
        ) as bar,
        connections[TARGET].cursor() as cursor,
    ):
        for statement in bar:
            cursor.execute(statement)
        cursor.execute("ANALYZE")


def _source_counts(raw_source: Any) -> dict[str, int]:
    return {
        model._meta.db_table: raw_source.execute(
            f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 (a model's table)
        ).fetchone()[0]
        for model in archive_models()
    }


@contextlib.contextmanager
def _bar(total: int, label: str, show: bool) -> Iterator[Any]:
    with tqdm(
        total=total,
        unit="row",
        unit_scale=True,
        desc=label,
        disable=not show,
        file=progress_stream(),
    ) as bar:
        yield bar


def _copy_group(group: list[type[models.Model]], raw_source: Any, bar: Any) -> None:
    """Copy a group of tables; a table that points at itself in one transaction (its
    deferred foreign keys are checked at the end), others a batch per transaction."""
    whole = len(group) > 1 or _points_at_itself(group[0])
    target = connections[TARGET]
    if whole:
        with transaction.atomic(using=TARGET):
            for model in group:
                _copy_table(model, raw_source, bar, target, per_batch=False)
    else:
        _copy_table(group[0], raw_source, bar, target, per_batch=True)


def _points_at_itself(model: type[models.Model]) -> bool:
    return any(
        field.is_relation and field.related_model is model for field in model._meta.concrete_fields
    )


def _copy_table(
    model: type[models.Model], raw_source: Any, bar: Any, target: Any, *, per_batch: bool
) -> None:
    table = model._meta.db_table
    bar.set_description(f"Copying {table}")
    fields = list(model._meta.concrete_fields)
    columns = [field.column for field in fields]
    convert = [_converter(field) for field in fields]
    listed = ", ".join(f'"{column}"' for column in columns)
    order = f'"{model._meta.pk.column}"' if model._meta.pk else "rowid"
    rows = raw_source.execute(
        f'SELECT {listed} FROM "{table}" ORDER BY {order}'  # noqa: S608 (a model's table)
    )
    copy_sql = f"COPY {target.ops.quote_name(table)} ({listed}) FROM STDIN"
    while batch := rows.fetchmany(BATCH_ROWS):
        with transaction.atomic(using=TARGET) if per_batch else contextlib.nullcontext():
            target.ensure_connection()
            with target.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in batch:
                    copy.write_row(
                        [
                            c(value) if c is not None else value
                            for c, value in zip(convert, row, strict=True)
                        ]
                    )
        bar.update(len(batch))


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How an SQLite value must change for PostgreSQL's COPY: SQLite keeps a duration as
    microseconds and a boolean as 0/1; the rest (text timestamps in UTC, JSON text,
    blobs) PostgreSQL reads as they are."""
    kind = field.get_internal_type()
    if kind == "DurationField":
        import datetime

        return lambda value: None if value is None else datetime.timedelta(microseconds=value)
    if kind == "BooleanField":
        return lambda value: None if value is None else bool(value)
    return None


def _reset_sequences() -> None:
    target = connections[TARGET]
    statements = target.ops.sequence_reset_sql(no_style(), archive_models())
    with target.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _verify(counts: dict[str, int], show: bool, say: Callable[[str], None]) -> None:
    """Row counts of every table, then the contents of every table, on both sides."""
    target_counts = {}
    with connections[TARGET].cursor() as cursor:
        for table in counts:
            cursor.execute(f"SELECT COUNT(*) FROM {connections[TARGET].ops.quote_name(table)}")  # noqa: S608
            target_counts[table] = cursor.fetchone()[0]
    wrong = [
        f"{table}: {counts[table]:,} rows in SQLite, {target_counts[table]:,} in PostgreSQL"
        for table in counts
        if counts[table] != target_counts[table]
    ]
    if wrong:
        raise MoveProblem("The copy is incomplete: " + "; ".join(wrong))
    different = []
    with _bar(2 * sum(counts.values()), "Comparing", show) as bar:
        for model in archive_models():
            bar.set_description(f"Comparing {model._meta.db_table}")
            here = table_digest(model, "default", bar.update)
            there = table_digest(model, TARGET, bar.update)
            if here != there:
                different.append(model._meta.db_table)
    if different:
        raise MoveProblem(
            "The copy differs from the archive in these tables: " + ", ".join(different)
        )
    say(f"Checked: {len(counts)} tables, the same rows and contents on both sides.")


def _reindex_target(url: str, search_backend: str | None, show: bool) -> None:
    """``ficshelf reindex`` in a process whose database is the target, so the index is
    built by the backend and from the database the archive will run with."""
    environment = _target_environment(url, search_backend)
    command = [sys.executable, "-m", "ficshelf", "reindex"]
    if not show:
        command.append("--quiet")
    finished = subprocess.run(command, env=environment, check=False)
    if finished.returncode != 0:
        raise MoveProblem(
            "Every row was moved and checked, but the search index could not be rebuilt; "
            f"run `DATABASE_URL=... ficshelf reindex` again (exit status {finished.returncode})."
        )

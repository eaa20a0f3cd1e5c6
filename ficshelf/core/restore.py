"""``ficshelf restore``: a backup put back into an empty data folder or an empty database.

Everything that can be checked is checked before anything is written: the manifest, that
this version of Ficshelf knows every migration the backup has, that the database is of the
backup's kind and empty, that the data folder has none of the archive's own files, and the
checksum of every member. The SQLite database is unpacked under a temporary name and takes
its place only once its checksum and row counts match; PostgreSQL's is loaded by
``pg_restore`` in one transaction, so a failure leaves the database as empty as it was.
Then newer migrations are applied, the cache is emptied and the search index rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from tqdm import tqdm

from ficshelf.core.archive_tables import row_counts
from ficshelf.core.backup import data_files, progress_stream
from ficshelf.core.backup_format import (
    FILES_PREFIX,
    READ_SIZE,
    BackupProblem,
    HashingReader,
    Manifest,
    open_backup,
)
from ficshelf.core.postgres_tools import ToolMissing, find_tool, tool_arguments, user_tables

KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Restored:
    manifest: Manifest
    seconds: float
    migrated: bool


def restore_backup(path: str, *, show_progress: bool = True, reindex: bool = True) -> Restored:
    started = time.monotonic()
    archive, manifest = open_backup(path)
    with archive:
        _check_kind(manifest, path)
        _check_migrations_known(manifest, path)
        members = _check_members(archive, manifest, path)
        _check_empty(Path(path))
        files = _read_files(archive, members, manifest, path)
        if manifest.database_kind == "sqlite":
            _restore_sqlite(archive, members[manifest.database_member], manifest, show_progress)
        else:
            _restore_postgres(archive, members[manifest.database_member], manifest, show_progress)
    _write_files(files)
    migrated = _migrate_forward()
    cache.clear()  # nothing kept from before belongs to this archive
    if reindex:
        call_command("reindex", quiet=not show_progress)
    return Restored(manifest, time.monotonic() - started, migrated)


def _check_kind(manifest: Manifest, path: str) -> None:
    here = connection.vendor
    if manifest.database_kind == here:
        return
    theirs, ours = KINDS[manifest.database_kind], KINDS.get(here, here)
    advice = (
        "Restore it into an SQLite data folder (without DATABASE_URL), then move that to "
        "PostgreSQL with `ficshelf move-to-postgres DATABASE_URL`."
        if manifest.database_kind == "sqlite"
        else "Set DATABASE_URL to an empty PostgreSQL database to restore it."
    )
    raise BackupProblem(
        f"{path} is a backup of a {theirs} archive, but this one uses {ours}. {advice}"
    )


def _check_migrations_known(manifest: Manifest, path: str) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.migrations.items()
        for name in names
        if (app, name) not in loader.disk_migrations
    ]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise BackupProblem(
            f"{path} was made by a newer version of Ficshelf (it has migrations this one "
            f"does not know: {shown}). Install that version or newer, then restore."
        )


def _check_members(
    archive: tarfile.TarFile, manifest: Manifest, path: str
) -> dict[str, tarfile.TarInfo]:
    if manifest.database_member not in manifest.members:
        raise BackupProblem(f"{path} has a damaged manifest (it lists no database).")
    try:
        found = {member.name: member for member in archive.getmembers()}
    except (tarfile.TarError, OSError, EOFError) as problem:
        raise BackupProblem(f"{path} is damaged ({problem}).") from None
    for name, expected in manifest.members.items():
        member = found.get(name)
        if member is None or not member.isfile():
            raise BackupProblem(f"{path} is damaged or incomplete: {name} is missing.")
        if member.size != expected["size"]:
            raise BackupProblem(
                f"{path} is damaged: {name} is {member.size:,} bytes, its manifest says "
                f"{expected['size']:,}."
            )
        if name != manifest.database_member and not name.startswith(FILES_PREFIX):
            raise BackupProblem(f"{path} holds an unexpected member {name}.")
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise BackupProblem(f"{path} holds a member outside the data folder: {name}.")
    return found


def _check_empty(backup_file: Path) -> None:
    """Refuse to restore over an archive: the database must have no tables and the data
    folder none of the files a backup holds (a new folder's secret key excepted: the
    backup's replaces it)."""
    if connection.vendor == "sqlite":
        database = Path(str(connection.settings_dict["NAME"]))
        if _sqlite_tables(database):
            raise BackupProblem(
                f"The database {database} already holds an archive: restore into an empty "
                "data folder (set FICSHELF_DATA_DIR to a new folder). Nothing was changed."
            )
    else:
        tables = user_tables("default")
        if tables:
            name = connection.settings_dict["NAME"]
            raise BackupProblem(
                f"The database {name} is not empty (it has {len(tables)} tables): restore "
                "into a new, empty database (createdb). Nothing was changed."
            )
    own = [
        path
        for path, name in data_files(exclude={backup_file.absolute()})
        if name != f"{FILES_PREFIX}secret_key"
    ]
    if own:
        raise BackupProblem(
            f"The data folder {settings.DATA_DIR} is not empty (it holds {own[0]}): restore "
            "into a new data folder. Nothing was changed."
        )


def _sqlite_tables(database: Path) -> list[str]:
    if not database.exists() or database.stat().st_size == 0:
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
            return [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    except sqlite3.Error:
        return ["(unreadable)"]  # not ours to overwrite either


def _read_files(
    archive: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: Manifest,
    path: str,
) -> dict[str, bytes]:
    """The data folder's files, checked against their checksums (they are small)."""
    files = {}
    for name, expected in manifest.members.items():
        if not name.startswith(FILES_PREFIX):
            continue
        stream = archive.extractfile(members[name])
        data = stream.read() if stream is not None else b""
        if hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise _tampered(path, name)
        files[name.removeprefix(FILES_PREFIX)] = data
    return files


def _tampered(path: str, name: str) -> BackupProblem:
    return BackupProblem(
        f"{path} is damaged: the checksum of {name} does not match its manifest. "
        "Nothing was restored; use another copy of the backup."
    )


def _restore_sqlite(
    archive: tarfile.TarFile, member: tarfile.TarInfo, manifest: Manifest, show: bool
) -> None:
    database = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    handle, name = tempfile.mkstemp(dir=database.parent, prefix=f".{database.name}.restoring")
    unpacked = Path(name)
    try:
        with os.fdopen(handle, "wb") as target:
            reader = _member_reader(archive, member, "Unpacking the database", show)
            while chunk := reader.read(READ_SIZE):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        if reader.sha256.hexdigest() != manifest.members[member.name]["sha256"]:
            raise _tampered(_name(archive), member.name)
        with contextlib.closing(sqlite3.connect(unpacked)) as db:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupProblem(f"{_name(archive)}: the database inside is damaged.")
            _compare_counts(manifest, _sqlite_counts(db, manifest), _name(archive))
        for suffix in ("-wal", "-shm", "-journal"):  # of the empty database it replaces
            with contextlib.suppress(FileNotFoundError):
                Path(f"{database}{suffix}").unlink()
        unpacked.replace(database)
    finally:
        with contextlib.suppress(FileNotFoundError):
            unpacked.unlink()


def _sqlite_counts(db: sqlite3.Connection, manifest: Manifest) -> dict[str, int]:
    return {
        table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table in manifest.tables
    }


def _compare_counts(manifest: Manifest, found: dict[str, int], path: str) -> None:
    wrong = [
        f"{table} ({found.get(table)} rows, expected {count})"
        for table, count in manifest.tables.items()
        if found.get(table) != count
    ]
    if wrong:
        raise BackupProblem(f"{path}: the restored database differs from the backup: {wrong}")


def _member_reader(
    archive: tarfile.TarFile, member: tarfile.TarInfo, label: str, show: bool
) -> HashingReader:
    stream = archive.extractfile(member)
    if stream is None:
        raise BackupProblem(f"{_name(archive)}: {member.name} cannot be read.")
    bar = tqdm(
        total=member.size,
        unit="B",
        unit_scale=True,
        desc=label,
        disable=not show,
        file=progress_stream(),
    )
    return _ClosingBarReader(stream, bar)


class _ClosingBarReader(HashingReader):
    def __init__(self, source: IO[bytes], bar: Any):
        super().__init__(source, bar.update)
        self.bar = bar

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        if not data:
            self.bar.close()
        return data


def _restore_postgres(
    archive: tarfile.TarFile, member: tarfile.TarInfo, manifest: Manifest, show: bool
) -> None:
    try:
        pg_restore = find_tool("pg_restore")
    except ToolMissing as missing:
        raise BackupProblem(str(missing)) from None
    # Checked whole before pg_restore reads it: a damaged dump must not be half loaded.
    checking = _member_reader(archive, member, "Checking the backup", show)
    while checking.read(READ_SIZE):
        pass
    if checking.sha256.hexdigest() != manifest.members[member.name]["sha256"]:
        raise _tampered(_name(archive), member.name)
    arguments, environment = tool_arguments()
    command = [
        pg_restore,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        *arguments,
    ]
    reader = _member_reader(archive, member, "Loading the database", show)
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
    ) as process:
        assert process.stdin is not None and process.stderr is not None
        try:
            while chunk := reader.read(READ_SIZE):
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped: its message says why
        errors = process.stderr.read().decode(errors="replace").strip()
        process.wait()
    if process.returncode != 0:
        raise BackupProblem(
            f"pg_restore failed, and the database was left empty: {errors or process.returncode}"
        )
    _compare_counts(manifest, row_counts(), _name(archive))


def _write_files(files: dict[str, bytes]) -> None:
    data_dir = Path(settings.DATA_DIR)
    for name, data in sorted(files.items()):
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(target)


def _migrate_forward() -> bool:
    """Apply the migrations this version has that the backup had not: True if any."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", verbosity=0)
    return True


def _name(archive: tarfile.TarFile) -> str:
    name = archive.name
    return name.decode(errors="replace") if isinstance(name, bytes) else str(name)

"""``ficshelf backup``: one file holding the whole archive, made while it runs.

The database is copied as of one moment: SQLite's online backup API inside one read
transaction (WAL lets writers go on meanwhile; the copy is of the moment the transaction
began), or ``pg_dump`` on a snapshot exported from a REPEATABLE READ transaction, the same
one the manifest's row counts are taken in. The data folder's own files go with it; what
the archive makes again does not (``backup_format``).

Everything is written under a temporary name beside the destination and linked into
place only when complete and on disk, so a full disk, a killed process or a bad path
leaves no file that looks like a backup.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import io
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from tqdm import tqdm

from ficshelf.core.archive_tables import REBUILDABLE_TABLES, archive_models
from ficshelf.core.backup_format import (
    FILES_PREFIX,
    MANIFEST,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    BackupProblem,
    HashingReader,
    Manifest,
    ficshelf_version,
)
from ficshelf.core.postgres_tools import ToolMissing, find_tool, tool_arguments

# Pages copied per step of SQLite's backup: about 4 MB, so the bar moves smoothly.
SQLITE_PAGES_PER_STEP = 1024
# What the data folder holds that is not backed up, and why (the manifest says so too).
LEFT_OUT_FOLDERS = {
    "search": "the search index (ficshelf reindex makes it again)",
    "cache": "the cache",
    "downloads": "downloaded files kept to serve again",
    "static": "static files (collected again)",
}
LEFT_OUT_NOTE = [*LEFT_OUT_FOLDERS.values(), "files the worker made (PDFs, bulk zips)"]
# A database copy with more than this share of free pages (the made files taken out) is
# compacted before it goes into the backup.
VACUUM_FREE_SHARE = 0.2


@dataclass
class BackupMade:
    path: Path
    size: int
    manifest: Manifest
    seconds: float


def make_backup(destination: str, *, show_progress: bool = True) -> BackupMade:
    started = time.monotonic()
    final = _final_path(destination)
    folder = final.parent
    temporaries: list[Path] = []
    try:
        database_copy = _temporary(folder, final.name, ".database", temporaries)
        if connection.vendor == "sqlite":
            manifest = _sqlite_snapshot(database_copy, show_progress)
        elif connection.vendor == "postgresql":
            manifest = _postgres_dump(database_copy, show_progress)
        else:
            raise BackupProblem(f"Backing up a {connection.vendor} database is not supported.")
        partial = _temporary(folder, final.name, ".partial", temporaries)
        _write_archive(partial, database_copy, manifest, final, show_progress)
        database_copy.unlink()
        _put_in_place(partial, final)
        _sync_folder(folder)
        return BackupMade(final, final.stat().st_size, manifest, time.monotonic() - started)
    except OSError as error:
        raise BackupProblem(_disk_message(error, folder)) from None
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise BackupProblem(_disk_message(OSError(errno.ENOSPC, "full"), folder)) from None
        raise BackupProblem(f"The database could not be copied: {error}.") from None
    finally:
        for path in temporaries:
            with contextlib.suppress(OSError):
                path.unlink()


def _put_in_place(partial: Path, final: Path) -> None:
    try:
        os.link(partial, final)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise BackupProblem(f"{final} appeared while the backup was made; not replaced.") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
            raise
        if final.exists():  # a file system without hard links: check, then rename
            raise BackupProblem(
                f"{final} appeared while the backup was made; not replaced."
            ) from None
        partial.rename(final)


def _final_path(destination: str) -> Path:
    path = Path(destination).expanduser()
    if path.is_dir():
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        path = path / f"ficshelf-backup-{stamp}.tar"
    path = path.absolute()
    if path.exists():
        raise BackupProblem(f"{path} already exists: give the backup a new name.")
    if not path.parent.is_dir():
        raise BackupProblem(f"The folder {path.parent} does not exist: make it first.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise BackupProblem(f"The folder {path.parent} cannot be written to.")
    return path


def _temporary(folder: Path, name: str, suffix: str, made: list[Path]) -> Path:
    # Readable by its owner only: a backup holds password hashes and the secret key.
    handle, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=suffix)
    os.close(handle)
    made.append(Path(path))
    return Path(path)


def _disk_message(error: OSError, folder: Path) -> str:
    if error.errno == errno.ENOSPC:
        free = _free_bytes(folder)
        return (
            f"The disk holding {folder} is full ({_size(free)} free): no backup was "
            "written. Free some space or give a path on another disk."
        )
    where = f" ({error.filename})" if error.filename else ""
    return f"The backup could not be written: {error.strerror or error}{where}. No backup was made."


def _free_bytes(folder: Path) -> int:
    try:
        return os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    except OSError:
        return 0


def _size(count: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if count < 1000 or unit == "TB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1000
    return f"{count} TB"  # not reached


# SQLite ---------------------------------------------------------------------------------


def _sqlite_snapshot(copy_path: Path, show_progress: bool) -> Manifest:
    if connection.in_atomic_block:
        raise BackupProblem("A backup cannot be made inside a transaction.")
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(copy_path)
    try:
        # One read transaction for the whole copy: each step copies from the same moment.
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        page_size = source.execute("PRAGMA page_size").fetchone()[0]
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        with tqdm(
            total=pages * page_size,
            unit="B",
            unit_scale=True,
            desc="Copying the database",
            disable=not show_progress,
            file=progress_stream(),
        ) as bar:

            def advance(status: int, remaining: int, total: int) -> None:
                bar.total = total * page_size
                bar.n = (total - remaining) * page_size
                bar.refresh()

            source.backup(target, pages=SQLITE_PAGES_PER_STEP, progress=advance)
    finally:
        with contextlib.suppress(sqlite3.Error):
            source.execute("ROLLBACK")
    try:
        return _leave_out_and_describe(target)
    finally:
        target.close()


def _leave_out_and_describe(copy: sqlite3.Connection) -> Manifest:
    """Take the made files out of the copy (compacting it if they were much of it), and
    describe what is left: its migrations and row counts."""
    tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in sorted(REBUILDABLE_TABLES & tables, reverse=True):
        copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 (a fixed table name)
    copy.commit()
    pages = copy.execute("PRAGMA page_count").fetchone()[0]
    free = copy.execute("PRAGMA freelist_count").fetchone()[0]
    if pages and free / pages > VACUUM_FREE_SHARE:
        copy.execute("VACUUM")
    counts = {
        model._meta.db_table: copy.execute(
            f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 (a model's table)
        ).fetchone()[0]
        for model in archive_models()
        if model._meta.db_table in tables
    }
    migrations = _migrations(copy.execute("SELECT app, name FROM django_migrations").fetchall())
    return _manifest("sqlite", migrations, counts)


def _migrations(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


def _manifest(kind: str, migrations: dict[str, list[str]], counts: dict[str, int]) -> Manifest:
    return Manifest(
        database_kind=kind,
        migrations=migrations,
        tables=counts,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        ficshelf_version=ficshelf_version(),
        left_out=LEFT_OUT_NOTE,
    )


# PostgreSQL -----------------------------------------------------------------------------


def _postgres_dump(dump_path: Path, show_progress: bool) -> Manifest:
    try:
        pg_dump = find_tool("pg_dump")
    except ToolMissing as missing:
        raise BackupProblem(str(missing)) from None
    arguments, environment = tool_arguments()
    snapshot_holder = connections.create_connection("default")
    try:
        snapshot_holder.ensure_connection()
        raw: Any = snapshot_holder.connection
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        present = {
            row[0]
            for row in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            ).fetchall()
        }
        counts = {
            model._meta.db_table: raw.execute(
                f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 (a model's table)
            ).fetchone()[0]
            for model in archive_models()
            if model._meta.db_table in present
        }
        migrations = _migrations(raw.execute("SELECT app, name FROM django_migrations").fetchall())
        command = [
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={dump_path}",
            *[f"--exclude-table-data={table}" for table in sorted(REBUILDABLE_TABLES)],
            *arguments,
        ]
        with _growing_file_bar(dump_path, "Dumping the database", show_progress):
            finished = subprocess.run(
                command, env=environment, capture_output=True, text=True, check=False
            )
        raw.execute("ROLLBACK")
    except DatabaseError as error:
        raise BackupProblem(f"The database could not be read: {error}") from None
    finally:
        snapshot_holder.close()
    if finished.returncode != 0:
        message = finished.stderr.strip() or f"exit status {finished.returncode}"
        if "No space left on device" in message:
            raise OSError(errno.ENOSPC, message)
        raise BackupProblem(f"pg_dump failed: {message}")
    return _manifest("postgresql", migrations, counts)


@contextlib.contextmanager
def _growing_file_bar(path: Path, label: str, show: bool) -> Iterator[None]:
    """A bar of how much ``path`` has grown, while a program writes it."""
    done = threading.Event()
    bar = tqdm(unit="B", unit_scale=True, desc=label, disable=not show, file=progress_stream())

    def watch() -> None:
        while not done.wait(0.5):
            with contextlib.suppress(OSError):
                bar.n = path.stat().st_size
                bar.refresh()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        with contextlib.suppress(OSError):
            bar.n = path.stat().st_size
        bar.close()


# The archive file -----------------------------------------------------------------------


def _write_archive(
    partial: Path, database_copy: Path, manifest: Manifest, final: Path, show_progress: bool
) -> None:
    files = list(data_files(exclude={partial, final, database_copy}))
    total = database_copy.stat().st_size + sum(path.stat().st_size for path, _ in files)
    member = SQLITE_MEMBER if manifest.database_kind == "sqlite" else POSTGRES_MEMBER
    with (
        partial.open("wb") as raw_file,
        tarfile.open(fileobj=raw_file, mode="w", format=tarfile.PAX_FORMAT) as archive,
        tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            desc="Writing the backup",
            disable=not show_progress,
            file=progress_stream(),
        ) as bar,
    ):
        for path, name in [(database_copy, member), *files]:
            info = archive.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as source:
                reader = HashingReader(source, _advance(bar))
                archive.addfile(info, reader)
            if reader.size != info.size:
                raise BackupProblem(f"{path} changed while it was backed up; try again.")
            manifest.members[name] = {"size": reader.size, "sha256": reader.sha256.hexdigest()}
        text = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(text)
        info.mtime = int(time.time())
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(text))
        archive.close()
        raw_file.flush()
        os.fsync(raw_file.fileno())


def _advance(bar: Any) -> Callable[[int], None]:
    def advance(count: int) -> None:
        bar.update(count)

    return advance


def data_files(exclude: set[Path]) -> Iterator[tuple[Path, str]]:
    """The data folder's own files: everything but the database, what the archive makes
    again, and temporary files (names starting with a dot)."""
    data_dir = Path(settings.DATA_DIR)
    # The SQLite database, and on PostgreSQL the one left from before a move: never a file.
    names = [data_dir / "ficshelf.sqlite3"]
    if connection.vendor == "sqlite":
        names.append(Path(str(connection.settings_dict["NAME"])))
    database_files = {
        Path(f"{name}{suffix}") for name in names for suffix in ("", "-wal", "-shm", "-journal")
    }
    skipped = {path.resolve() for path in exclude | database_files}
    if not data_dir.is_dir():
        return
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if relative.parts[0] in LEFT_OUT_FOLDERS or any(p.startswith(".") for p in relative.parts):
            continue
        if path.is_file() and not path.is_symlink() and path.resolve() not in skipped:
            yield path, FILES_PREFIX + relative.as_posix()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def progress_stream() -> Any:
    import sys

    return sys.stderr

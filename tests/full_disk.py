"""A full disk, simulated at the process edge: the database driver's own "disk full"
error for every write, and ENOSPC from every cache and file write the archive makes."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from django.db.backends.utils import CursorWrapper

from ficshelf.core.embedded_cache import EmbeddedCache

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")


def _driver_disk_full_error(vendor: str) -> Exception:
    if vendor == "postgresql":
        import psycopg.errors

        return psycopg.errors.DiskFull(
            'could not extend file "base/16384/16385": No space left on device'
        )
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return error


def _refusing_writes(original: Callable[..., Any]) -> Callable[..., Any]:
    def execute(cursor: CursorWrapper, sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql.lstrip().upper().startswith(_WRITES):
            # As Django's backends turn a driver's error into django.db's, cause attached.
            with cursor.db.wrap_database_errors:
                raise _driver_disk_full_error(cursor.db.vendor)
        return original(cursor, sql, *args, **kwargs)

    return execute


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@contextmanager
def full_disk() -> Iterator[None]:
    """While inside, the disk is full, for every thread (a live server's too); on leaving,
    there is room again."""
    with ExitStack() as stack:
        patches = pytest.MonkeyPatch()
        stack.callback(patches.undo)
        for method in ("execute", "executemany"):
            patches.setattr(CursorWrapper, method, _refusing_writes(getattr(CursorWrapper, method)))
        for method in ("set", "add", "incr", "decr", "set_many", "touch"):
            patches.setattr(EmbeddedCache, method, _no_space)
        patches.setattr("ficshelf.downloads.files.tempfile.NamedTemporaryFile", _no_space)
        yield

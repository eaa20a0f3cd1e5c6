"""Where the index lives on disk: which folder is current, and who may write.

``location/CURRENT`` names the folder holding the live index (written with ``os.replace``,
so a reader sees the old name or the new one, never half of either). A rebuild fills a new
folder and then switches the pointer; readers notice the change on their next search.
``location/writer.lock`` lets one process write at a time (the worker's updates, a
``reindex``), ahead of tantivy's own lock so a waiting writer can give up with a clear error.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ficshelf.search.backends.base import SearchUnavailable
from ficshelf.search.backends.embedded.schema import SCHEMA_VERSION

POINTER = "CURRENT"
WRITER_LOCK = "writer.lock"
COMMIT_MARK = "COMMITTED"
FOLDER_PREFIX = "index-"
# How long an update waits for another writer before it gives up (the index queue keeps
# its works for the next drain). Long enough for a batch commit, short against a rebuild.
WRITER_WAIT_SECONDS = 10.0


class IndexBusy(SearchUnavailable):
    """Another process is writing the index (a rebuild, or a second worker)."""


@dataclass(frozen=True)
class Pointer:
    folder: Path
    schema_version: int


def read_pointer(location: Path) -> Pointer | None:
    path = location / POINTER
    try:
        content = json.loads(path.read_text())
        return Pointer(location / content["folder"], int(content["schema"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as problem:
        raise SearchUnavailable(f"The search index pointer {path} is unreadable.") from problem


def read_commit_mark(location: Path) -> str | None:
    """A fresh value after every commit and every switch of folders (``bump_commit_mark``).
    Readers reload on its change: file timestamps are too coarse and inode numbers are
    reused, so two quick commits could look alike by ``stat``."""
    try:
        return (location / COMMIT_MARK).read_text()
    except FileNotFoundError:
        return None


def bump_commit_mark(location: Path) -> None:
    temporary = location / f".{COMMIT_MARK}.{uuid.uuid4().hex}"
    temporary.write_text(uuid.uuid4().hex)
    temporary.replace(location / COMMIT_MARK)


def write_pointer(location: Path, folder: Path) -> None:
    temporary = location / f".{POINTER}.{uuid.uuid4().hex}"
    temporary.write_text(json.dumps({"folder": folder.name, "schema": SCHEMA_VERSION}))
    temporary.replace(location / POINTER)  # atomic: readers see old or new, never half


def new_folder(location: Path) -> Path:
    # Names sort by creation time, which helps when looking at the folder by hand.
    folder = location / f"{FOLDER_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def remove_other_folders(location: Path, keep: Path) -> None:
    """Drop old index folders (readers still mapping them keep their files until they let go,
    and switch to the new folder on their next search)."""
    for folder in location.glob(f"{FOLDER_PREFIX}*"):
        if folder != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned_folders(location: Path) -> list[str]:
    """Folders of rebuilds that died before switching the pointer, and the pointer's and
    commit mark's temporary files. Call it holding the writer lock: a live rebuild holds
    it, so what is found then belongs to nobody."""
    current = read_pointer(location)  # unreadable: raises, and nothing is removed
    removed = []
    for folder in sorted(location.glob(f"{FOLDER_PREFIX}*")):
        if folder.is_dir() and (current is None or folder != current.folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(
                f"Removed the half-built search index {folder.name} of a stopped rebuild."
            )
    for temporary in [*location.glob(f".{POINTER}.*"), *location.glob(f".{COMMIT_MARK}.*")]:
        temporary.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def writer_lock(
    location: Path, wait_seconds: float | None = None, *, name: str = WRITER_LOCK
) -> Iterator[None]:
    """Held by one process at a time; ``name`` picks another lock in the same folder."""
    if wait_seconds is None:
        wait_seconds = WRITER_WAIT_SECONDS
    location.mkdir(parents=True, exist_ok=True)
    with (location / name).open("a") as lock_file:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as problem:
                if problem.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"Another process is writing the search index in {location} "
                        f"(waited {wait_seconds:g} s); try again when it has finished."
                    ) from problem
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)

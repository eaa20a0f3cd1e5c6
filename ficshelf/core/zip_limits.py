"""Limits on what a zip archive from a user may unpack to, checked before anything is.

A .docx and an EPUB are zip archives. A small one can unpack to gigabytes (a "zip bomb":
90 KB that inflate to 30 MB of XML held a web worker for 30 seconds), so the archive's
central directory, which lists every entry's sizes, is read first and the archive is
refused when it holds too many entries, an entry or all of them would unpack to too much,
or an entry is compressed far more than real documents ever are.

The sizes listed can lie, but Python's ``zipfile`` never inflates an entry past the size
its directory gives (it stops there and reports the entry as damaged), so every reader
that goes through ``zipfile`` is held to the sizes checked here.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

MEGABYTE = 1024 * 1024
# Small entries may compress very well (a run of blank table cells) and cost nothing.
_RATIO_CHECKED_FROM = MEGABYTE


class ZipRefused(ValueError):
    """The archive is over a limit; the message says which, for a person to read."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    # Unpacked size over packed size. Text and XML compress 3 to 20 times; 100 leaves
    # room for odd documents and none for a bomb, which packs 1,000 to 1 or more.
    max_ratio: int = 100


def check_zip_directory(archive: zipfile.ZipFile, limits: ZipLimits, *, what: str) -> None:
    """Refuse ``archive`` (``what`` names it in messages: "this Word document") when its
    directory says it is over ``limits``; nothing is decompressed."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise ZipRefused(
            f"{what} holds {len(entries):,} files, more than it can need "
            f"(at most {limits.max_entries:,})"
        )
    total = 0
    for entry in entries:
        if entry.file_size > limits.max_entry_bytes:
            raise ZipRefused(
                f"{what} has a part ({entry.filename}) that unpacks to "
                f"{_megabytes(entry.file_size)}, over the limit of "
                f"{_megabytes(limits.max_entry_bytes)}"
            )
        if entry.file_size >= _RATIO_CHECKED_FROM and (
            entry.file_size > limits.max_ratio * max(entry.compress_size, 1)
        ):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise ZipRefused(
                f"{what} has a part ({entry.filename}) packed {ratio:,} to 1, far tighter "
                "than real documents: refusing it as a possible zip bomb"
            )
        total += entry.file_size
    if total > limits.max_total_bytes:
        raise ZipRefused(
            f"{what} would unpack to {_megabytes(total)}, over the limit of "
            f"{_megabytes(limits.max_total_bytes)}: refusing it as a possible zip bomb"
        )


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:,.1f} MB" if size % MEGABYTE else f"{size // MEGABYTE:,} MB"

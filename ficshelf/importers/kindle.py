"""Importer for Kindle files (AZW3 and MOBI), by way of calibre's ``ebook-convert``.

Nothing in Python reads Kindle formats well, and calibre (which AO3 itself uses to make
these files) converts them back to EPUB faithfully; the EPUB importer does the rest. AZW3
(KF8) keeps AO3's markup; MOBI keeps only its text and the table of contents, which the
EPUB importer reads too.
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile

from ficshelf.core import calibre
from ficshelf.importers import epub
from ficshelf.importers.base import ImportedWork, ImportFailed, ToolMissing

FORMAT = "kindle"
CONVERT_TIMEOUT_SECONDS = 120
TOOL_MISSING_MESSAGE = (
    "AZW3 and MOBI files need calibre's ebook-convert, which is not installed: "
    "install calibre (apt install calibre) or import the EPUB or HTML download instead"
)

# A Palm database whose type/creator fields (bytes 60-68) say "BOOKMOBI" is a MOBI or AZW3.
_MAGIC_OFFSET = 60
_MAGIC = b"BOOKMOBI"
_KF8_VERSION = 8


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    return head[_MAGIC_OFFSET : _MAGIC_OFFSET + len(_MAGIC)] == _MAGIC


def parse(path: pathlib.Path) -> ImportedWork:
    converter = calibre.ebook_convert()
    if converter is None:
        raise ToolMissing(TOOL_MISSING_MESSAGE)
    kindle_format = _kindle_format(path)
    with tempfile.TemporaryDirectory(prefix="ficshelf-kindle-") as folder:
        work_folder = pathlib.Path(folder)
        # ebook-convert picks its reader by the file extension, and a name starting with "-"
        # would read as an option: convert a copy with a fixed, honest name.
        source = work_folder / f"book.{kindle_format}"
        try:
            shutil.copyfile(path, source)
        except OSError as error:
            raise ImportFailed(f"cannot read the file: {error.strerror}") from None
        converted = work_folder / "book.epub"
        _convert(converter, source, converted, work_folder)
        work = epub.parse(converted)
    work.source_format = kindle_format
    return work


def _kindle_format(path: pathlib.Path) -> str:
    """The Kindle format, "azw3" (KF8) or "mobi": by file extension, else by the header."""
    suffix = path.suffix.lower()
    if suffix in (".azw3", ".azw", ".kf8"):
        return "azw3"
    if suffix in (".mobi", ".prc"):
        return "mobi"
    return "azw3" if _mobi_header_version(path) == _KF8_VERSION else "mobi"


def _mobi_header_version(path: pathlib.Path) -> int | None:
    """The MOBI header's file version (8 for KF8), read from the first record."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as error:
        raise ImportFailed(f"cannot read the file: {error.strerror}") from None
    # The record list starts at byte 78; record 0 holds a 16-byte PalmDOC header, then "MOBI".
    record_start = int.from_bytes(head[78:82], "big")
    mobi_header = head[record_start + 16 : record_start + 40]
    if not mobi_header.startswith(b"MOBI"):
        return None
    return int.from_bytes(mobi_header[20:24], "big")


def _convert(
    converter: str, source: pathlib.Path, target: pathlib.Path, work_folder: pathlib.Path
) -> None:
    try:
        result = calibre.convert(
            converter,
            source,
            target,
            work_folder=work_folder,
            timeout_seconds=CONVERT_TIMEOUT_SECONDS,
        )
    except OSError as error:
        raise ImportFailed(f"calibre's ebook-convert could not be started: {error}") from None
    if result.timed_out:
        raise ImportFailed(
            f"calibre's ebook-convert did not finish converting this file within "
            f"{CONVERT_TIMEOUT_SECONDS} seconds; the file may be damaged"
        )
    if not result.succeeded:
        raise ImportFailed(_conversion_error(result.last_message))


def _conversion_error(last_message: str) -> str:
    last_line = last_message or "no error message"
    if "DRMError" in last_line:
        return (
            "this Kindle file is locked with DRM, so it cannot be read; "
            f"import the EPUB or HTML download instead ({last_line})"
        )
    return f"calibre's ebook-convert could not convert this file: {last_line}"

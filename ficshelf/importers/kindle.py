"""Importer for Kindle files (AZW3 and MOBI), by way of calibre's ``ebook-convert``.

Nothing in Python reads Kindle formats well, and calibre (which AO3 itself uses to make
these files) converts them back to EPUB faithfully; the EPUB importer does the rest. AZW3
(KF8) keeps AO3's markup; MOBI keeps only its text and the table of contents, which the
EPUB importer reads too.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile

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
    converter = shutil.which("ebook-convert")
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
    environment = {
        **os.environ,
        # calibre writes settings and scratch files; keep them out of the server's home.
        "CALIBRE_CONFIG_DIRECTORY": str(work_folder / "calibre-config"),
        "CALIBRE_TEMP_DIR": str(work_folder),
    }
    try:
        process = subprocess.Popen(
            [converter, str(source), str(target)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=environment,
            start_new_session=True,  # its own process group, so a timeout can stop its helpers
        )
    except OSError as error:
        raise ImportFailed(f"calibre's ebook-convert could not be started: {error}") from None
    try:
        stdout, stderr = process.communicate(timeout=CONVERT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise ImportFailed(
            f"calibre's ebook-convert did not finish converting this file within "
            f"{CONVERT_TIMEOUT_SECONDS} seconds; the file may be damaged"
        ) from None
    if process.returncode != 0 or not target.is_file():
        raise ImportFailed(_conversion_error(stderr, stdout))


def _stop(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended in the meantime
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _conversion_error(stderr: str, stdout: str) -> str:
    lines = [line.strip() for line in (stderr or stdout).splitlines() if line.strip()]
    last_line = lines[-1] if lines else "no error message"
    if "DRMError" in last_line:
        return (
            "this Kindle file is locked with DRM, so it cannot be read; "
            f"import the EPUB or HTML download instead ({last_line})"
        )
    return f"calibre's ebook-convert could not convert this file: {last_line}"

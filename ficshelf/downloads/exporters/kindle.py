"""AZW3 and MOBI, made by calibre's ``ebook-convert`` from our own EPUB (docs/design.md).

calibre is optional: without ``ebook-convert`` on the PATH the formats are unavailable
(the menu says so and their URLs answer 404). calibre keeps its settings and scratch
files in the conversion's temporary folder, never in the server user's home.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ficshelf.core import calibre
from ficshelf.downloads.document import WorkDocument
from ficshelf.downloads.exporters.epub import export_epub

CONVERT_TIMEOUT_SECONDS = 600
UNAVAILABLE_REASON = "needs calibre on the server"
# calibre drops the class of an element no style rule applies to, and AO3's markup (which
# our importers, and AO3's readers, look for) marks chapter text by ``div.userstuff``:
# a rule keeps the class in the Kindle file.
EXTRA_CSS = "div.userstuff { margin-bottom: 1em; }"


class ConversionFailed(Exception):
    pass


def converter() -> str | None:
    return calibre.ebook_convert()


def is_available() -> bool:
    return converter() is not None


def export_azw3(doc: WorkDocument) -> bytes:
    return convert_epub(export_epub(doc), "azw3")


def export_mobi(doc: WorkDocument) -> bytes:
    return convert_epub(export_epub(doc), "mobi")


def convert_epub(epub: bytes, extension: str) -> bytes:
    program = converter()
    if program is None:
        raise ConversionFailed("calibre's ebook-convert is not installed")
    with tempfile.TemporaryDirectory(prefix="ficshelf-kindle-") as folder:
        work_folder = Path(folder)
        source = work_folder / "book.epub"
        source.write_bytes(epub)
        target = work_folder / f"book.{extension}"
        _run(program, source, target, work_folder)
        return target.read_bytes()


def _run(program: str, source: Path, target: Path, work_folder: Path) -> None:
    result = calibre.convert(
        program,
        source,
        target,
        work_folder=work_folder,
        timeout_seconds=CONVERT_TIMEOUT_SECONDS,
        extra_arguments=("--extra-css", EXTRA_CSS),
    )
    if result.timed_out:
        raise ConversionFailed(f"ebook-convert took longer than {CONVERT_TIMEOUT_SECONDS} seconds")
    if not result.succeeded:
        raise ConversionFailed(f"ebook-convert failed: {result.last_message or 'no message'}")

"""Choosing the importer for a file, and refusing files no importer should read."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol, cast

from ficshelf.importers.base import ImportedWork, ImportFailed, UnknownFormat

# Order matters: binary containers first, then the HTML forms (a download before a saved
# page, since both are HTML), and plain text last because its sniff is the loosest.
IMPORTER_MODULES = [
    "ficshelf.importers.epub",
    "ficshelf.importers.kindle",
    "ficshelf.importers.ao3_download",
    "ficshelf.importers.ao3_workpage",
    "ficshelf.importers.ao3_text",
]
SNIFF_BYTES = 64 * 1024


class Importer(Protocol):
    FORMAT: str

    def can_parse(self, path: Path, head: bytes) -> bool: ...

    def parse(self, path: Path) -> ImportedWork: ...


def importers() -> list[Importer]:
    return [cast(Importer, importlib.import_module(name)) for name in IMPORTER_MODULES]


def choose_importer(path: Path, *, max_bytes: int) -> Importer:
    """The importer that claims ``path``; ImportFailed says why when none can or should."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise ImportFailed(f"cannot read the file: {error.strerror or error}") from None
    if size == 0:
        raise ImportFailed("the file is empty")
    if size > max_bytes:
        raise ImportFailed(
            f"the file is {size / 1_048_576:.1f} MB, over the import limit of "
            f"{max_bytes / 1_048_576:.0f} MB (FICSHELF_IMPORT_MAX_BYTES)"
        )
    for importer in importers():
        if importer.can_parse(path, head):
            return importer
    raise UnknownFormat(
        "not a format Ficshelf can import (AO3 HTML download, saved AO3 work page, "
        "AO3 work-page text, EPUB, AZW3 or MOBI)"
    )


def read_work_file(path: Path, *, max_bytes: int) -> ImportedWork:
    importer = choose_importer(path, max_bytes=max_bytes)
    imported = importer.parse(path)
    if not imported.source_format:
        imported.source_format = importer.FORMAT
    return imported

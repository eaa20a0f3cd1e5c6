"""Importer for EPUB files: AO3's own, FanFicFare's and FicHub's, and any other EPUB.

An EPUB is a zip archive: ``META-INF/container.xml`` names the package file (OPF), whose
manifest and spine give the XHTML documents in reading order and whose metadata holds the
title, creators, language and (from calibre) the series. Who made the file decides how its
pages are read:

- AO3 (made by calibre from AO3's HTML download, split over several XHTML files): the
  documents are handed, in order, to the HTML-download importer. A Kindle file converted
  back by calibre may have lost that markup (MOBI keeps no ``div`` ids); it is then read
  from the table of contents and the "Summary"/"Notes" label paragraphs.
- FanFicFare: a title page of ``<b>Label:</b> value`` lines and one file per chapter.
- FicHub: a title page of ``Label: value`` paragraphs, and AO3 work-page markup per chapter.
- anything else: OPF metadata and one chapter per table-of-contents entry.

The archive is untrusted: sizes, paths and XML are checked before anything is read.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable

from ficshelf.importers.ao3_markup import has_class, has_class_prefix
from ficshelf.importers.base import ImportedWork
from ficshelf.importers.epub.ao3 import read_ao3
from ficshelf.importers.epub.ao3_flattened import read_ao3_flattened
from ficshelf.importers.epub.archive import MAX_MEMBER_COUNT, MAX_UNCOMPRESSED_BYTES
from ficshelf.importers.epub.common import FORMAT
from ficshelf.importers.epub.container import EpubBook, EpubDocument, TocEntry, read_epub
from ficshelf.importers.epub.fanficfare import read_fanficfare
from ficshelf.importers.epub.fichub import read_fichub
from ficshelf.importers.epub.generic import read_other
from ficshelf.importers.epub.metadata import PackageMetadata, fill_from_package

__all__ = [
    "FORMAT",
    "MAX_MEMBER_COUNT",
    "MAX_UNCOMPRESSED_BYTES",
    "EpubBook",
    "EpubDocument",
    "PackageMetadata",
    "TocEntry",
    "can_parse",
    "parse",
    "read_epub",
]

_ZIP_MAGIC = b"PK\x03\x04"
_EPUB_MIMETYPE = b"application/epub+zip"


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    if not head.startswith(_ZIP_MAGIC):
        return False
    return _stored_mimetype(head) == _EPUB_MIMETYPE or path.suffix.lower() == ".epub"


def _stored_mimetype(head: bytes) -> bytes:
    """The content of a leading uncompressed ``mimetype`` member, as the EPUB spec requires."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[30 : 30 + name_length] != b"mimetype":
        return b""
    start = 30 + name_length + extra_length
    return head[start : start + len(_EPUB_MIMETYPE)]


def parse(path: pathlib.Path) -> ImportedWork:
    book = read_epub(path)
    reader = _READERS[_producer(book)]
    work = reader(book)
    fill_from_package(work, book.metadata)
    if not work.title:
        work.title = path.stem
    return work


# --- who made it -----------------------------------------------------------------------


def _producer(book: EpubBook) -> str:
    if _made_by_fanficfare(book):
        return "fanficfare"
    if _made_by_ao3(book):
        return "ao3" if _has_ao3_download_markup(book) else "ao3-flattened"
    if _made_by_fichub(book):
        return "fichub"
    return "other"


def _made_by_fanficfare(book: EpubBook) -> bool:
    metadata = book.metadata
    return (
        any("fanficfare" in name.lower() for name in metadata.contributors)
        or any(identifier.startswith("fanficfare-uid") for identifier in metadata.identifiers)
        or any(has_class_prefix(document.body, "fff_") for document in book.documents)
    )


def _made_by_ao3(book: EpubBook) -> bool:
    return book.metadata.publisher == "Archive of Our Own" or any(
        "Posted originally on the" in document.text for document in book.documents[:3]
    )


def _has_ao3_download_markup(book: EpubBook) -> bool:
    return any(
        document.root.get_element_by_id("preface", None) is not None for document in book.documents
    )


def _made_by_fichub(book: EpubBook) -> bool:
    # FicHub pastes AO3's work-page markup, whose text block opens with a "Work Text:" (or,
    # per chapter, "Chapter Text") landmark heading.
    return any(
        has_class(element, "landmark")
        for document in book.documents
        for element in document.body.iter("h3")
    )


_READERS: dict[str, Callable[[EpubBook], ImportedWork]] = {
    "ao3": read_ao3,
    "ao3-flattened": read_ao3_flattened,
    "fanficfare": read_fanficfare,
    "fichub": read_fichub,
    "other": read_other,
}

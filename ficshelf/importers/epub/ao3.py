"""AO3's own EPUBs, made by calibre from AO3's HTML download."""

from __future__ import annotations

from ficshelf.importers.ao3_download import parse_download_html
from ficshelf.importers.base import ImportedWork
from ficshelf.importers.epub.common import reading_documents
from ficshelf.importers.epub.container import EpubBook


def read_ao3(book: EpubBook) -> ImportedWork:
    """calibre splits AO3's download into several XHTML files; read them as one download."""
    documents = reading_documents(book)
    work = parse_download_html("\n".join(document.text for document in documents))
    work.source_format = "epub-ao3"
    return work

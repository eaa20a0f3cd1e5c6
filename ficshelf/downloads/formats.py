"""The download formats, in the order AO3's Download menu lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ficshelf.downloads.document import WorkDocument
from ficshelf.downloads.exporters.epub import MEDIA_TYPE as EPUB_MEDIA_TYPE
from ficshelf.downloads.exporters.epub import export_epub
from ficshelf.downloads.exporters.html import export_html
from ficshelf.downloads.exporters.txt import export_txt


@dataclass(frozen=True)
class DownloadFormat:
    label: str  # as AO3's menu names it: "EPUB"
    extension: str
    content_type: str
    export: Callable[[WorkDocument], bytes] | None  # None: not available yet

    @property
    def is_available(self) -> bool:
        return self.export is not None


FORMATS = [
    # Kindle formats need calibre's ebook-convert, PDF needs WeasyPrint (DESIGN.md): later.
    DownloadFormat("AZW3", "azw3", "application/vnd.amazon.ebook", None),
    DownloadFormat("EPUB", "epub", EPUB_MEDIA_TYPE, export_epub),
    DownloadFormat("MOBI", "mobi", "application/x-mobipocket-ebook", None),
    DownloadFormat("PDF", "pdf", "application/pdf", None),
    DownloadFormat("HTML", "html", "text/html; charset=utf-8", export_html),
    DownloadFormat("TXT", "txt", "text/plain; charset=utf-8", export_txt),
]
FORMATS_BY_EXTENSION = {download_format.extension: download_format for download_format in FORMATS}

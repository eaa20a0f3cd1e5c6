"""The download formats, in the order AO3's Download menu lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ficshelf.downloads.document import WorkDocument
from ficshelf.downloads.exporters import kindle
from ficshelf.downloads.exporters.epub import MEDIA_TYPE as EPUB_MEDIA_TYPE
from ficshelf.downloads.exporters.epub import export_epub
from ficshelf.downloads.exporters.html import export_html
from ficshelf.downloads.exporters.pdf import DEFAULT_PAPER, PAPERS, export_pdf
from ficshelf.downloads.exporters.txt import export_txt


def _always() -> bool:
    return True


@dataclass(frozen=True)
class DownloadFormat:
    label: str  # as AO3's menu names it: "EPUB"
    extension: str
    content_type: str
    # Lays the document out; the second argument is the variant (the paper for a PDF).
    export: Callable[[WorkDocument, str], bytes]
    # Slow formats (seconds for a long work) are made by the worker, never in a request.
    is_made_by_worker: bool = False
    variants: tuple[str, ...] = ("",)  # the first is the default
    # Formats needing an optional program ask whether it is installed, on every use.
    check_available: Callable[[], bool] = _always
    unavailable_reason: str = ""

    @property
    def is_available(self) -> bool:
        return self.check_available()

    def variant_for(self, requested: str | None) -> str | None:
        """The variant a request asks for (None: one this format does not have)."""
        if not requested or len(self.variants) == 1:
            return self.variants[0]
        return requested if requested in self.variants else None

    def filename(self, variant: str) -> str:
        """The cached file's name inside the version folder: "work.epub", "work-letter.pdf"."""
        return f"work-{variant}.{self.extension}" if variant else f"work.{self.extension}"


def _ignoring_variant(
    export: Callable[[WorkDocument], bytes],
) -> Callable[[WorkDocument, str], bytes]:
    def export_one(doc: WorkDocument, variant: str) -> bytes:
        return export(doc)

    return export_one


_PAPERS = (DEFAULT_PAPER, *(name for name in PAPERS if name != DEFAULT_PAPER))

FORMATS = [
    DownloadFormat(
        "AZW3",
        "azw3",
        "application/vnd.amazon.ebook",
        _ignoring_variant(kindle.export_azw3),
        is_made_by_worker=True,
        check_available=kindle.is_available,
        unavailable_reason=kindle.UNAVAILABLE_REASON,
    ),
    DownloadFormat("EPUB", "epub", EPUB_MEDIA_TYPE, _ignoring_variant(export_epub)),
    DownloadFormat(
        "MOBI",
        "mobi",
        "application/x-mobipocket-ebook",
        _ignoring_variant(kindle.export_mobi),
        is_made_by_worker=True,
        check_available=kindle.is_available,
        unavailable_reason=kindle.UNAVAILABLE_REASON,
    ),
    DownloadFormat(
        "PDF", "pdf", "application/pdf", export_pdf, is_made_by_worker=True, variants=_PAPERS
    ),
    DownloadFormat("HTML", "html", "text/html; charset=utf-8", _ignoring_variant(export_html)),
    DownloadFormat("TXT", "txt", "text/plain; charset=utf-8", _ignoring_variant(export_txt)),
]
FORMATS_BY_EXTENSION = {download_format.extension: download_format for download_format in FORMATS}

"""PDF, laid out by WeasyPrint from the HTML export's own markup and a print stylesheet.

The page carries what the HTML download carries (the same template), with the user HTML
made XHTML-safe as for the EPUB: remote images become links, so WeasyPrint never fetches
anything (its URL fetcher refuses every request as well). Pages are A5, a book's size, or
US Letter; the footer numbers them; chapters start on a new page; fonts are embedded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from ficshelf.downloads.document import WorkDocument
from ficshelf.downloads.exporters.epub import as_xhtml


@dataclass(frozen=True)
class Paper:
    name: str  # what ?paper= says
    css_size: str
    margin: str
    font_size: str


PAPERS = {
    "a5": Paper("a5", "A5", "16mm 14mm 18mm", "10pt"),
    "letter": Paper("letter", "letter", "0.9in 1in 1in", "11.5pt"),
}
DEFAULT_PAPER = "a5"


def _refusing_fetcher() -> object:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class RefusingFetcher(URLFetcher):
        """User HTML must not make the server fetch URLs or read local files."""

        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"downloads fetch nothing: {url}")

    return RefusingFetcher()


def pdf_html(doc: WorkDocument, paper: str = DEFAULT_PAPER) -> str:
    """The HTML WeasyPrint lays out: the HTML download's markup plus the print stylesheet."""
    return render_to_string(
        "downloads/work.html",
        {"doc": as_xhtml(doc), "afterword_href": "", "paper": PAPERS[paper]},
    )


def export_pdf(doc: WorkDocument, paper: str = DEFAULT_PAPER) -> bytes:
    import weasyprint  # type: ignore[import-untyped]  # Pango loads slowly: only when needed

    document = weasyprint.HTML(
        string=pdf_html(doc, paper), base_url="about:blank", url_fetcher=_refusing_fetcher()
    )
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)

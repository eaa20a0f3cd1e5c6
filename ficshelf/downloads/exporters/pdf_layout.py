"""WeasyPrint's side of the PDF export: HTML in, PDF out, and nothing of Django.

A long work is laid out in parts, each in a process of its own (see ``pdf_processes``);
those processes import only this module, so they never load Django or touch the database.
WeasyPrint (Pango) loads slowly, so it is imported when first needed: the process that
only hands out the parts never loads it, and the fork server loads it once for all the
processes it forks (``LAYOUT_PRELOAD``).
"""

from __future__ import annotations

import resource
from dataclasses import dataclass
from typing import Any

LAYOUT_PRELOAD = ["weasyprint"]

# CSS pixels to PDF points (96 to the inch against 72), as WeasyPrint writes pages.
_POINTS_PER_PIXEL = 0.75


@dataclass(frozen=True)
class Bookmark:
    """An outline entry as WeasyPrint collects it (a heading), placed in PDF points."""

    page_index: int  # in its part
    level: int  # the CSS bookmark-level: 1 for h1...
    label: str
    left: float
    top: float
    is_open: bool


@dataclass(frozen=True)
class LaidOutPart:
    """A part of the work as a PDF of its own, with what joining the parts needs to know."""

    pdf: bytes
    page_count: int
    bookmarks: list[Bookmark]
    # Anchors this part links to but does not hold (the preface's link to the afterword's
    # end notes): given a stand-in destination so WeasyPrint keeps the link, which points
    # at the real anchor once the parts' destinations are merged.
    stand_in_anchors: list[str]
    peak_memory_kib: int


def _render(html: str) -> Any:
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class RefusingFetcher(URLFetcher):
        """User HTML must not make the server fetch URLs or read local files."""

        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"downloads fetch nothing: {url}")

    return weasyprint.HTML(
        string=html, base_url="about:blank", url_fetcher=RefusingFetcher()
    ).render()


def write_pdf(html: str) -> bytes:
    """The whole work in one pass, in this process."""
    return bytes(_render(html).write_pdf())


def lay_out_part(html: str) -> LaidOutPart:
    """One part of a long work (run in a child process)."""
    document = _render(html)
    defined = {name for page in document.pages for name in page.anchors}
    linked = {
        target
        for page in document.pages
        for link_type, target, _, _ in page.links
        if link_type == "internal"
    }
    stand_ins = sorted(linked - defined)
    for name in stand_ins:
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    return LaidOutPart(
        pdf=bytes(document.write_pdf()),
        page_count=len(document.pages),
        bookmarks=[
            Bookmark(
                page_index=index,
                level=level,
                label=label,
                left=x * _POINTS_PER_PIXEL,
                top=(page.height - y) * _POINTS_PER_PIXEL,
                is_open=state != "closed",
            )
            for index, page in enumerate(document.pages)
            for level, label, (x, y), state in page.bookmarks
        ],
        stand_in_anchors=stand_ins,
        peak_memory_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


def lay_out_page_numbers(html: str) -> bytes:
    """Pages that carry only their footer number, to lay over a part's pages; the leading
    page, there only to set the page counter, is dropped (``pdf.page_numbers_html``)."""
    document = _render(html)
    return bytes(document.copy(document.pages[1:]).write_pdf())

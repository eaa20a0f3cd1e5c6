"""PDF, laid out by WeasyPrint from the HTML export's own markup and a print stylesheet.

The page carries what the HTML download carries (the same template), with the user HTML
made XHTML-safe as for the EPUB: remote images become links, so WeasyPrint never fetches
anything (its URL fetcher refuses every request as well). Pages are A5, a book's size, or
US Letter; the footer numbers them; chapters start on a new page; fonts are embedded.

A long work with chapters is laid out in parts, one process per core (the setting
``FICSHELF_PDF_PROCESSES``), and the parts' PDFs are joined into the PDF one pass would make
(docs/decisions/0006-parallel-pdf-layout.md). Every chapter starts a page, so a part that
starts at a chapter lays out exactly as that stretch of the whole work does. Only the page
numbers depend on the parts before: the first part numbers its pages as the single pass
does, the others are laid out without numbers, which are laid over their pages once all
the parts are counted. So the print stylesheet must not style pages by their place
(``:left``, ``:right``, ``:nth()``) beyond the unnumbered first page.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

from ficshelf.downloads.document import ChapterDocument, WorkDocument
from ficshelf.downloads.exporters.epub import as_xhtml

logger = logging.getLogger(__name__)

# Below this the parts save under half a second (measured on 2 cores: see the decision
# record), not worth a process per core and its memory.
PARALLEL_MIN_WORDS = 20_000


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


@dataclass(frozen=True)
class Part:
    """A run of whole chapters laid out on its own. The first part carries the preface and
    numbers its pages; the others have no page numbers; the last carries the afterword."""

    chapters: list[ChapterDocument]
    is_first: bool
    is_last: bool


def pdf_html(doc: WorkDocument, paper: str = DEFAULT_PAPER) -> str:
    """The HTML WeasyPrint lays out: the HTML download's markup plus the print stylesheet."""
    return _pdf_html(as_xhtml(doc), paper, None)


def _pdf_html(xhtml_doc: WorkDocument, paper: str, part: Part | None) -> str:
    """``pdf_html`` of a document already made XHTML-safe, or of one part of it."""
    return render_to_string(
        "downloads/work.html",
        {"doc": xhtml_doc, "afterword_href": "", "paper": PAPERS[paper], "part": part},
    )


def page_numbers_html(paper: str, language_code: str, first: int, count: int) -> str:
    """Blank pages with only the footer, numbered ``first`` to ``first + count - 1``, after
    a leading page to drop: the first page of a document is unnumbered (``@page :first``),
    and it is where the page counter is set.

    The footer is styled by the print stylesheet alone (a page box inherits from the root
    element only), so the numbers look exactly as a single pass prints them.
    """
    assert first > 1, "the first page is the first part's own"
    paper_style = PAPERS[paper]
    css = render_to_string(
        "downloads/print.css",
        {
            "page_size": paper_style.css_size,
            "page_margin": paper_style.margin,
            "font_size": paper_style.font_size,
        },
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language_code)}">\n<head>\n<meta charset="utf-8" />'
        f"<style>{css}</style>\n<style>@page :first {{ counter-reset: page {first - 1}; }}\n"
        "div + div { break-before: page; }</style>\n"
        f"</head>\n<body>{'<div></div>' * (1 + count)}</body>\n</html>"
    )


def split_evenly(weights: list[int], count: int) -> list[range]:
    """At most ``count`` runs of consecutive indexes whose weights are as even as the
    indexes allow: each cut is the boundary nearest an even share of what is left."""
    count = max(1, min(count, len(weights)))
    running = list(itertools.accumulate(weights))
    cuts = [0]
    for n in range(1, count):
        done = running[cuts[-1] - 1] if cuts[-1] else 0
        share = done + (running[-1] - done) / (count - n + 1)
        after = bisect.bisect_left(running, share)
        if after > 0 and share - running[after - 1] < running[after] - share:
            after -= 1
        # Every run keeps at least one index.
        cuts.append(min(max(after + 1, cuts[-1] + 1), len(weights) - (count - n)))
    cuts.append(len(weights))
    return [range(start, end) for start, end in itertools.pairwise(cuts)]


def parts_for(doc: WorkDocument, processes: int) -> list[Part]:
    """How to lay the work out: one part (one pass), or one per process for a long work
    whose chapters start on pages of their own."""
    chapters = doc.chapters
    if processes < 2 or doc.word_count < PARALLEL_MIN_WORDS or not doc.has_chapter_headings:
        return [Part(chapters, is_first=True, is_last=True)]
    # The length of a chapter's HTML stands for its words (and the layout's work), and
    # costs nothing to measure.
    weights = [
        len(c.summary_html) + len(c.notes_html) + len(c.text_html) + len(c.end_notes_html)
        for c in chapters
    ]
    runs = split_evenly(weights, processes)
    return [
        Part(chapters[run.start : run.stop], is_first=n == 0, is_last=n == len(runs) - 1)
        for n, run in enumerate(runs)
    ]


def export_pdf(doc: WorkDocument, paper: str = DEFAULT_PAPER) -> bytes:
    xhtml_doc = as_xhtml(doc)
    parts = parts_for(xhtml_doc, settings.FICSHELF_PDF_PROCESSES)
    if len(parts) == 1:
        # Pango loads slowly: only when needed.
        from ficshelf.downloads.exporters.pdf_layout import write_pdf

        return write_pdf(_pdf_html(xhtml_doc, paper, None))
    return _export_in_parts(xhtml_doc, paper, parts)


def _export_in_parts(xhtml_doc: WorkDocument, paper: str, parts: list[Part]) -> bytes:
    from ficshelf.downloads.exporters import pdf_layout
    from ficshelf.downloads.exporters.pdf_join import join_parts
    from ficshelf.downloads.exporters.pdf_processes import run_in_processes

    laid_out = run_in_processes(
        pdf_layout.lay_out_part,
        [_pdf_html(xhtml_doc, paper, part) for part in parts],
        preload=pdf_layout.LAYOUT_PRELOAD,
    )
    # The pages after the first part's want numbers: as many runs as parts, of even length.
    numbered = laid_out[0].page_count
    page_count = sum(part.page_count for part in laid_out)
    runs = split_evenly([1] * (page_count - numbered), len(parts))
    numbering = [
        page_numbers_html(paper, xhtml_doc.language_code, numbered + run.start + 1, len(run))
        for run in runs
    ]
    page_numbers = run_in_processes(
        pdf_layout.lay_out_page_numbers, numbering, preload=pdf_layout.LAYOUT_PRELOAD
    )
    logger.info(
        "PDF of %d pages laid out in %d processes",
        page_count,
        len(parts),
        extra={"peak_memory_kib": [part.peak_memory_kib for part in laid_out]},
    )
    return join_parts(laid_out, page_numbers)

"""Importer for AO3's "work-page text" (format "ao3-text"): a work page selected and copied.

A browser copies a work page as its visible text, one block per line, with the page's
landmark headings left in: "Actions" (navigation), "Work Header", the tag block as label
lines ("Rating:", "Explicit", ...), the title, the byline, "Summary:", "Notes:", then either
"Work Text:" (a one-chapter work) or, per chapter, "Chapter 2: Title", "Summary:", "Notes:",
"Chapter Text", the text and its end "Notes:", and last the work's end "Notes:" and the page
footer. Paragraphs (``<p>``) come out separated by blank lines, ``<br>`` as single newlines.

Everything is found by those landmarks. The "(See the end of the work/chapter for more
notes.)" lines AO3 prints in the prefaces tell which trailing "Notes:" headings are end notes,
so a prose line that happens to read "Notes:" is only misread when no such hint exists.
"""

from __future__ import annotations

import pathlib

from ficshelf.importers.ao3_markup import parse_stats
from ficshelf.importers.ao3_text.chapters import check_has_text, read_chapters, shows_last_chapter
from ficshelf.importers.ao3_text.creators import apply_gift_line, creators_from_byline
from ficshelf.importers.ao3_text.landmarks import CHAPTER_TEXT, WORK_HEADER, WORK_TEXT, find_layout
from ficshelf.importers.ao3_text.paragraphs import paragraphs_html
from ficshelf.importers.ao3_text.preface import read_work_preface
from ficshelf.importers.ao3_text.sniffing import (
    clean_line,
    decode_file,
    decode_head,
    looks_like_markup,
    mentions_gate_page,
)
from ficshelf.importers.ao3_text.tags import apply_stats, apply_tag_block
from ficshelf.importers.base import ImportedWork, ImportFailed

__all__ = ["FORMAT", "can_parse", "parse", "parse_text"]

FORMAT = "ao3-text"


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    """UTF-8 text (not HTML, not binary) carrying a work page's landmark headings."""
    text = decode_head(head)
    if text is None or looks_like_markup(text):
        return False
    lines = {clean_line(line) for line in text.splitlines()}
    if lines & {WORK_TEXT, CHAPTER_TEXT, WORK_HEADER}:
        return True
    # So that a copied gate or error page gets parse()'s explanation, not "unknown format".
    return mentions_gate_page(text)


def parse(path: pathlib.Path) -> ImportedWork:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"cannot read {path.name}: {error.strerror}") from error
    return parse_text(decode_file(data, path.name))


def parse_text(text: str) -> ImportedWork:
    """Read the copied text of an AO3 work page; ImportFailed says why when it cannot."""
    if looks_like_markup(text):
        raise ImportFailed(
            "this is HTML, not text copied from a work page: import the saved page as HTML"
        )
    lines = [clean_line(line) for line in text.splitlines()]
    if not any(lines):
        raise ImportFailed("the file is empty")
    layout = find_layout(lines)
    preface = read_work_preface(lines[: layout.work_preface_end])
    stats = parse_stats(preface.tags.stats_text) if preface.tags.stats_text else None
    # The work's end notes are printed after the last chapter only: a chapter-by-chapter
    # copy of an earlier chapter has the preface's pointer to them but not the notes.
    work_end_notes_shown = preface.promises_end_notes and shows_last_chapter(layout, stats)
    chapters, end_notes_html = read_chapters(lines, layout, work_end_notes_shown)
    notices: list[str] = []
    work = ImportedWork(
        title=preface.title,
        chapters=chapters,
        creators=creators_from_byline(preface.byline, notices),
        summary_html=paragraphs_html(preface.sections.summary),
        notes_html=paragraphs_html(preface.sections.notes),
        end_notes_html=end_notes_html,
        source_format=FORMAT,
        notices=notices,
    )
    check_has_text(work)
    apply_gift_line(work, preface.sections.notes)
    apply_tag_block(work, preface.tags)
    apply_stats(work, stats, layout.is_single_chapter_form)
    return work

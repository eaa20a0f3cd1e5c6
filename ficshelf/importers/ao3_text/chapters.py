"""Chapters: each chapter's preface, text and end notes, and the work's end notes."""

from __future__ import annotations

from collections.abc import Sequence

from ficshelf.importers.ao3_markup import Stats
from ficshelf.importers.ao3_text.landmarks import CHAPTER_HEADING, NOTES, Layout
from ficshelf.importers.ao3_text.paragraphs import paragraphs_html
from ficshelf.importers.ao3_text.preface import split_sections
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed


def read_chapters(
    lines: Sequence[str], layout: Layout, work_end_notes_shown: bool
) -> tuple[list[ImportedChapter], str]:
    """The chapters, and the work's end notes (which follow the last chapter's text)."""
    chapters = []
    work_end_notes: list[str] = []
    for index, span in enumerate(layout.chapters):
        is_last = index == len(layout.chapters) - 1
        sections = split_sections(lines[span.preface_start : span.text_start - 1])
        text, chapter_end_notes, work_end_notes = _split_end_notes(
            lines[span.text_start : span.end],
            chapter_has_end_notes=sections.promises_end_notes,
            work_has_end_notes=is_last and work_end_notes_shown,
            is_last=is_last,
        )
        chapters.append(
            ImportedChapter(
                title=_chapter_title(span.heading),
                summary_html=paragraphs_html(sections.summary),
                notes_html=paragraphs_html(sections.notes),
                end_notes_html=paragraphs_html(chapter_end_notes),
                text_html=paragraphs_html(text, mark_scene_breaks=True),
            )
        )
    return chapters, paragraphs_html(work_end_notes)


def _split_end_notes(
    body: Sequence[str], *, chapter_has_end_notes: bool, work_has_end_notes: bool, is_last: bool
) -> tuple[list[str], list[str], list[str]]:
    """Split a chapter's lines into (text, chapter end notes, work end notes).

    End notes follow the text under a "Notes:" heading: the chapter's first, then, after the
    last chapter, the work's. The preface pointers say which exist, so the last headings are
    taken from the end; with no pointer at all (a partial copy) a trailing "Notes:" is still
    read as end notes: the work's after the last chapter, else the chapter's.
    """
    headings = [i for i, line in enumerate(body) if line == NOTES]
    if chapter_has_end_notes and work_has_end_notes and len(headings) < 2:
        # The chapter's own pointer is the surer claim about what follows its text.
        work_has_end_notes = False
    wanted = int(chapter_has_end_notes) + int(work_has_end_notes)
    if wanted == 0 and headings:
        wanted = 1
        work_has_end_notes = is_last
    taken = headings[len(headings) - min(wanted, len(headings)) :]
    if not taken:
        return list(body), [], []
    text = list(body[: taken[0]])
    blocks = [
        list(body[start + 1 : end])
        for start, end in zip(taken, [*taken[1:], len(body)], strict=True)
    ]
    if len(blocks) == 2:
        return text, blocks[0], blocks[1]
    return (text, [], blocks[0]) if work_has_end_notes else (text, blocks[0], [])


def shows_last_chapter(layout: Layout, stats: Stats | None) -> bool:
    """False only when the copy's last heading says an earlier chapter than AO3 has posted."""
    match = CHAPTER_HEADING.match(layout.chapters[-1].heading)
    if match is None or stats is None or stats.posted_chapter_count is None:
        return True
    return int(match.group("number")) >= stats.posted_chapter_count


def _chapter_title(heading: str) -> str:
    match = CHAPTER_HEADING.match(heading)
    return (match.group("title") or "").strip() if match else ""


def check_has_text(work: ImportedWork) -> None:
    if not any(chapter.text_html for chapter in work.chapters):
        raise ImportFailed("the work has no text after its “Work Text:”/“Chapter Text” line")

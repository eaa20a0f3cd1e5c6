"""Where things are: the landmark headings, and the line spans of the preface and each chapter."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ficshelf.importers.ao3_text.sniffing import refuse_pages_that_are_not_works
from ficshelf.importers.base import ImportFailed

WORK_TEXT = "Work Text:"
CHAPTER_TEXT = "Chapter Text"
WORK_HEADER = "Work Header"
SUMMARY = "Summary:"
NOTES = "Notes:"

# Landmark headings that are page furniture wherever they appear before the title.
HEADER_CHROME = frozenset({"Actions", WORK_HEADER, "Skip header"})

# Lines that start the page footer after the last chapter: nothing from there on is the work.
_FOOTER_STARTS = frozenset(
    {"Actions", "↑ Top", "Series this work belongs to:", "Works inspired by this one:"}
)
_KUDOS_LINE = re.compile(r"left kudos on this work!$")

# The preface's pointer to end notes. AO3 words it "more notes", "notes", "other works
# inspired by this one" or "more notes and other works ..." (works/_work_header_notes).
JUMP = re.compile(r"^\(\s*See the end of the (?P<scope>work|chapter) for\b.*\)$", re.IGNORECASE)
CHAPTER_HEADING = re.compile(r"^Chapter\s+(?P<number>\d+)\s*(?::\s*(?P<title>.*))?$")
# Shown to the work's own creators only, just above a chapter heading, with a few links.
_CHAPTER_MANAGEMENT = "Chapter Management"
_CHAPTER_MANAGEMENT_MAX_LINES = 8


@dataclass
class ChapterSpan:
    heading: str  # "" when the copy has no "Chapter N" line before this chapter's text
    preface_start: int
    text_start: int  # the line after the "Chapter Text" / "Work Text:" landmark
    end: int


@dataclass
class Layout:
    work_preface_end: int
    is_single_chapter_form: bool
    chapters: list[ChapterSpan]


def find_layout(lines: Sequence[str]) -> Layout:
    landmarks = [i for i, line in enumerate(lines) if line in (WORK_TEXT, CHAPTER_TEXT)]
    if not landmarks:
        refuse_pages_that_are_not_works(lines)
        raise ImportFailed(
            "this file does not look like an AO3 work page copy: it has no “Work Text:” or "
            "“Chapter Text” line (select the whole work page on AO3, copy it and save it)"
        )
    if lines[landmarks[0]] == WORK_TEXT:
        # A one-chapter page has exactly one text; a later "Work Text:" line is prose.
        start = landmarks[0]
        span = ChapterSpan("", start, start + 1, _footer_start(lines, start + 1))
        return Layout(work_preface_end=start, is_single_chapter_form=True, chapters=[span])
    landmarks = [i for i in landmarks if lines[i] == CHAPTER_TEXT]
    floors = [-1, *landmarks[:-1]]  # exclusive: a copy may start at the first heading
    headings = [
        _heading_before(lines, landmark, floor)
        for landmark, floor in zip(landmarks, floors, strict=True)
    ]
    starts = [
        landmark if heading is None else heading
        for heading, landmark in zip(headings, landmarks, strict=True)
    ]
    ends = [*starts[1:], _footer_start(lines, landmarks[-1] + 1)]
    chapters = [
        ChapterSpan(
            heading=lines[heading] if heading is not None else "",
            preface_start=start + 1 if heading is not None else start,
            text_start=landmark + 1,
            end=_before_chapter_management(lines, landmark + 1, end),
        )
        for heading, start, landmark, end in zip(headings, starts, landmarks, ends, strict=True)
    ]
    preface_end = _before_chapter_management(lines, 0, starts[0])
    return Layout(work_preface_end=preface_end, is_single_chapter_form=False, chapters=chapters)


def _heading_before(lines: Sequence[str], landmark: int, floor: int) -> int | None:
    """The nearest "Chapter N[: Title]" line above a "Chapter Text" landmark.

    Nearest, because only the chapter's summary and notes sit between its heading and its
    text, while the previous chapter's prose above may itself contain a "Chapter 3" line.
    """
    for index in range(landmark - 1, floor, -1):
        if CHAPTER_HEADING.match(lines[index]):
            return index
    return None


def _before_chapter_management(lines: Sequence[str], start: int, end: int) -> int:
    """Where a creator's "Chapter Management" links start, just above a chapter heading."""
    for index in range(end - 1, max(start, end - _CHAPTER_MANAGEMENT_MAX_LINES) - 1, -1):
        if lines[index] == _CHAPTER_MANAGEMENT:
            return index
    return end


def _footer_start(lines: Sequence[str], start: int) -> int:
    for index in range(start, len(lines)):
        if lines[index] in _FOOTER_STARTS or _KUDOS_LINE.search(lines[index]):
            return index
    return len(lines)

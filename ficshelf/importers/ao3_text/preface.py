"""Prefaces: the work's title, byline and tag block, and any preface's summary and notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ficshelf.importers.ao3_text.landmarks import HEADER_CHROME, JUMP, NOTES, SUMMARY, WORK_HEADER
from ficshelf.importers.ao3_text.tag_block import TagBlock, read_tag_block
from ficshelf.importers.base import ImportFailed


@dataclass
class Sections:
    """A preface split at its "Summary:" and "Notes:" headings."""

    before: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    promises_end_notes: bool = False


def split_sections(lines: Iterable[str]) -> Sections:
    sections = Sections()
    bucket = sections.before
    for line in lines:
        if line == SUMMARY:
            bucket = sections.summary
        elif line == NOTES:
            bucket = sections.notes
        elif JUMP.match(line):
            # AO3 regenerates this pointer itself; it only tells us end notes exist.
            sections.promises_end_notes = sections.promises_end_notes or "notes" in line
        else:
            bucket.append(line)
    return sections


@dataclass
class WorkPreface:
    title: str
    byline: list[str]
    sections: Sections
    tags: TagBlock

    @property
    def promises_end_notes(self) -> bool:
        return self.sections.promises_end_notes


def read_work_preface(lines: Sequence[str]) -> WorkPreface:
    start = lines.index(WORK_HEADER) + 1 if WORK_HEADER in lines else 0
    tags, start = read_tag_block(lines, start)
    sections = split_sections(lines[start:])
    heading_lines = [line for line in sections.before if line and line not in HEADER_CHROME]
    if not heading_lines:
        raise ImportFailed(
            "the work has no title: the copy should hold the title line between the tags "
            "and “Summary:” (copy the whole work page, from “Work Header” on)"
        )
    return WorkPreface(heading_lines[0], heading_lines[1:], sections, tags)

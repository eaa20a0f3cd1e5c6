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

import html
import pathlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ficshelf.importers.ao3_markup import Stats, parse_stats, pseud_name
from ficshelf.importers.base import (
    ImportedChapter,
    ImportedSeriesPart,
    ImportedWork,
    ImportFailed,
    ImportRefused,
)

FORMAT = "ao3-text"

WORK_TEXT = "Work Text:"
CHAPTER_TEXT = "Chapter Text"
WORK_HEADER = "Work Header"
SUMMARY = "Summary:"
NOTES = "Notes:"

# Landmark headings that are page furniture wherever they appear before the title.
_HEADER_CHROME = frozenset({"Actions", WORK_HEADER, "Skip header"})

# Lines that start the page footer after the last chapter: nothing from there on is the work.
_FOOTER_STARTS = frozenset(
    {"Actions", "↑ Top", "Series this work belongs to:", "Works inspired by this one:"}
)
_KUDOS_LINE = re.compile(r"left kudos on this work!$")

# The preface's pointer to end notes. AO3 words it "more notes", "notes", "other works
# inspired by this one" or "more notes and other works ..." (works/_work_header_notes).
_JUMP = re.compile(r"^\(\s*See the end of the (?P<scope>work|chapter) for\b.*\)$", re.IGNORECASE)
_CHAPTER_HEADING = re.compile(r"^Chapter\s+(?P<number>\d+)\s*(?::\s*(?P<title>.*))?$")
# Shown to the work's own creators only, just above a chapter heading, with a few links.
_CHAPTER_MANAGEMENT = "Chapter Management"
_CHAPTER_MANAGEMENT_MAX_LINES = 8

# Scene breaks: a line made only of these marks ("…..", "* * *", "~~~"). At least two marks,
# so a lone "…" or "—" (a silence in dialogue) stays prose; a line that goes on with words
# ("…until he couldn't") is prose by construction.
_SCENE_BREAK_MARKS = frozenset(".…·•*~-–—_=#+⁂❖◇◆✦✧※°☆★ ")
_SINGLE_MARK_SCENE_BREAKS = frozenset({"⁂", "❖", "※"})

# Zero-width characters that browsers copy around links and that make a blank line non-blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

# --- the tag block ------------------------------------------------------------------------

# Work page labels, singular or plural by AO3 version, mapped to ImportedWork fields.
_TAG_FIELD_BY_LABEL = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tag": "freeforms",
    "additional tags": "freeforms",
    "language": "language",
    "series": "series",
    "collection": "collections",
    "collections": "collections",
}
_STATS_LABELS = (
    "Stats",
    "Published",
    "Updated",
    "Completed",
    "Words",
    "Chapters",
    "Comments",
    "Kudos",
    "Bookmarks",
    "Hits",
)
_STATS_LABELS_LOWER = frozenset(label.lower() for label in _STATS_LABELS)
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<value>.*)$")
_ENDS_WITH_STATS_LABEL = re.compile(
    r"\b(?:" + "|".join(_STATS_LABELS) + r")\s*:\s*$", re.IGNORECASE
)

# AO3's fixed vocabularies: a copied value with these run together ("F/MM/M") can be split
# exactly. Longest first so "Underage Sex" wins over "Underage".
_RATINGS = ("Teen And Up Audiences", "General Audiences", "Not Rated", "Explicit", "Mature")
_WARNINGS = (
    "Creator Chose Not To Use Archive Warnings",
    "Choose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "No Archive Warnings Apply",
    "Major Character Death",
    "Underage Sex",
    "Rape/Non-Con",
    "Underage",
)
_CATEGORIES = ("Multi", "Other", "F/F", "F/M", "M/M", "Gen")

# AO3 puts the commas between tags with CSS (ul.commas li:after), which a copy does not
# carry, so each tag link's text runs into the next: "Happy EndingHurt/ComfortSlow Burn".
# Three lowercase letters then a capital, or ")" then a letter, rarely occurs inside one tag
# ("McGonagall", "DeLuca" and "Sakura (Naruto)/Kakashi" pass); a false alarm only costs a
# notice, because the value is kept as it is either way.
_RUN_TOGETHER = re.compile(r"[a-z]{3}[A-Z]|\)[^\W\d_]")
_MIN_RUN_TOGETHER_LENGTH = 10

_SERIES_PART = re.compile(
    r"Part\s+(?P<position>\d+)\s+of\s+(?P<title>.+?)\s*"
    r"(?=,?\s*(?:[«»←→]|Previous Work|Next Work|Part\s+\d+\s+of\s)|$)"
)
# Older pages say "Part 1 of the <a>Counting Drabbles</a> series".
_SERIES_THE_X_SERIES = re.compile(r"^the\s+(?P<title>.+)\s+series$")

# The notes module starts with "For <recipient>." when the work is a gift.
_GIFT_LINE = re.compile(r"^For\s+(?P<names>.+)\.$")
_GIFT_NAME_MAX_WORDS = 3
# "For my sister." is a dedication in the author's words, not an AO3 gift line.
_NOT_A_RECIPIENT = frozenset(
    {"a", "all", "an", "any", "anyone", "everyone", "her", "his", "my", "our", "the",
     "their", "those", "you", "your"}
)  # fmt: skip

# Pages a reader may copy instead of the work: refuse them with what to do instead.
_GATE_PAGES = (
    (
        "This work could have adult content. If you continue",
        "this is AO3's adult-content warning page, not the work: choose “Yes, Continue” "
        "on AO3 and copy the work page that follows",
    ),
    (
        "This work is only available to registered users of the Archive.",
        "this is AO3's “registered users only” page: log in to AO3 and copy the work page",
    ),
)
_ERROR_PAGES = (
    (
        "The page you were looking for doesn't exist.",
        "this is AO3's “page not found” error, not a work",
    ),
    (
        "will be revealed soon!",
        "this work is in an unrevealed collection on AO3 and its text is not shown yet",
    ),
    ("Retry later", "this is AO3's “Retry later” page: AO3 was busy, copy the work again"),
)
_NOT_A_WORK = _GATE_PAGES + _ERROR_PAGES


# --- entry points -------------------------------------------------------------------------


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    """UTF-8 text (not HTML, not binary) carrying a work page's landmark headings."""
    text = _decode_head(head)
    if text is None or _looks_like_markup(text):
        return False
    lines = {_clean_line(line) for line in text.splitlines()}
    if lines & {WORK_TEXT, CHAPTER_TEXT, WORK_HEADER}:
        return True
    # So that a copied gate or error page gets parse()'s explanation, not "unknown format".
    return any(marker in text for marker, _reason in _GATE_PAGES)


def parse(path: pathlib.Path) -> ImportedWork:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"cannot read {path.name}: {error.strerror}") from error
    return parse_text(_decode_file(data, path.name))


def parse_text(text: str) -> ImportedWork:
    """Read the copied text of an AO3 work page; ImportFailed says why when it cannot."""
    if _looks_like_markup(text):
        raise ImportFailed(
            "this is HTML, not text copied from a work page: import the saved page as HTML"
        )
    lines = [_clean_line(line) for line in text.splitlines()]
    if not any(lines):
        raise ImportFailed("the file is empty")
    layout = _find_layout(lines)
    preface = _read_work_preface(lines[: layout.work_preface_end])
    stats = parse_stats(preface.tags.stats_text) if preface.tags.stats_text else None
    # The work's end notes are printed after the last chapter only: a chapter-by-chapter
    # copy of an earlier chapter has the preface's pointer to them but not the notes.
    work_end_notes_shown = preface.promises_end_notes and _shows_last_chapter(layout, stats)
    chapters, end_notes_html = _read_chapters(lines, layout, work_end_notes_shown)
    notices: list[str] = []
    work = ImportedWork(
        title=preface.title,
        chapters=chapters,
        creators=_creators_from_byline(preface.byline, notices),
        summary_html=_paragraphs_html(preface.sections.summary),
        notes_html=_paragraphs_html(preface.sections.notes),
        end_notes_html=end_notes_html,
        source_format=FORMAT,
        notices=notices,
    )
    _check_has_text(work)
    _apply_gift_line(work, preface.sections.notes)
    _apply_tag_block(work, preface.tags)
    _apply_stats(work, stats, layout.is_single_chapter_form)
    return work


# --- reading bytes ------------------------------------------------------------------------


def _decode_head(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The 64 KiB head may end in the middle of a character: that is not bad UTF-8.
        if error.reason == "unexpected end of data":
            return head[: error.start].decode("utf-8-sig", errors="strict")
        return None


def _decode_file(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise ImportFailed(f"{name} is a binary file, not text copied from an AO3 work page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"{name} is not UTF-8 text (undecodable byte at offset {error.start}): "
            "save the copied text as UTF-8 and import it again"
        ) from error


def _looks_like_markup(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return start.startswith(("<!doctype", "<html", "<?xml", "<head", "<body"))


def _clean_line(line: str) -> str:
    return line.strip().strip(_INVISIBLE).strip()


# --- where things are ---------------------------------------------------------------------


@dataclass
class _ChapterSpan:
    heading: str  # "" when the copy has no "Chapter N" line before this chapter's text
    preface_start: int
    text_start: int  # the line after the "Chapter Text" / "Work Text:" landmark
    end: int


@dataclass
class _Layout:
    work_preface_end: int
    is_single_chapter_form: bool
    chapters: list[_ChapterSpan]


def _find_layout(lines: Sequence[str]) -> _Layout:
    landmarks = [i for i, line in enumerate(lines) if line in (WORK_TEXT, CHAPTER_TEXT)]
    if not landmarks:
        _refuse_pages_that_are_not_works(lines)
        raise ImportFailed(
            "this file does not look like an AO3 work page copy: it has no “Work Text:” or "
            "“Chapter Text” line (select the whole work page on AO3, copy it and save it)"
        )
    if lines[landmarks[0]] == WORK_TEXT:
        # A one-chapter page has exactly one text; a later "Work Text:" line is prose.
        start = landmarks[0]
        span = _ChapterSpan("", start, start + 1, _footer_start(lines, start + 1))
        return _Layout(work_preface_end=start, is_single_chapter_form=True, chapters=[span])
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
        _ChapterSpan(
            heading=lines[heading] if heading is not None else "",
            preface_start=start + 1 if heading is not None else start,
            text_start=landmark + 1,
            end=_before_chapter_management(lines, landmark + 1, end),
        )
        for heading, start, landmark, end in zip(headings, starts, landmarks, ends, strict=True)
    ]
    preface_end = _before_chapter_management(lines, 0, starts[0])
    return _Layout(work_preface_end=preface_end, is_single_chapter_form=False, chapters=chapters)


def _heading_before(lines: Sequence[str], landmark: int, floor: int) -> int | None:
    """The nearest "Chapter N[: Title]" line above a "Chapter Text" landmark.

    Nearest, because only the chapter's summary and notes sit between its heading and its
    text, while the previous chapter's prose above may itself contain a "Chapter 3" line.
    """
    for index in range(landmark - 1, floor, -1):
        if _CHAPTER_HEADING.match(lines[index]):
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


def _refuse_pages_that_are_not_works(lines: Sequence[str]) -> None:
    text = "\n".join(lines)
    for marker, reason in _NOT_A_WORK:
        if marker in text:
            raise ImportRefused(reason)


# --- prefaces -----------------------------------------------------------------------------


@dataclass
class _Sections:
    """A preface split at its "Summary:" and "Notes:" headings."""

    before: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    promises_end_notes: bool = False


def _split_sections(lines: Iterable[str]) -> _Sections:
    sections = _Sections()
    bucket = sections.before
    for line in lines:
        if line == SUMMARY:
            bucket = sections.summary
        elif line == NOTES:
            bucket = sections.notes
        elif _JUMP.match(line):
            # AO3 regenerates this pointer itself; it only tells us end notes exist.
            sections.promises_end_notes = sections.promises_end_notes or "notes" in line
        else:
            bucket.append(line)
    return sections


@dataclass
class _TagBlock:
    values: dict[str, list[str]] = field(default_factory=dict)  # field name -> value lines
    labels: dict[str, str] = field(default_factory=dict)  # field name -> label as written
    stats_text: str = ""


@dataclass
class _WorkPreface:
    title: str
    byline: list[str]
    sections: _Sections
    tags: _TagBlock

    @property
    def promises_end_notes(self) -> bool:
        return self.sections.promises_end_notes


def _read_work_preface(lines: Sequence[str]) -> _WorkPreface:
    start = lines.index(WORK_HEADER) + 1 if WORK_HEADER in lines else 0
    tags, start = _read_tag_block(lines, start)
    sections = _split_sections(lines[start:])
    heading_lines = [line for line in sections.before if line and line not in _HEADER_CHROME]
    if not heading_lines:
        raise ImportFailed(
            "the work has no title: the copy should hold the title line between the tags "
            "and “Summary:” (copy the whole work page, from “Work Header” on)"
        )
    return _WorkPreface(heading_lines[0], heading_lines[1:], sections, tags)


def _read_tag_block(lines: Sequence[str], start: int) -> tuple[_TagBlock, int]:
    """Read the "Label:" / value lines that follow "Work Header"; return where they end.

    A value may share its label's line ("Rating: Explicit") or follow on one or more lines.
    Without stats at the end nothing marks where the values stop, so each then gets one line.
    """
    block = _TagBlock()
    multi_line_values = any(_label_of(line)[0] in _STATS_LABELS_LOWER for line in lines[start:])
    stats_lines: list[str] = []
    current = ""
    awaiting_stat = False
    position = start
    while position < len(lines):
        line = lines[position]
        label, value = _label_of(line)
        if not line or line in _HEADER_CHROME:
            pass
        elif label in _STATS_LABELS_LOWER or awaiting_stat:
            stats_lines.append(line)
            awaiting_stat = bool(_ENDS_WITH_STATS_LABEL.search(line))
        elif stats_lines:
            break  # stats come last: the title follows them
        elif label in _TAG_FIELD_BY_LABEL:
            current = _TAG_FIELD_BY_LABEL[label]
            block.labels[current] = line.partition(":")[0].strip()
            block.values.setdefault(current, []).extend([value] if value else [])
        elif current and (multi_line_values or not block.values[current]):
            block.values[current].append(line)
        else:
            break
        position += 1
    block.stats_text = " ".join(stats_lines)
    return block, position


def _label_of(line: str) -> tuple[str, str]:
    """("archive warnings", "value on the same line") for a label line, else ("", "")."""
    match = _LABEL_LINE.match(line)
    if not match:
        return "", ""
    return match.group("label").lower(), match.group("value").strip()


# --- chapters -----------------------------------------------------------------------------


def _read_chapters(
    lines: Sequence[str], layout: _Layout, work_end_notes_shown: bool
) -> tuple[list[ImportedChapter], str]:
    """The chapters, and the work's end notes (which follow the last chapter's text)."""
    chapters = []
    work_end_notes: list[str] = []
    for index, span in enumerate(layout.chapters):
        is_last = index == len(layout.chapters) - 1
        sections = _split_sections(lines[span.preface_start : span.text_start - 1])
        text, chapter_end_notes, work_end_notes = _split_end_notes(
            lines[span.text_start : span.end],
            chapter_has_end_notes=sections.promises_end_notes,
            work_has_end_notes=is_last and work_end_notes_shown,
            is_last=is_last,
        )
        chapters.append(
            ImportedChapter(
                title=_chapter_title(span.heading),
                summary_html=_paragraphs_html(sections.summary),
                notes_html=_paragraphs_html(sections.notes),
                end_notes_html=_paragraphs_html(chapter_end_notes),
                text_html=_paragraphs_html(text, mark_scene_breaks=True),
            )
        )
    return chapters, _paragraphs_html(work_end_notes)


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


def _shows_last_chapter(layout: _Layout, stats: Stats | None) -> bool:
    """False only when the copy's last heading says an earlier chapter than AO3 has posted."""
    match = _CHAPTER_HEADING.match(layout.chapters[-1].heading)
    if match is None or stats is None or stats.posted_chapter_count is None:
        return True
    return int(match.group("number")) >= stats.posted_chapter_count


def _chapter_title(heading: str) -> str:
    match = _CHAPTER_HEADING.match(heading)
    return (match.group("title") or "").strip() if match else ""


def _check_has_text(work: ImportedWork) -> None:
    if not any(chapter.text_html for chapter in work.chapters):
        raise ImportFailed("the work has no text after its “Work Text:”/“Chapter Text” line")


# --- text to HTML -------------------------------------------------------------------------


def _paragraphs_html(lines: Sequence[str], *, mark_scene_breaks: bool = False) -> str:
    """Blank-line-separated blocks become <p>, line breaks inside a block <br />, as on AO3."""
    blocks = _blocks(lines)
    if len(blocks) == 1:
        # A copy with no blank line anywhere (some editors drop them) still has one
        # paragraph per line, not one paragraph of a thousand <br />.
        blocks = [[line] for line in blocks[0]]
    paragraphs: list[str] = []
    for block in blocks:
        run: list[str] = []
        for line in block:
            if mark_scene_breaks and _is_scene_break(line):
                paragraphs.extend(_paragraph(run))
                run = []
                paragraphs.append(f'<p class="scene-break">{_escape(line)}</p>')
            else:
                run.append(line)
        paragraphs.extend(_paragraph(run))
    return "\n".join(paragraphs)


def _blocks(lines: Iterable[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _paragraph(lines: Sequence[str]) -> list[str]:
    if not lines:
        return []
    return ["<p>" + "<br />\n".join(_escape(line) for line in lines) + "</p>"]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _is_scene_break(line: str) -> bool:
    marks = line.replace(" ", "")
    if marks in _SINGLE_MARK_SCENE_BREAKS:
        return True
    return len(marks) >= 2 and all(char in _SCENE_BREAK_MARKS for char in marks)


# --- creators and gifts -------------------------------------------------------------------


def _creators_from_byline(byline: Sequence[str], notices: list[str]) -> list[str]:
    text = ", ".join(byline)
    text = re.sub(r"^by\s+", "", text, flags=re.IGNORECASE).strip()
    if not text:
        return []
    if text == "Anonymous":
        notices.append("the work is anonymous on AO3: no creator name is in the copy")
        return []
    names = _split_names(text)
    if len(names) > 1 and "," not in text:
        # AO3's own byline separates creators with commas; "A and B" is read as two, but a
        # pseud may itself contain " and ", so say so.
        notices.append(
            f"the byline “{text}” was read as {len(names)} creators ({', '.join(names)}); "
            "if it is one name, import with --as"
        )
    return _unique(pseud_name(name) for name in names)


def _split_names(text: str) -> list[str]:
    """Names from AO3's "A, B, and C" or a hand-typed "A and B" (commas win if present)."""
    if "," in text:
        parts = [re.sub(r"^and\s+", "", part.strip()) for part in text.split(",")]
    else:
        parts = re.split(r"\s+and\s+", text)
    return [part.strip() for part in parts if part.strip()]


def _apply_gift_line(work: ImportedWork, notes: list[str]) -> None:
    """AO3 opens the notes with "For <recipient>." for a gift; the site writes it itself."""
    first = next((index for index, line in enumerate(notes) if line), None)
    if first is None:
        return
    match = _GIFT_LINE.match(notes[first])
    if not match:
        return
    names = _split_names(match.group("names"))
    if not names or not all(_could_be_recipient(name) for name in names):
        return
    work.gift_recipients = names
    work.notes_html = _paragraphs_html(notes[first + 1 :])
    work.notices.append(
        f"“{notes[first]}” at the top of the notes was read as a gift to {', '.join(names)}"
    )


def _could_be_recipient(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= _GIFT_NAME_MAX_WORDS and words[0].lower() not in _NOT_A_RECIPIENT


# --- tags, series and stats ---------------------------------------------------------------


def _apply_tag_block(work: ImportedWork, block: _TagBlock) -> None:
    def values(name: str) -> list[str]:
        return block.values.get(name, [])

    def label(name: str) -> str:
        return block.labels.get(name, name)

    notices = work.notices
    ratings = _names_from_lines(label("rating"), values("rating"), notices, _RATINGS)
    work.rating = ratings[0] if ratings else ""
    work.warnings = _names_from_lines(label("warnings"), values("warnings"), notices, _WARNINGS)
    work.categories = _names_from_lines(
        label("categories"), values("categories"), notices, _CATEGORIES
    )
    for name in ("fandoms", "relationships", "characters", "freeforms", "collections"):
        setattr(work, name, _names_from_lines(label(name), values(name), notices))
    work.language = " ".join(values("language"))
    work.series = _series_parts(" ".join(values("series")))


def _names_from_lines(
    label: str, lines: Sequence[str], notices: list[str], vocabulary: Sequence[str] = ()
) -> list[str]:
    names: list[str] = []
    for line in lines:
        if "," in line:
            names.extend(part.strip() for part in line.split(","))
            continue
        known = _split_by_vocabulary(line, vocabulary)
        if known is not None:
            names.extend(known)
            continue
        if _looks_run_together(line):
            notices.append(
                f"{label}: tags pasted without separators were kept as one tag: “{line}” "
                "(split it into its tags after the import)"
            )
        names.append(line)
    return _unique(name for name in names if name)


def _split_by_vocabulary(text: str, vocabulary: Sequence[str]) -> list[str] | None:
    """Split AO3 names run together ("F/MM/M" -> F/M, M/M); None if anything else is left."""
    if not vocabulary:
        return None
    names = []
    rest = text.strip()
    while rest:
        name = next((name for name in vocabulary if rest.lower().startswith(name.lower())), None)
        if name is None:
            return None
        names.append(name)
        rest = rest[len(name) :].strip()
    return names


def _looks_run_together(value: str) -> bool:
    return len(value) >= _MIN_RUN_TOGETHER_LENGTH and bool(_RUN_TOGETHER.search(value))


def _series_parts(text: str) -> list[ImportedSeriesPart]:
    parts = []
    for match in _SERIES_PART.finditer(text):
        title = match.group("title").strip(" ,")
        old_style = _SERIES_THE_X_SERIES.match(title)
        parts.append(
            ImportedSeriesPart(
                title=old_style.group("title") if old_style else title,
                position=int(match.group("position")),
            )
        )
    return parts


def _apply_stats(work: ImportedWork, stats: Stats | None, single_chapter_form: bool) -> None:
    if stats is not None:
        work.published_on = stats.published_on
        work.updated_on = stats.updated_on
        work.completed_on = stats.completed_on
    if stats is not None and stats.posted_chapter_count is not None:
        work.expected_chapter_count = stats.expected_chapter_count
        if stats.posted_chapter_count != len(work.chapters):
            work.notices.append(
                f"AO3 says {stats.posted_chapter_count} chapters are posted but the copy holds "
                f"{len(work.chapters)} (copy the page in “Entire Work” view to get them all)"
            )
    elif single_chapter_form:
        # AO3 shows "Work Text:" only for works planned as one chapter; the others get
        # "Chapter 1" and "Chapter Text" even while a single chapter is posted.
        work.expected_chapter_count = 1


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))

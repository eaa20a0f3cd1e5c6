"""From the tag block's values to the work's tags, series, dates and chapter count."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ficshelf.core.sequences import unique_in_order
from ficshelf.importers.ao3_markup import Stats
from ficshelf.importers.ao3_text.tag_block import TagBlock
from ficshelf.importers.base import ImportedSeriesPart, ImportedWork

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


def apply_tag_block(work: ImportedWork, block: TagBlock) -> None:
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
    return unique_in_order(name for name in names if name)


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


def apply_stats(work: ImportedWork, stats: Stats | None, single_chapter_form: bool) -> None:
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

"""The tag block: the "Label:" / value lines after "Work Header", ending with the stats."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ficshelf.importers.ao3_text.landmarks import HEADER_CHROME

# Work page labels, singular or plural by AO3 version, mapped to ImportedWork fields.
# Narrower than ao3_markup's table on purpose: in pasted text a line such as "Warnings:"
# is as likely to open an author's own note as to be a tag label, so only AO3's exact
# copied labels count.
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


@dataclass
class TagBlock:
    values: dict[str, list[str]] = field(default_factory=dict)  # field name -> value lines
    labels: dict[str, str] = field(default_factory=dict)  # field name -> label as written
    stats_text: str = ""


def read_tag_block(lines: Sequence[str], start: int) -> tuple[TagBlock, int]:
    """Read the "Label:" / value lines that follow "Work Header"; return where they end.

    A value may share its label's line ("Rating: Explicit") or follow on one or more lines.
    Without stats at the end nothing marks where the values stop, so each then gets one line.
    """
    block = TagBlock()
    multi_line_values = any(_label_of(line)[0] in _STATS_LABELS_LOWER for line in lines[start:])
    stats_lines: list[str] = []
    current = ""
    awaiting_stat = False
    position = start
    while position < len(lines):
        line = lines[position]
        label, value = _label_of(line)
        if not line or line in HEADER_CHROME:
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

"""Creators from the byline, and gift recipients from the notes' "For <recipient>." line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ficshelf.core.sequences import unique_in_order
from ficshelf.importers.ao3_markup import pseud_name
from ficshelf.importers.ao3_text.paragraphs import paragraphs_html
from ficshelf.importers.base import ImportedWork

# The notes module starts with "For <recipient>." when the work is a gift.
_GIFT_LINE = re.compile(r"^For\s+(?P<names>.+)\.$")
_GIFT_NAME_MAX_WORDS = 3
# "For my sister." is a dedication in the author's words, not an AO3 gift line.
_NOT_A_RECIPIENT = frozenset(
    {"a", "all", "an", "any", "anyone", "everyone", "her", "his", "my", "our", "the",
     "their", "those", "you", "your"}
)  # fmt: skip


def creators_from_byline(byline: Sequence[str], notices: list[str]) -> list[str]:
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
    return unique_in_order(pseud_name(name) for name in names)


def _split_names(text: str) -> list[str]:
    """Names from AO3's "A, B, and C" or a hand-typed "A and B" (commas win if present)."""
    if "," in text:
        parts = [re.sub(r"^and\s+", "", part.strip()) for part in text.split(",")]
    else:
        parts = re.split(r"\s+and\s+", text)
    return [part.strip() for part in parts if part.strip()]


def apply_gift_line(work: ImportedWork, notes: list[str]) -> None:
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
    work.notes_html = paragraphs_html(notes[first + 1 :])
    work.notices.append(
        f"“{notes[first]}” at the top of the notes was read as a gift to {', '.join(names)}"
    )


def _could_be_recipient(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= _GIFT_NAME_MAX_WORDS and words[0].lower() not in _NOT_A_RECIPIENT

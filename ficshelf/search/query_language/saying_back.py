"""Saying a ``ParsedSearch`` back to the reader, as a short summary above the results."""

from __future__ import annotations

import datetime

from ficshelf.search.query import (
    AllOf,
    AnyOf,
    DateRange,
    IntRange,
    Not,
    TextField,
    TextNode,
    Words,
)
from ficshelf.search.query_language.tree import ParsedSearch
from ficshelf.search.query_language.vocabulary import TAG_TYPE_LABELS, CountName

# --- Saying it back ---------------------------------------------------------------------------

FIELD_PHRASES: dict[TextField | None, str] = {
    None: "",
    "title": " in the title",
    "creator": " in the creator names",
    "summary": " in the summary",
    "notes": " in the notes",
    "tag": " in the tags",
    "text": " in the story text",
}
COUNT_LABELS: dict[CountName, str] = {
    "words": "words",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
}


def _describe_node(node: TextNode, *, nested: bool = False) -> str:
    if isinstance(node, Words):
        kind = "phrase" if node.is_phrase else ("word" if " " not in node.text else "words")
        return f'{kind} "{node.text}"{FIELD_PHRASES[node.field]}'
    if isinstance(node, Not):
        return f"not {_describe_node(node.part, nested=True)}"
    joiner = " and " if isinstance(node, AllOf) else " or "
    described = joiner.join(_describe_node(part, nested=True) for part in node.parts)
    if isinstance(node, AnyOf):
        described = f"either {described}"
    return f"({described})" if nested else described


def _describe_count(range_: IntRange, label: str) -> str | None:
    low, high = range_.low, range_.high
    if low is not None and high is not None:
        if low == high:
            return f"exactly {low:,} {label}"
        return f"{low:,} to {high:,} {label}"
    if low is not None:
        return f"more than {low - 1:,} {label}" if low > 0 else None
    if high is not None:
        return f"fewer than {high + 1:,} {label}" if high > 0 else f"no {label}"
    return None


def _show_date(day: datetime.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def _describe_dates(range_: DateRange, label: str) -> str | None:
    since, until = range_.since, range_.until
    if since is not None and until is not None:
        if since == until:
            return f"{label} on {_show_date(since)}"
        return f"{label} {_show_date(since)} to {_show_date(until)}"
    if since is not None:
        return f"{label} since {_show_date(since)}"
    if until is not None:
        return f"{label} until {_show_date(until)}"
    return None


def describe(parsed: ParsedSearch) -> str:
    """A short summary for above the results, e.g. 'word "dragon" in the title, more than
    1,000 words'; empty when the search asks for nothing."""
    pieces: list[str] = []
    if parsed.text is not None:
        pieces.append(_describe_node(parsed.text))
    for condition in parsed.tags:
        label = TAG_TYPE_LABELS[condition.type]
        pieces.append(f'{"not " if condition.is_excluded else ""}{label} "{condition.name}"')
    for name, label in COUNT_LABELS.items():
        counted = _describe_count(getattr(parsed, name), label)
        if counted:
            pieces.append(counted)
    for piece in (
        _describe_dates(parsed.updated, "updated"),
        _describe_dates(parsed.posted, "posted"),
    ):
        if piece:
            pieces.append(piece)
    return ", ".join(pieces)

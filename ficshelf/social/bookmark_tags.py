"""A bookmarker's own tags: the text they typed (``Bookmark.tags``) and its rows
(``BookmarkTag``), which bookmark pages filter and count by."""

from __future__ import annotations

from collections.abc import Iterable

from ficshelf.social.models import Bookmark, BookmarkTag

# The column holds the tags as typed, commas included.
TAGS_TEXT_MAX = 1000


def tag_key(name: str) -> str:
    """How a bookmarker's tag is matched: case and surrounding spaces aside."""
    return " ".join(name.split()).casefold()


def bookmark_tag_names(text: str) -> list[str]:
    """The tags typed in one field, once each (case aside), in the order typed, as many as
    fit the column whole (the form refuses longer text; a tag is never cut)."""
    names: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name:
            names.setdefault(tag_key(name), name)
    kept: list[str] = []
    length = 0
    for name in names.values():
        length += len(name) + (2 if kept else 0)
        if length > TAGS_TEXT_MAX:
            break
        kept.append(name)
    return kept


def write_tag_rows(bookmark: Bookmark, names: Iterable[str]) -> None:
    """Make ``bookmark``'s tag rows say ``names`` (inside the caller's transaction)."""
    BookmarkTag.objects.filter(bookmark=bookmark).delete()
    BookmarkTag.objects.bulk_create(
        BookmarkTag(bookmark=bookmark, name=name, key=tag_key(name)) for name in names
    )

"""Comments and bookmark notes cleaned again, when read, if stored under older rules.

They use the sanitizer's comment profile (no images: see ``core.sanitizer``), so text
saved before that rule loses its images the first time anyone reads it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficshelf.core.sanitizer import Profile, refresh_if_stale
from ficshelf.social.models import Bookmark, Comment, ExternalWork


def refresh_comments(comments: Iterable[Comment]) -> None:
    for comment in comments:
        refresh_if_stale(comment, ["text"], Profile.COMMENT)


def refresh_bookmark_notes(bookmarks: Iterable[Bookmark]) -> None:
    for bookmark in bookmarks:
        refresh_if_stale(bookmark, ["notes"], Profile.COMMENT)


def refresh_external_summaries(external_works: Iterable[ExternalWork]) -> None:
    for external in external_works:
        refresh_if_stale(external, ["summary"], Profile.COMMENT)

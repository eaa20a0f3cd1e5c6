"""A bookmark listing's total and the bookmarks its sidebar counts, from one walk of its
matches, so a listing costs about the same in an archive of any size.

Counting every match of a broad listing (every rec, a big fandom's bookmarks) per request,
each row checked by the visibility rule, grows with the archive: at 100,000 works a fandom's
bookmarks took seconds to count and their tags longer (bench/RESULTS.md, "Bookmark search
that scales"). So a listing walks its matches newest bookmarked first, as the indexes keep
them (``bookmark_newest`` and its partial siblings for recs and notes), and stops after
``COUNTED_UP_TO`` + 1: up to that many the total is exact, beyond it the page says "more
than" that many. The sidebar counts the tags of every match up to ``SIDEBAR_COUNTS_UP_TO``,
and of the newest that many beyond (the page says so). Nothing is scaled up or estimated:
every number shown is a count of bookmarks the walk found, which is the listing's own query,
so a count never includes a bookmark the viewer may not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ficshelf.social.models import Bookmark

# A total counted exactly, then "more than": 50 pages of twenty. Walking them costs tens of
# milliseconds at 100,000 works (bench/bookmark_search.py); deeper pages cost their offset.
COUNTED_UP_TO = 1000
# The sidebar's tags are counted over this many matches at most (about twenty tag rows a
# bookmark, grouped in tens of milliseconds).
SIDEBAR_COUNTS_UP_TO = 500


@dataclass(frozen=True)
class SidebarRow:
    """One match the sidebar counts: the bookmark and its one target."""

    pk: int
    work_id: int | None
    series_id: int | None
    external_work_id: int | None


@dataclass(frozen=True)
class CountedMatches:
    """What a listing matched, as far as it was counted."""

    total: int  # exact, or COUNTED_UP_TO when there are more
    has_more: bool  # more than ``total`` match
    sidebar_rows: list[SidebarRow]  # the matches the sidebar counts, newest bookmarked first

    @property
    def sidebar_ids(self) -> list[int]:
        return [row.pk for row in self.sidebar_rows]

    @property
    def sidebar_is_partial(self) -> bool:
        """Whether the sidebar counts only the newest matches, not all of them."""
        return len(self.sidebar_rows) < self.total


def count_matches(bookmarks: QuerySet[Bookmark]) -> CountedMatches:
    """Walk ``bookmarks`` (already within what the viewer may see) newest first and count."""
    targets = ("pk", "work_id", "series_id", "external_work_id")
    # One walk, which reads the ``bookmark_newest`` index alone.
    walked = bookmarks.order_by("-created_at", "-pk").values_list(*targets)[: COUNTED_UP_TO + 1]
    rows = [SidebarRow(*row) for row in walked]
    return CountedMatches(
        total=min(len(rows), COUNTED_UP_TO),
        has_more=len(rows) > COUNTED_UP_TO,
        sidebar_rows=rows[:SIDEBAR_COUNTS_UP_TO],
    )


class CountedListing:
    """A listing's bookmarks for ``Paginator``, with the counted total, so paging never
    counts the matches again (``Paginator.count`` calls ``count()``): pages run to the
    counted total."""

    ordered = True

    def __init__(self, bookmarks: QuerySet[Bookmark], counted: CountedMatches) -> None:
        self.bookmarks = bookmarks
        self.counted = counted

    def count(self) -> int:
        return self.counted.total

    def __len__(self) -> int:
        return self.counted.total

    def __getitem__(self, key: Any) -> Any:
        return self.bookmarks[key]

    def __iter__(self) -> Iterator[Bookmark]:
        return iter(self.bookmarks)

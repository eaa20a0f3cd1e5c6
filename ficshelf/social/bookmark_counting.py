"""A bookmark listing's total and the bookmarks its sidebar counts, from one walk of its
matches, so a listing costs about the same in an archive of any size.

Counting every match of a broad listing (every rec, a big fandom's bookmarks) per request,
each row checked by the visibility rule, grows with the archive: at 100,000 works a fandom's
bookmarks took seconds to count, their tags longer (bench/RESULTS.md, "Bookmark search that
scales"). So a listing walks its matches newest bookmarked first, as the indexes keep them
(``bookmark_newest`` and its partial siblings for recs and notes), and stops after
``COUNTED_UP_TO`` + 1. Up to that many, the total and the sidebar's counts are exact. Beyond,
as the works listings do with broad results (docs/design.md, "Search and filtering"), the
sidebar counts the first ``COUNTED_UP_TO`` matches and scales them up, the total is estimated
from how far into the archive's bookmarks the walk had to go to find them, and both are
shown as "about". The walk is the listing's own query, so nothing the viewer may not see is
in what is counted or scaled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ficshelf.social.models import Bookmark

# Matches counted exactly; a broad listing's counts are scaled from this many. At 1,000 its
# sidebar's tag rows (about twenty a bookmark) are grouped in tens of milliseconds.
COUNTED_UP_TO = 1000


@dataclass(frozen=True)
class CountedMatches:
    """What a listing matched, as far as it was counted."""

    ids: list[int]  # the counted matches, newest bookmarked first: all of them when exact
    total: int
    is_estimate: bool

    def scaled(self, count: int) -> int:
        """A count over ``ids`` as an estimate over every match (itself when exact)."""
        if not self.is_estimate or not self.ids:
            return count
        return max(1, round(count * self.total / len(self.ids))) if count else 0


def count_matches(bookmarks: QuerySet[Bookmark]) -> CountedMatches:
    """Walk ``bookmarks`` (already within what the viewer may see) newest first and count."""
    walked = list(
        bookmarks.order_by("-created_at", "-pk").values_list("pk", "created_at")[
            : COUNTED_UP_TO + 1
        ]
    )
    if len(walked) <= COUNTED_UP_TO:
        return CountedMatches(ids=[pk for pk, _at in walked], total=len(walked), is_estimate=False)
    counted = walked[:COUNTED_UP_TO]
    _last_pk, last_at = counted[-1]
    # The share of the archive's bookmarks the walk went through to find them: both counts
    # are read from the ``bookmark_newest`` index alone.
    walked_through = Bookmark.objects.filter(created_at__gte=last_at).count()
    everything = Bookmark.objects.count()
    estimate = _two_figures(COUNTED_UP_TO * everything / max(walked_through, 1))
    return CountedMatches(
        ids=[pk for pk, _at in counted],
        total=max(estimate, len(walked)),
        is_estimate=True,
    )


def _two_figures(number: float) -> int:
    """An estimate said no more precisely than it is known: 72,345 as 72,000."""
    digits = len(str(round(number)))
    return int(round(number, -max(digits - 2, 0)))


class CountedListing:
    """A listing's bookmarks for ``Paginator`` with the counted total, so paging never
    counts the matches again (``Paginator.count`` calls ``count()``)."""

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

"""A cache of facet counts, so that paging and re-sorting a listing count once.

Counts depend on the matching works, not on their order or the page, so every page and
sort of a listing shares them. Exact counts (result sets of up to ``EXACT_FACETS_UP_TO``
works) are kept for the index commit they were counted at: the next commit makes a new key,
so they follow every change. Broad result sets are counted over a sample (facets.py) whose
estimates barely move in a minute, and they are the most visited listings (the whole
archive, a big fandom), so their counts are kept across commits for ``MAX_AGE_SECONDS``;
results and totals are always current. Each process keeps its own, at most
``MAX_ENTRIES``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from ficshelf.search.backends.embedded.facets import EXACT_FACETS_UP_TO, FacetCounts
from ficshelf.search.query import Sort, WorkQuery

MAX_AGE_SECONDS = 60.0
# Beyond this many matches, counts are estimated from a sample of about this many works.
BROAD_RESULT = EXACT_FACETS_UP_TO + 1
MAX_ENTRIES = 512


def facet_key(
    query: WorkQuery, index_identity: Hashable, *, total: int, commit: Hashable
) -> Hashable:
    """What the counts depend on: the matching works, not their order or the page; and the
    index's commit, except for broad estimates (kept across commits, see above)."""
    matching = dataclasses.replace(query, sort=Sort.BEST_MATCH, descending=True, page=1, per_page=0)
    estimated = total >= BROAD_RESULT and not query.exact_facets
    return index_identity, None if estimated else commit, matching


class FacetCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, FacetCounts]] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: Hashable) -> FacetCounts | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, facets = entry
            if self._clock() - stored_at > MAX_AGE_SECONDS:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return facets

    def put(self, key: Hashable, facets: FacetCounts) -> None:
        with self._lock:
            self._entries[key] = (self._clock(), facets)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

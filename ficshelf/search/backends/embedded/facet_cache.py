"""A short memory of facet counts for broad result sets.

Broad result sets are counted over a sample of about ``EXACT_FACETS_UP_TO`` works
(facets.py), which still costs tens of milliseconds against a few for the page itself.
Broad listings (the whole archive, a big fandom) are also the most visited, and their
estimates barely move in a minute, so each process keeps them for ``MAX_AGE_SECONDS``;
results and totals are always current. Narrow result sets are counted exactly and never
kept, so their counts follow every commit.
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


def facet_key(query: WorkQuery, index_identity: Hashable) -> Hashable:
    """What the counts depend on: the matching works, not their order or the page."""
    return index_identity, dataclasses.replace(
        query, sort=Sort.BEST_MATCH, descending=True, page=1, per_page=0
    )


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

    def put(self, key: Hashable, facets: FacetCounts, total: int) -> None:
        if total < BROAD_RESULT:
            return
        with self._lock:
            self._entries[key] = (self._clock(), facets)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

"""A short memory of facet counts for broad result sets.

Counting tags over hundreds of thousands of works costs tantivy hundreds of milliseconds,
while the page itself costs a few. Broad listings (the whole archive, a big fandom) are
also the most visited, and their counts barely move in a minute, so each process keeps
them for ``MAX_AGE_SECONDS``; results and totals are always current. Narrow result sets
are cheap to count and are never kept, so their counts are always exact.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from ficshelf.search.backends.base import FacetCount
from ficshelf.search.query import Sort, WorkQuery

Facets = dict[str, list[FacetCount]]

MAX_AGE_SECONDS = 60.0
# Below this many matches, counting takes a few tens of milliseconds at most.
BROAD_RESULT = 20_000
MAX_ENTRIES = 512


def facet_key(query: WorkQuery, index_identity: Hashable) -> Hashable:
    """What the counts depend on: the matching works, not their order or the page."""
    return index_identity, dataclasses.replace(
        query, sort=Sort.BEST_MATCH, descending=True, page=1, per_page=0
    )


class FacetCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, Facets]] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: Hashable) -> Facets | None:
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

    def put(self, key: Hashable, facets: Facets, total: int) -> None:
        if total < BROAD_RESULT:
            return
        with self._lock:
            self._entries[key] = (self._clock(), facets)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

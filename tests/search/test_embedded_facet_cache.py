"""The facet cache keeps counts of broad result sets for a short while only."""

from __future__ import annotations

from ficshelf.search.backends.base import FacetCount
from ficshelf.search.backends.embedded.facet_cache import (
    BROAD_RESULT,
    MAX_AGE_SECONDS,
    FacetCache,
    facet_key,
)
from ficshelf.search.backends.embedded.facets import FacetCounts
from ficshelf.search.query import Sort, WorkQuery

FACETS = FacetCounts({"fandom": [FacetCount(1, 5)]}, are_estimates=True)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_counts_of_a_broad_result_are_kept() -> None:
    cache = FacetCache()
    cache.put("key", FACETS, total=BROAD_RESULT)
    assert cache.get("key") == FACETS


def test_whether_counts_are_estimates_is_kept_with_them() -> None:
    cache = FacetCache()
    cache.put("key", FACETS, total=BROAD_RESULT)
    kept = cache.get("key")
    assert kept is not None and kept.are_estimates


def test_counts_of_a_narrow_result_are_never_kept() -> None:
    cache = FacetCache()
    cache.put("key", FACETS, total=BROAD_RESULT - 1)
    assert cache.get("key") is None


def test_counts_are_forgotten_after_the_maximum_age() -> None:
    clock = Clock()
    cache = FacetCache(clock=clock)
    cache.put("key", FACETS, total=BROAD_RESULT)
    clock.now += MAX_AGE_SECONDS + 1
    assert cache.get("key") is None


def test_the_key_ignores_sort_and_page_but_not_filters() -> None:
    base = facet_key(WorkQuery(), "index-a")
    assert facet_key(WorkQuery(sort=Sort.KUDOS, page=4, descending=False), "index-a") == base
    assert facet_key(WorkQuery(language_id=3), "index-a") != base


def test_the_key_changes_with_the_index_folder() -> None:
    assert facet_key(WorkQuery(), "index-a") != facet_key(WorkQuery(), "index-b")

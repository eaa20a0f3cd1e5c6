"""The facet cache: counts shared by every page and sort of a listing, exact ones for one
index commit only, broad estimates for a short while across commits."""

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
NARROW = BROAD_RESULT - 1


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def key(query: WorkQuery | None = None, *, total: int = NARROW, commit: str = "c1") -> object:
    return facet_key(query or WorkQuery(), "index-a", total=total, commit=commit)


def test_kept_counts_come_back_with_whether_they_are_estimates() -> None:
    cache = FacetCache()
    cache.put("key", FACETS)
    kept = cache.get("key")
    assert kept == FACETS and kept.are_estimates


def test_counts_are_forgotten_after_the_maximum_age() -> None:
    clock = Clock()
    cache = FacetCache(clock=clock)
    cache.put("key", FACETS)
    clock.now += MAX_AGE_SECONDS + 1
    assert cache.get("key") is None


def test_the_key_ignores_sort_and_page_but_not_filters() -> None:
    base = key()
    assert key(WorkQuery(sort=Sort.KUDOS, page=4, descending=False)) == base
    assert key(WorkQuery(language_id=3)) != base


def test_exact_counts_are_keyed_on_the_commit_they_were_counted_at() -> None:
    assert key(commit="c1") != key(commit="c2")


def test_broad_estimates_outlive_a_commit() -> None:
    assert key(total=BROAD_RESULT, commit="c1") == key(total=BROAD_RESULT, commit="c2")


def test_broad_results_asked_for_exact_counts_follow_every_commit() -> None:
    exact = WorkQuery(exact_facets=True)
    assert key(exact, total=BROAD_RESULT, commit="c1") != key(
        exact, total=BROAD_RESULT, commit="c2"
    )


def test_the_key_changes_with_the_index_folder() -> None:
    other = facet_key(WorkQuery(), "index-b", total=NARROW, commit="c1")
    assert key() != other

"""Facet counts of broad result sets are estimated from a fixed sample of the works."""

from __future__ import annotations

from collections import Counter

import pytest
import tantivy

from ficshelf.search.backends.base import FacetCount
from ficshelf.search.backends.embedded import TantivyBackend, storage
from ficshelf.search.backends.embedded.facets import sampled_buckets
from ficshelf.search.backends.embedded.schema import SAMPLE_BUCKET, SAMPLE_BUCKETS, sample_bucket
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import WorkQuery
from tests.search.conftest import work_document as doc

FANDOM_A, FANDOM_B, FANDOM_C = 100, 101, 102
THRESHOLD = 400
WORKS = 3000


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ficshelf.search.backends.embedded.facets.EXACT_FACETS_UP_TO", THRESHOLD)


def fandom_of(work_id: int) -> int:
    return (FANDOM_A, FANDOM_A, FANDOM_A, FANDOM_B, FANDOM_C)[work_id % 5]


def works(count: int) -> list[WorkDocument]:
    return [
        doc(n, language_id=1 + n % 2, filter_tag_ids={"fandom": [fandom_of(n)]})
        for n in range(1, count + 1)
    ]


def exact_counts(documents: list[WorkDocument]) -> dict[int, int]:
    return dict(Counter(d.filter_tag_ids["fandom"][0] for d in documents))


def test_a_broad_result_gets_estimated_counts_flagged_as_estimates(
    backend: TantivyBackend,
) -> None:
    documents = works(WORKS)
    backend.update(documents, [])
    result = backend.search(WorkQuery(facet_types=("fandom",)))
    exact = exact_counts(documents)
    assert result.facets_are_estimates
    assert [facet.tag_id for facet in result.facets["fandom"]] == [FANDOM_A, FANDOM_B, FANDOM_C]
    for facet in result.facets["fandom"]:
        assert facet.count == pytest.approx(exact[facet.tag_id], rel=0.25)


def test_a_query_asking_for_exact_counts_gets_them_however_broad(
    backend: TantivyBackend,
) -> None:
    documents = works(WORKS)
    backend.update(documents, [])
    result = backend.search(WorkQuery(facet_types=("fandom",), exact_facets=True))
    assert not result.facets_are_estimates
    assert {f.tag_id: f.count for f in result.facets["fandom"]} == exact_counts(documents)


def test_estimates_are_the_same_on_every_search(backend: TantivyBackend) -> None:
    backend.update(works(WORKS), [])
    first = backend.search(WorkQuery(facet_types=("fandom",)))
    assert (
        TantivyBackend(backend.location.as_posix())
        .search(WorkQuery(facet_types=("fandom",)))
        .facets
        == first.facets
    )


def test_a_narrow_result_of_a_broad_index_is_counted_exactly(backend: TantivyBackend) -> None:
    documents = works(WORKS)
    backend.update(documents, [])
    result = backend.search(
        WorkQuery(all_tag_ids=frozenset({FANDOM_C}), language_id=1, facet_types=("fandom",))
    )
    assert 0 < result.total < THRESHOLD
    assert not result.facets_are_estimates
    assert result.facets["fandom"] == [FacetCount(FANDOM_C, result.total)]


def test_a_result_of_exactly_the_threshold_is_counted_exactly(backend: TantivyBackend) -> None:
    documents = works(THRESHOLD)
    backend.update(documents, [])
    result = backend.search(WorkQuery(facet_types=("fandom",)))
    assert not result.facets_are_estimates
    exact = exact_counts(documents)
    assert result.facets["fandom"] == [
        FacetCount(tag_id, exact[tag_id]) for tag_id in (FANDOM_A, FANDOM_B, FANDOM_C)
    ]


def test_past_the_threshold_about_the_threshold_many_works_are_counted() -> None:
    assert sampled_buckets(THRESHOLD) == SAMPLE_BUCKETS
    assert sampled_buckets(SAMPLE_BUCKETS * THRESHOLD) == 1
    assert sampled_buckets(4 * THRESHOLD) == SAMPLE_BUCKETS // 4
    # Rounded up: never fewer than the threshold's worth of works on average.
    assert sampled_buckets(3 * THRESHOLD) == 22
    assert sampled_buckets(10**9) == 1


def test_a_result_whose_sample_would_be_every_work_is_counted_exactly(
    backend: TantivyBackend,
) -> None:
    documents = works(THRESHOLD + 1)
    backend.update(documents, [])
    result = backend.search(WorkQuery(facet_types=("fandom",)))
    assert not result.facets_are_estimates
    assert result.facets["fandom"][0] == FacetCount(FANDOM_A, exact_counts(documents)[FANDOM_A])


def test_estimates_never_exceed_the_total(backend: TantivyBackend) -> None:
    backend.update(works(WORKS), [])
    result = backend.search(WorkQuery(facet_types=("fandom",)))
    assert all(facet.count <= result.total for facet in result.facets["fandom"])


def test_a_page_far_past_the_end_of_a_broad_result_flags_its_estimates(
    backend: TantivyBackend,
) -> None:
    backend.update(works(WORKS), [])
    result = backend.search(WorkQuery(page=10**9, facet_types=("fandom",)))
    assert (result.work_ids, result.total) == ([], WORKS)
    assert result.facets_are_estimates


def test_sample_buckets_spread_consecutive_ids_evenly() -> None:
    sizes = Counter(sample_bucket(work_id) for work_id in range(1, 100 * SAMPLE_BUCKETS + 1))
    assert set(sizes) == set(range(SAMPLE_BUCKETS))
    assert all(95 <= size <= 105 for size in sizes.values())


def works_in_bucket(backend: TantivyBackend, bucket: int) -> set[int]:
    pointer = storage.read_pointer(backend.location)
    assert pointer is not None
    searcher = backend._current_index(pointer)[0].searcher()
    query = tantivy.Query.term_query(backend.schema, SAMPLE_BUCKET, bucket)
    hits = searcher.search(query, limit=10_000).hits
    return {int(v) for v in searcher.fast_field_values("work_id", [a for _, a in hits]) if v}


def expected_in_bucket(work_ids: range, bucket: int) -> set[int]:
    return {work_id for work_id in work_ids if sample_bucket(work_id) == bucket}


@pytest.mark.parametrize("bucket", [0, 17, SAMPLE_BUCKETS - 1])
def test_update_fills_the_sample_bucket(backend: TantivyBackend, bucket: int) -> None:
    backend.update(works(1000), [])
    assert works_in_bucket(backend, bucket) == expected_in_bucket(range(1, 1001), bucket)


@pytest.mark.parametrize("bucket", [0, 17, SAMPLE_BUCKETS - 1])
def test_rebuild_fills_the_sample_bucket(backend: TantivyBackend, bucket: int) -> None:
    backend.rebuild(works(1000))
    assert works_in_bucket(backend, bucket) == expected_in_bucket(range(1, 1001), bucket)

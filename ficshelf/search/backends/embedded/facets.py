"""Facet counts: the most frequent filter tags per type over a whole result set.

Counting costs tantivy time in proportion to the works counted (half a second over a million
on a small machine), so a result set of more than ``EXACT_FACETS_UP_TO`` works is counted
over a slice of about that many, picked by ``sample_bucket``, and the counts are scaled up
and marked as estimates (Elasticsearch's sampler aggregation does the same). The slice is a
fixed set of works, not a random draw, so the same listing shows the same numbers on every
visit. Readers see the biggest tags of a broad listing and their rough size; the numbers of
a narrow listing, where a tag's count decides whether filtering by it is worth a click, are
always exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tantivy

from ficshelf.search.backends.base import FacetCount
from ficshelf.search.backends.embedded.schema import SAMPLE_BUCKET, SAMPLE_BUCKETS, tag_field

# tantivy keeps only the top ``segment_size`` terms of each segment before merging, which
# would undercount a tag that is big overall but small in every segment. A limit no tag
# type reaches keeps the counts exact.
SEGMENT_SIZE = 1_000_000
# Estimates need no such care, and merging every distinct tag of every segment can cost as
# much as the counting itself (measured: half of it over 20k works with many rare tags):
# each segment sends this many times the wanted tags (Elasticsearch sends 1.5 times).
SAMPLED_SEGMENT_SIZE_FACTOR = 10
# Up to this many matching works, counts are exact; beyond, about this many are counted.
# At 1M works with 22 tags each on a loaded 2-core machine, a 20k sample costs 10-25 ms and
# the top ten per type are off by 1.5 % on average (9 % at worst), nearly always the same
# ten; a 10k sample saves 5 ms and doubles the error.
EXACT_FACETS_UP_TO = 20_000


@dataclass(frozen=True)
class FacetCounts:
    by_type: dict[str, list[FacetCount]] = field(default_factory=dict)
    are_estimates: bool = False


def sampled_buckets(total: int) -> int:
    """How many of the ``SAMPLE_BUCKETS`` slices to count for a result of ``total`` works."""
    if total <= EXACT_FACETS_UP_TO:
        return SAMPLE_BUCKETS
    return max(1, -(-SAMPLE_BUCKETS * EXACT_FACETS_UP_TO // total))  # rounded up


def count_facets(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    tag_types: Sequence[str],
    limit: int,
    *,
    total: int,
    exact: bool = False,
) -> FacetCounts:
    if limit <= 0 or not tag_types:
        return FacetCounts()
    buckets = SAMPLE_BUCKETS if exact else sampled_buckets(total)
    if buckets >= SAMPLE_BUCKETS:
        return FacetCounts(_top_tags(searcher, query, tag_types, limit, exact=True))
    in_sample = tantivy.Query.range_query(
        schema, SAMPLE_BUCKET, tantivy.FieldType.Unsigned, 0, buckets - 1
    )
    sampled = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query), (tantivy.Occur.Must, in_sample)]
    )
    counted = _top_tags(searcher, sampled, tag_types, limit, exact=False)
    return FacetCounts(
        {
            tag_type: _in_order([_scaled(facet, buckets, total) for facet in counts])
            for tag_type, counts in counted.items()
        },
        are_estimates=True,
    )


def _scaled(facet: FacetCount, buckets: int, total: int) -> FacetCount:
    # Rounded to the nearest whole work, and never more than the works in the result.
    estimate = (facet.count * SAMPLE_BUCKETS + buckets // 2) // buckets
    return FacetCount(facet.tag_id, min(estimate, total))


def _top_tags(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    tag_types: Sequence[str],
    limit: int,
    *,
    exact: bool,
) -> dict[str, list[FacetCount]]:
    fetch = limit * 2 + 10
    while True:
        segment_size = SEGMENT_SIZE if exact else fetch * SAMPLED_SEGMENT_SIZE_FACTOR
        answer = searcher.aggregate(query, _aggregation(tag_types, fetch, segment_size))
        facets = {tag_type: _buckets(answer.get(tag_type)) for tag_type in tag_types}
        if not any(_tie_may_be_cut(counts, fetch, limit) for counts in facets.values()):
            return {tag_type: counts[:limit] for tag_type, counts in facets.items()}
        fetch *= 4


def _aggregation(tag_types: Sequence[str], size: int, segment_size: int) -> dict[str, Any]:
    return {
        tag_type: {
            "terms": {"field": tag_field(tag_type), "size": size, "segment_size": segment_size}
        }
        for tag_type in tag_types
    }


def _buckets(answer: Any) -> list[FacetCount]:
    buckets = answer.get("buckets", []) if isinstance(answer, dict) else []
    return _in_order([FacetCount(int(b["key"]), int(b["doc_count"])) for b in buckets])


def _in_order(counts: list[FacetCount]) -> list[FacetCount]:
    # tantivy orders equal counts as it likes; readers get ties by tag id, every time.
    return sorted(counts, key=lambda facet: (-facet.count, facet.tag_id))


def _tie_may_be_cut(counts: list[FacetCount], fetched: int, limit: int) -> bool:
    """Whether tags tied with the last shown one may have been left out of the answer."""
    if len(counts) < fetched or len(counts) <= limit:
        return False
    return counts[-1].count == counts[limit - 1].count

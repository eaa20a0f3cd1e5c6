"""Facet counts: the most frequent filter tags per type over a whole result set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tantivy

from ficshelf.search.backends.base import FacetCount
from ficshelf.search.backends.embedded.schema import tag_field

# tantivy keeps only the top ``segment_size`` terms of each segment before merging, which
# would undercount a tag that is big overall but small in every segment. A limit no tag
# type reaches keeps the counts exact; the cost is in counting, not in this number.
SEGMENT_SIZE = 1_000_000


def count_facets(
    searcher: tantivy.Searcher, query: tantivy.Query, tag_types: Sequence[str], limit: int
) -> dict[str, list[FacetCount]]:
    if limit <= 0 or not tag_types:
        return {}
    fetch = limit * 2 + 10
    while True:
        answer = searcher.aggregate(query, _aggregation(tag_types, fetch))
        facets = {tag_type: _buckets(answer.get(tag_type)) for tag_type in tag_types}
        if not any(_tie_may_be_cut(counts, fetch, limit) for counts in facets.values()):
            return {tag_type: counts[:limit] for tag_type, counts in facets.items()}
        fetch *= 4


def _aggregation(tag_types: Sequence[str], size: int) -> dict[str, Any]:
    return {
        tag_type: {
            "terms": {"field": tag_field(tag_type), "size": size, "segment_size": SEGMENT_SIZE}
        }
        for tag_type in tag_types
    }


def _buckets(answer: Any) -> list[FacetCount]:
    buckets = answer.get("buckets", []) if isinstance(answer, dict) else []
    counts = [FacetCount(int(b["key"]), int(b["doc_count"])) for b in buckets]
    # tantivy orders equal counts as it likes; readers get ties by tag id, every time.
    counts.sort(key=lambda facet: (-facet.count, facet.tag_id))
    return counts


def _tie_may_be_cut(counts: list[FacetCount], fetched: int, limit: int) -> bool:
    """Whether tags tied with the last shown one may have been left out of the answer."""
    if len(counts) < fetched or len(counts) <= limit:
        return False
    return counts[-1].count == counts[limit - 1].count

"""Answers while the index is behind the database: totals and facet counts that never count
what the reader may not see, and results that never show it.

The worker takes a change into the index a second or two after it commits. Until then the
index's copy of a changed work may be out of date: a work just hidden, restricted or made a
draft would still be counted in every total and sidebar, a word just removed from its text
would still find it, a work just unhidden would be missing. Every such work has an entry in
the index queue (written in the change's transaction, deleted only once the index has the
change), so the index is asked without those works and the database is asked about them
(``DatabaseBackend`` over the live tables, and the visibility rule for this reader), and
the two answers are added up.

Results: the page is the index's, less the queued works that no longer match; queued works
that match now but not in the index's copy (just unhidden, a word just added) follow the
index's results until the worker has indexed them. Facets: each tag's count is the index's
count over the other works plus the database's over the queued ones. A tag the index did not
name (below its top ``facet_limit``) whose queued works could lift it into the top is
counted in the index alone, so exact counts stay exact.

With nothing queued (nearly always), this costs one small query. Only the
``QUEUED_WORKS_CHECKED`` most recently changed works are asked about: a big import or
wrangling change queues thousands of works for a little while, and those beyond are counted
as the index has them until the worker reaches them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import TYPE_CHECKING

from ficshelf.search.backends.base import FacetCount, SearchBackend, SearchResult
from ficshelf.search.backends.database import DatabaseBackend
from ficshelf.search.query import WorkQuery
from ficshelf.search.queue import pending_work_ids
from ficshelf.works.models import Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

# Every tag of the queued works is counted: they are few.
ALL_TAGS_OF_QUEUED_WORKS = 100_000
# The most queued works asked about (the most recently changed). Between drains the queue
# holds a handful; a big import or a wrangling change can queue thousands for a while, and
# beyond this many the rest are counted as the index has them until the worker reaches them.
QUEUED_WORKS_CHECKED = 500
# How many times the shown tags the index is asked to name (measured at 100k works: the top
# 33 cost the same as the top 11, and 50 queued works then need no count of their own
# where they needed about 20 before).
NAMED_TAGS_FACTOR = 3


def search_through_lag(
    backend: SearchBackend, query: WorkQuery, user: User | AnonymousUser | None
) -> SearchResult:
    """``backend``'s answer to ``query``, with the works the index has not caught up with
    counted and shown as the database has them now, for ``user``."""
    if not getattr(backend, "needs_documents", True):
        return backend.search(query)  # it reads the live tables: never behind
    queued = pending_work_ids(QUEUED_WORKS_CHECKED)
    if not queued:
        return backend.search(query)
    matching_now = _matching_in_database(query, queued, user)
    without_queued = dataclasses.replace(
        query, exclude_work_ids=query.exclude_work_ids | queued, page=1, per_page=0
    )
    # More tags than shown are asked for, so that a tag the queued works lift is nearly
    # always among them, and rarely needs a count of its own (``_merged``).
    counted = backend.search(
        dataclasses.replace(without_queued, facet_limit=query.facet_limit * NAMED_TAGS_FACTOR)
    )
    work_ids = _page(backend, query, queued, matching_now, others_total=counted.total)
    return SearchResult(
        work_ids=work_ids,
        total=counted.total + len(matching_now),
        facets=_facets(backend, without_queued, counted, matching_now),
        facets_are_estimates=counted.facets_are_estimates,
    )


def _matching_in_database(
    query: WorkQuery, queued: Collection[int], user: User | AnonymousUser | None
) -> list[int]:
    """The queued works that match ``query`` as the database has them now and that ``user``
    may see, in the query's order (newest first for best match: relevance is the index's)."""
    # The viewer's rule first, over the queued ids alone: as a subquery of the matching
    # works, SQLite would read the rule over every work (100 ms at 100k works).
    may_see = frozenset(
        Work.objects.visible_to(user).filter(pk__in=sorted(queued)).values_list("pk", flat=True)
    )
    if not may_see:
        return []
    database = DatabaseBackend("")
    works = database.matching_works(dataclasses.replace(query, only_work_ids=may_see))
    return list(database.ordered(works, query).values_list("pk", flat=True))


def _page(
    backend: SearchBackend,
    query: WorkQuery,
    queued: frozenset[int] | set[int],
    matching_now: list[int],
    *,
    others_total: int,
) -> list[int]:
    if query.per_page <= 0:
        return []
    still = set(matching_now)
    indexed = backend.search(
        dataclasses.replace(
            query, only_work_ids=frozenset(queued), page=1, per_page=len(queued), facet_limit=0
        )
    )
    in_index_copy = set(indexed.work_ids)
    shown = backend.search(dataclasses.replace(query, facet_limit=0)).work_ids
    # The index's page, less the queued works that no longer match (or may not be seen).
    page = [work_id for work_id in shown if work_id not in queued or work_id in still]
    # Works that match only now come after every work the index ranks.
    ranked = others_total + len(in_index_copy & still)
    newly = [work_id for work_id in matching_now if work_id not in in_index_copy]
    for place, work_id in enumerate(newly, start=ranked):
        if len(page) >= query.per_page or place >= query.offset + query.per_page:
            break
        if place >= query.offset:
            page.append(work_id)
    return page


def _facets(
    backend: SearchBackend,
    without_queued: WorkQuery,
    counted: SearchResult,
    matching_now: list[int],
) -> dict[str, list[FacetCount]]:
    limit = without_queued.facet_limit
    if limit <= 0 or not without_queued.facet_types:
        return counted.facets
    queued_counts = _database_facets(without_queued, matching_now)
    merged = {}
    for tag_type in without_queued.facet_types:
        merged[tag_type] = _merged(
            backend,
            without_queued,
            counted.facets.get(tag_type, []),
            queued_counts.get(tag_type, []),
            named=limit * NAMED_TAGS_FACTOR,
            limit=limit,
            exact=not counted.facets_are_estimates,
        )
    return merged


def _database_facets(query: WorkQuery, work_ids: list[int]) -> dict[str, list[FacetCount]]:
    if not work_ids:
        return {}
    database = DatabaseBackend("")
    works = Work.objects.filter(pk__in=work_ids)
    everything = dataclasses.replace(query, facet_limit=ALL_TAGS_OF_QUEUED_WORKS)
    return database.facet_counts(works, everything, total=len(work_ids))


def _merged(
    backend: SearchBackend,
    without_queued: WorkQuery,
    indexed: list[FacetCount],
    queued: list[FacetCount],
    *,
    named: int,
    limit: int,
    exact: bool,
) -> list[FacetCount]:
    """One tag type's top ``limit``: the index's counts over the other works (it was asked
    to name its top ``named``) plus the database's over the queued ones."""
    counts = {facet.tag_id: facet.count for facet in indexed}
    # The index named every tag it counted when it named fewer than it was asked for;
    # otherwise a tag it left out has at most the smallest count it named.
    named_all = len(indexed) < named
    ceiling = min(counts.values(), default=0)
    unknown = []
    for facet in queued:
        if facet.tag_id in counts or named_all:
            counts[facet.tag_id] = counts.get(facet.tag_id, 0) + facet.count
        else:
            unknown.append(facet)
    for facet in unknown:
        if exact and _may_enter_top(counts, ceiling + facet.count, facet.tag_id, limit):
            counts[facet.tag_id] = _count_in_index(backend, without_queued, facet.tag_id)
            counts[facet.tag_id] += facet.count
        elif not exact:
            # Estimates already: the queued works' count alone is a fair floor.
            counts[facet.tag_id] = max(counts.get(facet.tag_id, 0), facet.count)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [FacetCount(tag_id, count) for tag_id, count in ordered[:limit] if count > 0]


def _may_enter_top(counts: dict[int, int], at_most: int, tag_id: int, limit: int) -> bool:
    """Whether a tag counted ``at_most`` works at most could be among the top ``limit``."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if len(ordered) < limit:
        return True
    last_id, last_count = ordered[limit - 1]
    return (at_most, -tag_id) >= (last_count, -last_id)


def _count_in_index(backend: SearchBackend, without_queued: WorkQuery, tag_id: int) -> int:
    """How many of the other works the index finds by this filter tag."""
    narrowed = dataclasses.replace(
        without_queued, all_tag_ids=without_queued.all_tag_ids | {tag_id}, facet_limit=0
    )
    return backend.search(narrowed).total

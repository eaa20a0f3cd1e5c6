"""Finding works: the one path every listing, search, feed and count goes through.

``find_works`` widens what the reader asked for with what they never want to see (saved
exclusions, muted creators) and what they may not see (restricted works for guests), asks the
configured backend, and re-checks the answer against the visibility rule, because the index
may be a moment behind the database (docs/design.md, "Who sees what: one rule").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import HttpRequest

from ficshelf.accounts.access import muted_ids
from ficshelf.search.backends import get_backend
from ficshelf.search.backends.base import FacetCount, SearchUnavailable
from ficshelf.search.exclusions import Exclusions, exclusions_for, exclusions_for_user
from ficshelf.search.index_lag import search_through_lag
from ficshelf.search.query import WorkQuery
from ficshelf.tags.models import Tag
from ficshelf.works.models import Work
from ficshelf.works.prepared_reads import visible_posted_works_for_blurbs

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

__all__ = [
    "FacetEntry",
    "ReaderQuery",
    "SearchUnavailable",
    "WorkPage",
    "find_works",
    "reader_query",
    "run_reader_query",
    "widen_query",
]


@dataclass(frozen=True)
class FacetEntry:
    tag: Tag
    count: int


@dataclass(frozen=True)
class WorkPage:
    """One page of works, as the reader may see them, in the backend's order."""

    works: list[Work]
    total: int  # over all pages
    query: WorkQuery  # what the backend was asked (exclusions and visibility included)
    facets: dict[str, list[FacetEntry]] = field(default_factory=dict)
    # Broad results have their tags counted over a sample (the backend says so).
    facets_are_estimates: bool = False
    exclusions: Exclusions = field(default_factory=Exclusions)

    @property
    def page(self) -> int:
        return max(self.query.page, 1)

    @property
    def per_page(self) -> int:
        return self.query.per_page

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    @property
    def first_index(self) -> int:
        """1-based position of the page's first work in the whole result (0 when empty)."""
        return min(self.query.offset + 1, self.total) if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.query.offset + self.per_page, self.total)


@dataclass(frozen=True)
class ReaderQuery:
    """What a reader asked for, widened with what they never want to see and may not see:
    exactly what the backend will be asked, before it is asked."""

    user: User | AnonymousUser | None
    query: WorkQuery
    exclusions: Exclusions


def find_works(
    viewer: HttpRequest | User | AnonymousUser | None,
    query: WorkQuery,
    *,
    apply_exclusions: bool = True,
) -> WorkPage:
    """A page of works matching ``query`` that ``viewer`` may see and has not excluded.

    ``viewer`` is the request where there is one (guests' exclusions live in the session),
    else the user (feeds, the API). ``apply_exclusions=False`` leaves saved exclusions out
    (mutes and visibility always apply). Raises ``SearchUnavailable`` when the backend
    cannot answer; views turn that into a 503 page.
    """
    return run_reader_query(reader_query(viewer, query, apply_exclusions=apply_exclusions))


def reader_query(
    viewer: HttpRequest | User | AnonymousUser | None,
    query: WorkQuery,
    *,
    apply_exclusions: bool = True,
) -> ReaderQuery:
    """The first half of ``find_works``: the query widened for ``viewer``."""
    user: User | AnonymousUser | None
    if isinstance(viewer, HttpRequest):
        user = viewer.user
        exclusions = exclusions_for(viewer) if apply_exclusions else Exclusions()
    else:
        user = viewer
        exclusions = exclusions_for_user(viewer) if apply_exclusions else Exclusions()
    return ReaderQuery(user, widen_query(query, user, exclusions), exclusions)


def run_reader_query(asked: ReaderQuery, *, only_blurbs: bool = False) -> WorkPage:
    """The second half of ``find_works``: ask the backend (counting the works it has not
    caught up with as the database has them, ``search.index_lag``), then re-check
    visibility.

    ``only_blurbs``: the works are shown only as blurbs (``works.kept_blurbs``), so their
    tags, credits and series are left for the blurbs to load, only for those not kept."""
    result = search_through_lag(get_backend(), asked.query, asked.user)
    works = _visible_in_order(asked.user, result.work_ids, only_blurbs)
    return WorkPage(
        works=works,
        total=result.total,
        query=asked.query,
        facets=_resolve_facets(result.facets),
        facets_are_estimates=result.facets_are_estimates,
        exclusions=asked.exclusions,
    )


def widen_query(
    query: WorkQuery, user: User | AnonymousUser | None, exclusions: Exclusions
) -> WorkQuery:
    """``query`` with the reader's exclusions and mutes added, and restricted works allowed
    only for members."""
    signed_in = user is not None and user.is_authenticated
    excluded_creators = set(query.exclude_creator_user_ids) | exclusions.creator_ids
    if signed_in:
        assert user is not None
        excluded_creators |= muted_ids(user)
        # Nobody is hidden from their own works.
        excluded_creators.discard(user.pk)
    own_listing = signed_in and user is not None and query.creator_user_id == user.pk
    if own_listing:
        # One's own works page shows them all, whatever one hides elsewhere.
        return dataclasses.replace(
            query, include_restricted=True, exclude_creator_user_ids=frozenset(excluded_creators)
        )
    return dataclasses.replace(
        query,
        include_restricted=signed_in,
        none_tag_ids=query.none_tag_ids | exclusions.filter_tag_ids,
        exclude_creator_user_ids=frozenset(excluded_creators),
        max_fandoms=_tighter(query.max_fandoms, exclusions.max_fandoms),
        max_relationships=_tighter(query.max_relationships, exclusions.max_relationships),
    )


def _tighter(first: int | None, second: int | None) -> int | None:
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)


def _visible_in_order(
    user: User | AnonymousUser | None, work_ids: list[int], only_blurbs: bool = False
) -> list[Work]:
    if not work_ids:
        return []
    # Listings show posted works only, even to their creators (drafts live on the
    # dashboard); a work made a draft or hidden since it was indexed drops out here.
    found = visible_posted_works_for_blurbs(user, work_ids, with_relations=not only_blurbs)
    by_id = {work.pk: work for work in found}
    return [by_id[work_id] for work_id in work_ids if work_id in by_id]


def _resolve_facets(facets: dict[str, list[FacetCount]]) -> dict[str, list[FacetEntry]]:
    tag_ids = {entry.tag_id for entries in facets.values() for entry in entries}
    tags = Tag.objects.in_bulk(tag_ids) if tag_ids else {}
    return {
        tag_type: [FacetEntry(tags[e.tag_id], e.count) for e in entries if e.tag_id in tags]
        for tag_type, entries in facets.items()
    }

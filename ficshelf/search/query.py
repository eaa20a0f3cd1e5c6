"""What a reader asks for, as one value every search backend understands (docs/design.md).

``WorkQuery`` is built by the filter form and the search box (``query_language``), widened by
the reader's saved exclusions and mutes, and handed to the configured backend. Tag filters use
filter-tag ids (``tags.FilterTagging``): a canonical tag also finds its synonyms' and sub
tags' works.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

# Where a word may be looked for; ``None`` in ``Words.field`` means everywhere, the text of
# the chapters included.
TextField = Literal["title", "creator", "summary", "notes", "tag", "text"]
TEXT_FIELDS: tuple[TextField, ...] = ("title", "creator", "summary", "notes", "tag", "text")


@dataclass(frozen=True)
class Words:
    """Words to match: all of them (any order), or as a phrase when ``is_phrase``."""

    text: str
    field: TextField | None = None
    is_phrase: bool = False


@dataclass(frozen=True)
class AllOf:
    parts: tuple[TextNode, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[TextNode, ...]


@dataclass(frozen=True)
class Not:
    part: TextNode


TextNode = Words | AllOf | AnyOf | Not


@dataclass(frozen=True)
class IntRange:
    low: int | None = None  # inclusive
    high: int | None = None  # inclusive

    @property
    def is_open(self) -> bool:
        return self.low is None and self.high is None


@dataclass(frozen=True)
class DateRange:
    since: datetime.date | None = None  # inclusive
    until: datetime.date | None = None  # inclusive

    @property
    def is_open(self) -> bool:
        return self.since is None and self.until is None


class Sort(StrEnum):
    BEST_MATCH = "best_match"
    CREATOR = "creator"
    TITLE = "title"
    POSTED = "posted"
    UPDATED = "updated"
    WORDS = "words"
    HITS = "hits"
    KUDOS = "kudos"
    COMMENTS = "comments"
    BOOKMARKS = "bookmarks"


SORT_LABELS = {
    Sort.BEST_MATCH: "Best Match",
    Sort.CREATOR: "Creator",
    Sort.TITLE: "Title",
    Sort.POSTED: "Date Posted",
    Sort.UPDATED: "Date Updated",
    Sort.WORDS: "Word Count",
    Sort.HITS: "Hits",
    Sort.KUDOS: "Kudos",
    Sort.COMMENTS: "Comments",
    Sort.BOOKMARKS: "Bookmarks",
}


class Crossover(StrEnum):
    INCLUDE = "include"  # crossovers and others (no filter)
    EXCLUDE = "exclude"  # no crossovers
    ONLY = "only"  # only crossovers


# Facet counts are given per tag type, in AO3's sidebar order.
FACET_TYPES = ("rating", "warning", "category", "fandom", "relationship", "character", "freeform")


@dataclass(frozen=True)
class WorkQuery:
    text: TextNode | None = None
    # Each of these filter tags must be on the work (AO3's "include" boxes).
    all_tag_ids: frozenset[int] = frozenset()
    # The work's rating is one of these (a work has one rating, so "all of" would find none).
    any_rating_ids: frozenset[int] = frozenset()
    # None of these filter tags may be on the work ("exclude" boxes, saved exclusions).
    none_tag_ids: frozenset[int] = frozenset()
    language_id: int | None = None
    is_complete: bool | None = None
    crossover: Crossover = Crossover.INCLUDE
    words: IntRange = IntRange()
    kudos: IntRange = IntRange()
    hits: IntRange = IntRange()
    comments: IntRange = IntRange()
    bookmarks: IntRange = IntRange()
    updated: DateRange = DateRange()
    posted: DateRange = DateRange()
    # Scopes of a listing page: works by a creator (user), in a series, in a collection.
    creator_user_id: int | None = None
    series_id: int | None = None
    collection_id: int | None = None
    # Saved exclusions and mutes: never works by these users, or with too many fandoms or
    # relationships (counted on the work's own tags, as readers see them).
    exclude_creator_user_ids: frozenset[int] = frozenset()
    max_fandoms: int | None = None
    max_relationships: int | None = None
    # Guests never see restricted works (the visibility rule; results are re-checked too).
    include_restricted: bool = False
    # Works changed since the index took them in: an index's copy of them may be out of
    # date, so ``search.index_lag`` asks the index without them and the database about
    # them. ``only_work_ids`` asks about those works alone (None: every work).
    exclude_work_ids: frozenset[int] = frozenset()
    only_work_ids: frozenset[int] | None = None
    sort: Sort = Sort.BEST_MATCH
    descending: bool = True
    page: int = 1
    per_page: int = 20
    # Top tags per type to count over the whole result set; 0 asks for no facet counts.
    facet_limit: int = 10
    facet_types: tuple[str, ...] = field(default=FACET_TYPES)
    # Backends may count broad results over a sample (and say so); pages that list every
    # tag with its count, where a small tag must not read 0, ask for exact counts.
    exact_facets: bool = False

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page

    @property
    def effective_sort(self) -> Sort:
        """Best match means nothing without words: then, as AO3, newest updates first."""
        if self.sort is Sort.BEST_MATCH and self.text is None:
            return Sort.UPDATED
        return self.sort

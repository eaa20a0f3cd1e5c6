"""Search answered by SQL straight from the works tables: no index to build or keep.

The plain-SQL baseline the benchmarks compare the other backends against, and a fallback
for tiny installs. Filters, sorts and facet counts read the live tables (``Work`` and its
counters, ``FilterTagging``, creatorships, series, collections), so they are never stale.
Words are looked for with regular expressions over the stored text: slow, but whole words
and phrases are found exactly (no stemming: "dragons" does not find "dragon").
``PostgresBackend`` replaces only the text part, with chunked tsvectors.

Crossovers are approximated: AO3 calls a work a crossover when its fandoms fall into more
than one family of fandoms related through meta tags (``documents.is_crossover``). A work's
fandom filter taggings hold its fandoms and all their meta tags, so here a work is a
crossover when more than one of them is a root, a fandom without a meta fandom. That is
exact unless a fandom has two unrelated meta fandoms (its work counts as a crossover), or
the wrangled meta tags form a loop (its fandoms count as none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least, Lower
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThanOrEqual

from ficshelf.search.backends.base import FacetCount, SearchResult
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import (
    TEXT_FIELDS,
    AllOf,
    AnyOf,
    Crossover,
    DateRange,
    IntRange,
    Not,
    Sort,
    TextField,
    TextNode,
    Words,
    WorkQuery,
)
from ficshelf.tags.models import FilterTagging, MetaTagging, Tag, TagType
from ficshelf.works.models import Chapter, CollectionItem, Creatorship, SeriesWork, Work

_COUNTER_RANGES = {
    "words": "word_count",
    "kudos": "kudos_count",
    "hits": "hits_count",
    "comments": "comments_count",
    "bookmarks": "bookmarks_count",
}

# Facet counts of at most this many works look up each counted tag's type by its key; of
# more, they join the whole tags table. PostgreSQL cannot tell how few tags a small result
# has and picks the join for it too. Measured at 100k works (looked up against joined):
# 10 works 1.4 against 36 ms, 1,071 works 36 against 58 ms, 1,961 works 92 ms both ways,
# 4,037 works 265 against 200 ms.
FEW_WORKS_FOR_TYPE_LOOKUPS = 2_000

# A word of a query: letters, digits and underscores; punctuation only separates.
_WORD_PART = re.compile(r"\w+")


class DatabaseBackend:
    """Every ``WorkQuery`` field as SQL over the works tables (``SearchBackend``)."""

    def __init__(self, location: str) -> None:
        # Nothing lives in the data folder: the database is the index.
        self.location = location

    def search(self, query: WorkQuery) -> SearchResult:
        works = self.matching_works(query)
        total = works.count()
        if total == 0:
            return SearchResult(work_ids=[], total=0, facets=self._no_facets(query))
        start = query.offset
        page = self.ordered(works, query)[start : start + max(query.per_page, 0)]
        return SearchResult(
            work_ids=list(page.values_list("pk", flat=True)),
            total=total,
            facets=self.facet_counts(works, query, total=total),
        )

    def update(self, documents: Sequence[WorkDocument], removed_ids: Collection[int]) -> None:
        """Nothing to do: searches read the works tables themselves."""

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        """Nothing to rebuild; the documents are not even built (that is the costly part)."""

    # ``reindex`` skips building documents for a backend that reads the tables directly.
    needs_documents = False

    # Which works

    def matching_works(self, query: WorkQuery) -> QuerySet[Work]:
        """Every work the query finds, unordered (what the total and the facets count)."""
        # What the index holds (``search.documents``): no work waiting to be revealed.
        works: QuerySet[Work] = Work.objects.filter(
            is_posted=True, in_unrevealed_collection=False
        ).not_withheld()
        if not query.include_restricted:
            works = works.filter(is_restricted=False)
        if query.only_work_ids is not None:
            works = works.filter(pk__in=sorted(query.only_work_ids))
        if query.exclude_work_ids:
            works = works.exclude(pk__in=sorted(query.exclude_work_ids))
        for tag_id in sorted(query.all_tag_ids):
            works = works.filter(_has_filter_tag([tag_id]))
        if query.any_rating_ids:
            works = works.filter(_has_filter_tag(query.any_rating_ids))
        if query.none_tag_ids:
            works = works.exclude(_has_filter_tag(query.none_tag_ids))
        if query.language_id is not None:
            works = works.filter(language_id=query.language_id)
        if query.is_complete is not None:
            works = works.filter(is_complete=query.is_complete)
        if query.crossover is not Crossover.INCLUDE:
            roots = _fandom_root_count()
            if query.crossover is Crossover.ONLY:
                works = works.filter(GreaterThan(roots, 1))
            else:
                works = works.filter(LessThanOrEqual(roots, 1))
        for name, column in _COUNTER_RANGES.items():
            int_range: IntRange = getattr(query, name)
            if int_range.low is not None:
                works = works.filter(**{f"{column}__gte": int_range.low})
            if int_range.high is not None:
                works = works.filter(**{f"{column}__lte": int_range.high})
        for name, day in (("posted", F("published_on")), ("updated", _updated_on())):
            date_range: DateRange = getattr(query, name)
            if date_range.since is not None:
                works = works.filter(GreaterThanOrEqual(day, date_range.since))
            if date_range.until is not None:
                works = works.filter(LessThanOrEqual(day, date_range.until))
        works = self._scoped(works, query)
        if query.text is not None:
            works = works.filter(self.text_condition(query.text))
        return works

    def _scoped(self, works: QuerySet[Work], query: WorkQuery) -> QuerySet[Work]:
        credits = _named_credits()
        if query.creator_user_id is not None:
            works = works.filter(Exists(credits.filter(pseud__user_id=query.creator_user_id)))
        if query.series_id is not None:
            parts = SeriesWork.objects.filter(work=OuterRef("pk"), series_id=query.series_id)
            works = works.filter(Exists(parts))
        if query.collection_id is not None:
            # A subcollection's works are in its parent's listing too.
            items = CollectionItem.objects.approved().filter(
                Q(collection_id=query.collection_id) | Q(collection__parent_id=query.collection_id),
                work_id=OuterRef("pk"),
            )
            works = works.filter(Exists(items))
        if query.exclude_creator_user_ids:
            excluded = credits.filter(pseud__user_id__in=query.exclude_creator_user_ids)
            works = works.exclude(Exists(excluded))
        for tag_type, limit in (
            (TagType.FANDOM, query.max_fandoms),
            (TagType.RELATIONSHIP, query.max_relationships),
        ):
            if limit is not None:
                works = works.filter(LessThanOrEqual(_own_tag_count(tag_type), limit))
        return works

    # Text

    def text_condition(self, node: TextNode) -> Q:
        if isinstance(node, Words):
            return self.words_condition(node)
        if isinstance(node, AllOf):
            return reduce(and_, (self.text_condition(part) for part in node.parts), Q())
        if isinstance(node, AnyOf):
            if not node.parts:
                return Q()
            return reduce(or_, (self.text_condition(part) for part in node.parts))
        if isinstance(node, Not):
            return ~self.text_condition(node.part)
        raise TypeError(f"not a text node: {node!r}")

    def words_condition(self, words: Words) -> Q:
        """Every word somewhere in the work (each in any of the fields), or the phrase whole
        within one field. Words without letters or digits ask for nothing."""
        fields: Sequence[TextField] = TEXT_FIELDS if words.field is None else (words.field,)
        if words.is_phrase:
            phrase = _parts(words.text)
            if not phrase:
                return Q()
            return _in_any_field(fields, phrase)
        terms = [parts for parts in map(_parts, words.text.split()) if parts]
        return reduce(and_, (_in_any_field(fields, parts) for parts in terms), Q())

    def relevance(self, query: WorkQuery) -> Combinable | None:
        """How well each work matches the words, for best match; ``None`` when unknown."""
        return None

    # Order, facets

    def _no_facets(self, query: WorkQuery) -> dict[str, list[FacetCount]]:
        return {tag_type: [] for tag_type in query.facet_types} if query.facet_limit > 0 else {}

    def ordered(self, works: QuerySet[Work], query: WorkQuery) -> QuerySet[Work]:
        key = self.sort_key(query)
        if query.descending:
            first: OrderBy = key.desc(nulls_last=True)
        else:
            first = key.asc(nulls_first=True)
        # Equal keys come newest work first, so pages stay the same between requests.
        return works.annotate(sort_key=key).order_by(first, "-pk")

    def sort_key(self, query: WorkQuery) -> Any:
        sort = query.effective_sort
        if sort is Sort.BEST_MATCH:
            relevance = self.relevance(query)
            # Without a measure of relevance (regular expressions give none), newest first.
            return relevance if relevance is not None else _updated_on()
        if sort is Sort.CREATOR:
            return _creator_sort_key()
        if sort is Sort.TITLE:
            return Lower("title")
        if sort is Sort.UPDATED:
            return _updated_on()
        return F(_SORT_COLUMNS[sort])

    def facet_counts(
        self, works: QuerySet[Work], query: WorkQuery, *, total: int
    ) -> dict[str, list[FacetCount]]:
        """The most frequent filter tags of each type over the whole result set (``total``
        works)."""
        if query.facet_limit <= 0 or not query.facet_types:
            return {}
        facets: dict[str, list[FacetCount]] = {tag_type: [] for tag_type in query.facet_types}
        rows = _top_filter_tags(
            works,
            query.facet_types,
            query.facet_limit,
            look_up_each_type=total <= FEW_WORKS_FOR_TYPE_LOOKUPS,
        )
        for tag_type, tag_id, count in rows:
            facets[tag_type].append(FacetCount(tag_id=tag_id, count=count))
        return facets


_SORT_COLUMNS = {
    Sort.POSTED: "published_on",
    Sort.WORDS: "word_count",
    Sort.HITS: "hits_count",
    Sort.KUDOS: "kudos_count",
    Sort.COMMENTS: "comments_count",
    Sort.BOOKMARKS: "bookmarks_count",
}


def _top_filter_tags(
    works: QuerySet[Work], tag_types: Sequence[str], limit: int, *, look_up_each_type: bool
) -> list[tuple[str, int, int]]:
    """(type, tag id, works) of each type's ``limit`` most used filter tags among ``works``,
    biggest first, ties by tag id; one statement, so the works are matched once."""
    per_tag = (
        FilterTagging.objects.filter(work__in=works.order_by().values("pk"))
        .order_by()
        .values("tag_id")
        .annotate(n=Count("*"))
    )
    per_tag_sql, params = per_tag.query.sql_with_params()
    typed = _with_tag_types(per_tag_sql, look_up_each_type=look_up_each_type)
    types = ", ".join(["%s"] * len(tag_types))
    sql = (
        "SELECT type, tag_id, n FROM ("  # noqa: S608 (values go in as parameters)
        "SELECT type, tag_id, n, "
        "ROW_NUMBER() OVER (PARTITION BY type ORDER BY n DESC, tag_id) AS place "
        f"FROM ({typed}) typed WHERE type IN ({types})) ranked "
        "WHERE place <= %s ORDER BY place"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *tag_types, limit])
        return [(tag_type, tag_id, n) for tag_type, tag_id, n in cursor.fetchall()]


def _with_tag_types(per_tag_sql: str, *, look_up_each_type: bool) -> str:
    """The rows (tag_id, n) of ``per_tag_sql`` with each tag's type.

    The taggings are counted before the tags are read for their type, so the tags are read
    once per tag found rather than once per tagging (22 per work)."""
    tags = connection.ops.quote_name(Tag._meta.db_table)
    if look_up_each_type:
        tag_type = f"(SELECT type FROM {tags} WHERE id = per_tag.tag_id)"  # noqa: S608
        source = f"({per_tag_sql}) per_tag"
    else:
        tag_type = "tag.type"
        source = f"({per_tag_sql}) per_tag JOIN {tags} tag ON tag.id = per_tag.tag_id"
    return f"SELECT {tag_type} AS type, per_tag.tag_id, per_tag.n FROM {source}"  # noqa: S608


def _has_filter_tag(tag_ids: Collection[int]) -> Exists:
    return Exists(FilterTagging.objects.filter(work=OuterRef("pk"), tag_id__in=list(tag_ids)))


def _updated_on() -> Coalesce:
    # As the documents have it: a work never updated was last updated when posted.
    return Coalesce("updated_on", "published_on")


def _count_per_work(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("work").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _own_tag_count(tag_type: str) -> Coalesce:
    """The work's own tags of a type, as readers count them (not the filter taggings)."""
    own = Work.tags.through.objects.filter(work=OuterRef("pk"), tag__type=tag_type)
    return _count_per_work(own)


def _fandom_root_count() -> Coalesce:
    """Fandoms among the work's filter taggings that have no meta fandom (module docstring)."""
    has_meta = MetaTagging.objects.filter(sub_tag=OuterRef("tag_id"), meta_tag__type=TagType.FANDOM)
    roots = FilterTagging.objects.filter(work=OuterRef("pk"), tag__type=TagType.FANDOM).exclude(
        Exists(has_meta)
    )
    return _count_per_work(roots)


def _named_credits() -> QuerySet[Creatorship]:
    """The work's credits a reader may know of, as the index has them: none for a work in
    an anonymous collection (``works.display.credited_pseuds``)."""
    return Creatorship.objects.filter(
        work=OuterRef("pk"), is_approved=True, work__in_anonymous_collection=False
    )


def _creator_sort_key() -> Coalesce:
    """As ``WorkDocument.creator_sort_key``: the least of the credited pseuds' names and their
    users' names, lowercased (SQLite lowercases ASCII only)."""
    names = _named_credits().annotate(
        name_key=Least(
            Lower("pseud__name"), Lower(Coalesce("pseud__user__username", "pseud__name"))
        )
    )
    least = names.order_by().values("work").annotate(key=Min("name_key")).values("key")[:1]
    return Coalesce(Subquery(least), Value(""))


# Matching words with regular expressions. Both SQLite (Python's ``re``, registered by
# Django) and PostgreSQL (its own engine) understand these: lookarounds, \w and \W.


@dataclass(frozen=True)
class _Syntax:
    start: str  # before the first word
    between: str  # between two words of a phrase
    end: str  # after the last word


_PLAIN = _Syntax(start=r"(?<!\w)", between=r"\W+", end=r"(?!\w)")
# Sanitized HTML: words are not looked for inside tags (<strong>) or character references
# (&amp;), and a phrase may run across inline tags ("a <em>very</em> good day").
_HTML = _Syntax(
    start=r"(?<![\w&])",
    between=r"(?:[^\w<&]|<[^>]*>|&#?\w+;|&)+",
    end=r"(?!\w)(?![^<]*>)",
)


def _parts(text: str) -> list[str]:
    return _WORD_PART.findall(text)


def _matches(path: str, parts: list[str], syntax: _Syntax) -> Q:
    pattern = syntax.start + syntax.between.join(parts) + syntax.end
    found = Q(**{f"{path}__iregex": pattern})
    longest = max(parts, key=len)
    if longest.isascii():
        # A cheap LIKE first spares most rows the regular expression.
        found = Q(**{f"{path}__icontains": longest}) & found
    return found


def _in_field(field: TextField, parts: list[str]) -> Q:
    if field == "title":
        return _matches("title", parts, _PLAIN)
    if field == "summary":
        return _matches("summary", parts, _HTML)
    chapters = Chapter.objects.filter(work=OuterRef("pk"), is_posted=True)
    if field == "text":
        return Q(Exists(chapters.filter(_matches("text", parts, _HTML))))
    if field == "notes":
        in_chapters = reduce(
            or_, (_matches(name, parts, _HTML) for name in ("summary", "notes", "end_notes"))
        )
        return (
            _matches("notes", parts, _HTML)
            | _matches("end_notes", parts, _HTML)
            | Q(Exists(chapters.filter(in_chapters)))
        )
    if field == "tag":
        # The work's own tags and the canonicals and meta tags it is filtered by.
        own = Work.tags.through.objects.filter(work=OuterRef("pk"))
        filtered_by = FilterTagging.objects.filter(work=OuterRef("pk"))
        name = _matches("tag__name", parts, _PLAIN)
        return Q(Exists(own.filter(name))) | Q(Exists(filtered_by.filter(name)))
    if field == "creator":
        names = _matches("pseud__name", parts, _PLAIN) | _matches(
            "pseud__user__username", parts, _PLAIN
        )
        return Q(Exists(_named_credits().filter(names)))
    raise ValueError(f"not a text field: {field!r}")


def _in_any_field(fields: Sequence[TextField], parts: list[str]) -> Q:
    return reduce(or_, (_in_field(field, parts) for field in fields))

"""A ``WorkQuery`` as a tantivy query, and which fast field orders its results."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from functools import partial

import tantivy

from ficshelf.search.backends.embedded.schema import (
    ALL_TAGS,
    CREATOR_KEY,
    ORDER_FIELDS,
    ORDER_SHIFT,
    ORDER_VALUE_MAX,
    TITLE_KEY,
    days,
)
from ficshelf.search.query import (
    TEXT_FIELDS,
    AllOf,
    AnyOf,
    Crossover,
    DateRange,
    IntRange,
    Not,
    Sort,
    TextNode,
    Words,
    WorkQuery,
)

Must = tantivy.Occur.Must
Should = tantivy.Occur.Should
MustNot = tantivy.Occur.MustNot

_QueryForField = Callable[[str], tantivy.Query]

# Where a word counts most for "best match": a title hit beats a passing mention in chapter 40.
FIELD_BOOSTS = {"title": 4.0, "creator": 3.0, "tag": 3.0, "summary": 2.0, "notes": 1.0, "text": 1.0}

SORT_FIELDS = {
    Sort.CREATOR: CREATOR_KEY,
    Sort.TITLE: TITLE_KEY,
    Sort.POSTED: ORDER_FIELDS["published_on"],
    Sort.UPDATED: ORDER_FIELDS["updated_on"],
    Sort.WORDS: ORDER_FIELDS["word_count"],
    Sort.HITS: ORDER_FIELDS["hits_count"],
    Sort.KUDOS: ORDER_FIELDS["kudos_count"],
    Sort.COMMENTS: ORDER_FIELDS["comments_count"],
    Sort.BOOKMARKS: ORDER_FIELDS["bookmarks_count"],
}


def sort_field(query: WorkQuery) -> str | None:
    """The fast field to order by, or ``None`` to order by score."""
    return SORT_FIELDS.get(query.effective_sort)


def to_tantivy_query(
    query: WorkQuery, schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer
) -> tantivy.Query:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(Must, tantivy.Query.all_query())]
    if query.text is not None:
        clauses.append((Must, text_query(query.text, schema, analyzer)))
    clauses += [(Must, _filter(q)) for q in _required_filters(query, schema)]
    clauses += [(MustNot, q) for q in _forbidden_filters(query, schema)]
    return tantivy.Query.boolean_query(clauses)


def _filter(query: tantivy.Query) -> tantivy.Query:
    # Filters decide membership only; they must not change the best-match order.
    return tantivy.Query.const_score_query(query, 0.0)


def _required_filters(query: WorkQuery, schema: tantivy.Schema) -> list[tantivy.Query]:
    found = [_term(schema, ALL_TAGS, tag_id) for tag_id in sorted(query.all_tag_ids)]
    if query.only_work_ids is not None:
        found.append(_any_term(schema, "work_id", query.only_work_ids))
    if query.any_rating_ids:
        found.append(_any_term(schema, ALL_TAGS, query.any_rating_ids))
    if query.language_id is not None:
        found.append(_term(schema, "language_id", query.language_id))
    if query.is_complete is not None:
        found.append(_term(schema, "is_complete", int(query.is_complete)))
    if query.crossover is not Crossover.INCLUDE:
        found.append(_term(schema, "is_crossover", int(query.crossover is Crossover.ONLY)))
    if not query.include_restricted:
        found.append(_term(schema, "is_restricted", 0))
    for field_name, value in (
        ("creator_user_ids", query.creator_user_id),
        ("series_ids", query.series_id),
        ("collection_ids", query.collection_id),
    ):
        if value is not None:
            found.append(_term(schema, field_name, value))
    for field_name, limit in (
        ("fandom_count", query.max_fandoms),
        ("relationship_count", query.max_relationships),
    ):
        if limit is not None:
            found.append(_range(schema, field_name, 0, limit))
    for attribute, int_range in (
        ("word_count", query.words),
        ("kudos_count", query.kudos),
        ("hits_count", query.hits),
        ("comments_count", query.comments),
        ("bookmarks_count", query.bookmarks),
    ):
        if not int_range.is_open:
            found.append(_order_range(schema, ORDER_FIELDS[attribute], int_range))
    for attribute, date_range in (("published_on", query.posted), ("updated_on", query.updated)):
        if not date_range.is_open:
            found.append(_order_range(schema, ORDER_FIELDS[attribute], _days(date_range)))
    return found


def _forbidden_filters(query: WorkQuery, schema: tantivy.Schema) -> list[tantivy.Query]:
    found = []
    if query.none_tag_ids:
        found.append(_any_term(schema, ALL_TAGS, query.none_tag_ids))
    if query.exclude_creator_user_ids:
        found.append(_any_term(schema, "creator_user_ids", query.exclude_creator_user_ids))
    if query.exclude_work_ids:
        found.append(_any_term(schema, "work_id", query.exclude_work_ids))
    return found


def _days(date_range: DateRange) -> IntRange:
    def day_or_none(day: datetime.date | None) -> int | None:
        return days(day) if day is not None else None

    return IntRange(day_or_none(date_range.since), day_or_none(date_range.until))


def _order_range(schema: tantivy.Schema, field_name: str, int_range: IntRange) -> tantivy.Query:
    """A value range on an order field (value in the high bits, work id in the low ones)."""
    low = 0 if int_range.low is None else min(max(int_range.low, 0), ORDER_VALUE_MAX + 1)
    high = ORDER_VALUE_MAX if int_range.high is None else min(int_range.high, ORDER_VALUE_MAX)
    if high < low:
        return tantivy.Query.empty_query()
    return _range(
        schema,
        field_name,
        low << ORDER_SHIFT,
        (high << ORDER_SHIFT) | ORDER_VALUE_MAX,
    )


def _range(schema: tantivy.Schema, field_name: str, low: int, high: int) -> tantivy.Query:
    if high < low or high < 0:
        return tantivy.Query.empty_query()
    return tantivy.Query.range_query(
        schema, field_name, tantivy.FieldType.Unsigned, max(low, 0), high
    )


def _term(schema: tantivy.Schema, field_name: str, value: int) -> tantivy.Query:
    if value < 0:  # u64 fields hold no negative ids
        return tantivy.Query.empty_query()
    return tantivy.Query.term_query(schema, field_name, value)


def _any_term(schema: tantivy.Schema, field_name: str, values: Collection[int]) -> tantivy.Query:
    valid = sorted(v for v in values if v >= 0)
    if not valid:
        return tantivy.Query.empty_query()
    return tantivy.Query.term_set_query(schema, field_name, valid)


def text_query(
    node: TextNode, schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer
) -> tantivy.Query:
    if isinstance(node, Words):
        return _words_query(node, schema, analyzer)
    if isinstance(node, AllOf):
        parts = [text_query(part, schema, analyzer) for part in node.parts]
        return tantivy.Query.boolean_query([(Must, part) for part in parts])
    if isinstance(node, AnyOf):
        parts = [text_query(part, schema, analyzer) for part in node.parts]
        return tantivy.Query.boolean_query([(Should, part) for part in parts])
    if isinstance(node, Not):
        # A query of only exclusions matches nothing in tantivy: exclude from everything.
        return tantivy.Query.boolean_query(
            [
                (Must, tantivy.Query.all_query()),
                (MustNot, text_query(node.part, schema, analyzer)),
            ]
        )
    raise TypeError(f"not a text node: {node!r}")


def _words_query(
    words: Words, schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer
) -> tantivy.Query:
    tokens = analyzer.analyze(words.text)
    if not tokens:
        # Only punctuation or over-long tokens: nothing to look for, so no constraint.
        return tantivy.Query.all_query()
    fields: Sequence[str] = TEXT_FIELDS if words.field is None else (words.field,)
    if words.is_phrase and len(tokens) > 1:
        return _in_any_field(fields, lambda name: _phrase(schema, name, tokens))
    # Every word must appear, each in any of the fields (not necessarily the same one).
    return tantivy.Query.boolean_query(
        [(Must, _in_any_field(fields, partial(_word, schema, token=token))) for token in tokens]
    )


def _word(schema: tantivy.Schema, field_name: str, *, token: str) -> tantivy.Query:
    return tantivy.Query.term_query(schema, field_name, token)


def _phrase(schema: tantivy.Schema, field_name: str, tokens: list[str]) -> tantivy.Query:
    words: list[str | tuple[int, str]] = list(tokens)
    return tantivy.Query.phrase_query(schema, field_name, words)


def _in_any_field(fields: Sequence[str], make: _QueryForField) -> tantivy.Query:
    if len(fields) == 1:
        return make(fields[0])
    return tantivy.Query.boolean_query(
        [(Should, tantivy.Query.boost_query(make(name), FIELD_BOOSTS[name])) for name in fields]
    )

"""Full-text search in PostgreSQL, for installs where several app servers share one database.

Filters, sorts and facet counts are ``DatabaseBackend``'s (SQL over the works tables); only
words are different: they are looked up in ``WorkTextChunk`` rows, tsvectors filled from the
work documents by ``update`` and ``rebuild`` (the index queue's worker and ``reindex``).

Why chunks: PostgreSQL keeps word positions only up to 16,383 per tsvector and piles every
later word onto position 16,383, so a phrase past that point in a long chapter is not found.
Each field is cut into chunks of ``CHUNK_WORDS`` words (see there for why so few); the
chunks of a long text overlap by ``OVERLAP_WORDS`` words so a phrase across a cut is whole in
one of them. Short values of a field (a work's tags, its creators' names, short chapters)
share a chunk, as the elements of a JSON array: PostgreSQL leaves a position gap between
elements, so a phrase never runs from one tag, or chapter, into the next.

Words are analyzed with ``ficshelf_english`` (made by migration ``search.0003``): English
stemming as in the embedded backend, so "dragons" finds "dragon", and no stop words, so
phrases mean what they say ("king in the north" is not "king of the north") and every word
can be searched for.

As on AO3, the words of a query may be anywhere in the work: each word is its own EXISTS
over the work's chunks, so they may sit in different chunks and fields. A phrase must be
whole within one chunk of one field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import reduce
from itertools import islice
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Exists, F, FloatField, Max, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from ficshelf.search.backends.base import SearchResult, SearchUnavailable
from ficshelf.search.backends.database import DatabaseBackend
from ficshelf.search.documents import WorkDocument
from ficshelf.search.models import WorkTextChunk
from ficshelf.search.query import AllOf, AnyOf, Not, TextNode, Words, WorkQuery

TEXT_SEARCH_CONFIG = "ficshelf_english"

# The size is set by what PostgreSQL does with big vectors. It keeps only 256 positions per
# lexeme, so a phrase with "the" in it is missed after the 256th "the" of a chunk; at 500
# words "the" (about 6% of English prose) stays near 30. And a vector too big to stay in its
# row is moved out of it (TOAST), which the planner does not count: it then reads every
# chunk instead of using the GIN index (measured on 3,000 works of 3,000 words: 2,000-word
# chunks took 400-600 ms a search, 500-word chunks stored in the row 50-95 ms). Migration
# ``search.0003`` keeps the vectors in the row (STORAGE MAIN).
CHUNK_WORDS = 500
# Phrases up to this many words are found across a cut.
OVERLAP_WORDS = 20

# For best match: a title hit beats a passing mention in chapter 40 (ts_rank weighs
# A 1.0, B 0.4, C 0.2, D 0.1).
FIELD_WEIGHTS = {
    WorkTextChunk.Field.TITLE: "A",
    WorkTextChunk.Field.CREATOR: "B",
    WorkTextChunk.Field.TAG: "B",
    WorkTextChunk.Field.SUMMARY: "C",
    WorkTextChunk.Field.NOTES: "D",
    WorkTextChunk.Field.TEXT: "D",
}

REBUILD_BATCH = 200

# A query word PostgreSQL can make a lexeme of: at least one letter or digit.
_SEARCHABLE = re.compile(r"[^\W_]")


class PostgresBackend(DatabaseBackend):
    """``DatabaseBackend`` with words matched against chunked tsvectors."""

    needs_documents = True

    def search(self, query: WorkQuery) -> SearchResult:
        _require_postgresql()
        return super().search(query)

    # Text

    def words_condition(self, words: Words) -> Q:
        chunks = WorkTextChunk.objects.filter(work_id=OuterRef("pk"))
        if words.field is not None:
            chunks = chunks.filter(field=words.field)
        if words.is_phrase:
            if not _SEARCHABLE.search(words.text):
                return Q()
            return Q(Exists(chunks.filter(vector=_ts_query(words.text, phrase=True))))
        terms = [term for term in words.text.split() if _SEARCHABLE.search(term)]
        found = (Q(Exists(chunks.filter(vector=_ts_query(term)))) for term in terms)
        return reduce(and_, found, Q())

    def relevance(self, query: WorkQuery) -> Combinable | None:
        """The best ``ts_rank`` among the work's chunks for any of the words looked for."""
        if query.text is None:
            return None
        wanted = list(_wanted_words(query.text))
        if not wanted:
            return None
        ts_query = reduce(or_, (_ts_query(words.text, phrase=words.is_phrase) for words in wanted))
        best = (
            WorkTextChunk.objects.filter(work_id=OuterRef("pk"), vector=ts_query)
            .order_by()
            .values("work_id")
            .annotate(best=Max(SearchRank(F("vector"), ts_query)))
            .values("best")[:1]
        )
        return Coalesce(Subquery(best, output_field=FloatField()), Value(0.0))

    # Writing

    def update(self, documents: Sequence[WorkDocument], removed_ids: Collection[int]) -> None:
        _require_postgresql()
        replaced = sorted({*removed_ids, *(document.work_id for document in documents)})
        if not replaced:
            return
        with transaction.atomic():
            WorkTextChunk.objects.filter(work_id__in=replaced).delete()
            _insert_chunks(documents)

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        _require_postgresql()
        # DELETE rather than TRUNCATE, in one transaction: searches go on reading the old
        # rows until the commit (TRUNCATE would lock them out for the whole rebuild).
        with transaction.atomic():
            WorkTextChunk.objects.all().delete()
            pending = iter(documents)
            while batch := list(islice(pending, REBUILD_BATCH)):
                _insert_chunks(batch)
                if on_progress is not None:
                    on_progress(len(batch))


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise SearchUnavailable(
            "The PostgreSQL search backend needs a PostgreSQL database (DATABASE_URL); "
            "on SQLite use the embedded backend or ficshelf.search.backends.database."
        )


def _ts_query(text: str, *, phrase: bool = False) -> SearchQuery:
    return SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="phrase" if phrase else "plain")


def _wanted_words(node: TextNode, negated: bool = False) -> Iterator[Words]:
    """The words a match is found by (not those it must lack), for ranking."""
    if isinstance(node, Words):
        if not negated and _SEARCHABLE.search(node.text):
            yield node
    elif isinstance(node, AllOf | AnyOf):
        for part in node.parts:
            yield from _wanted_words(part, negated)
    elif isinstance(node, Not):
        yield from _wanted_words(node.part, not negated)


def field_values(document: WorkDocument) -> dict[WorkTextChunk.Field, list[str]]:
    """What each text field of a work holds, as separate values."""
    return {
        WorkTextChunk.Field.TITLE: [document.title],
        WorkTextChunk.Field.CREATOR: document.creator_names,
        WorkTextChunk.Field.SUMMARY: [document.summary],
        WorkTextChunk.Field.NOTES: [document.notes],
        WorkTextChunk.Field.TAG: document.tag_names,
        WorkTextChunk.Field.TEXT: document.chapter_texts,
    }


def chunk_values(values: Iterable[str]) -> list[list[str]]:
    """Group a field's values into chunks of at most ``CHUNK_WORDS`` words; a longer value is
    cut into overlapping windows, each a chunk of its own."""
    chunks: list[list[str]] = []
    current: list[str] = []
    current_words = 0
    for value in values:
        words = value.replace("\x00", "").split()  # PostgreSQL text holds no NUL
        if not words:
            continue
        if current and current_words + len(words) > CHUNK_WORDS:
            chunks.append(current)
            current, current_words = [], 0
        if len(words) <= CHUNK_WORDS:
            current.append(" ".join(words))
            current_words += len(words)
            continue
        start = 0
        while True:
            chunks.append([" ".join(words[start : start + CHUNK_WORDS])])
            if start + CHUNK_WORDS >= len(words):
                break
            start += CHUNK_WORDS - OVERLAP_WORDS
    if current:
        chunks.append(current)
    return chunks


def _insert_chunks(documents: Iterable[WorkDocument]) -> None:
    rows = []
    for document in documents:
        position = 0
        for field, values in field_values(document).items():
            for chunk in chunk_values(values):
                text = json.dumps(chunk, ensure_ascii=False)
                rows.append((document.work_id, field, position, text, FIELD_WEIGHTS[field]))
                position += 1
    if not rows:
        return
    table = connection.ops.quote_name(WorkTextChunk._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (work_id, field, position, vector) "  # noqa: S608
            "VALUES (%s, %s, %s, setweight(to_tsvector("
            f"'{TEXT_SEARCH_CONFIG}'::regconfig, %s::jsonb), %s::\"char\"))",
            rows,
        )

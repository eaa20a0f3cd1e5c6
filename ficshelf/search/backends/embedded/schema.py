"""The shape of the tantivy index, and how a ``WorkDocument`` becomes one of its documents."""

from __future__ import annotations

import datetime

import tantivy

from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import FACET_TYPES, TEXT_FIELDS

# Bump when the schema or the analyzer changes: an index built by an older version is not
# searched (its fields would be missing or analyzed differently) until ``reindex`` runs.
SCHEMA_VERSION = 2

# English stemming, so "dragons" finds "dragon"; no stop words, so phrases keep their
# positions ("the king in the north"). Over-long tokens (pasted URLs, base64) are dropped.
ENGLISH = "ficshelf_english"
MAX_TOKEN_LENGTH = 40
# Sort keys for title and creator are kept whole, already case-folded.
RAW = "raw"

# Numeric sorts share one fast field with their range filter: the value in the high 32 bits
# and the work id in the low 32, so equal values come out in work-id order and pages stay
# stable between requests. Values beyond 32 bits are clamped (no work has 4 billion kudos).
ORDER_SHIFT = 32
ORDER_VALUE_MAX = (1 << 32) - 1
ORDER_FIELDS = {
    "word_count": "words_order",
    "kudos_count": "kudos_order",
    "hits_count": "hits_order",
    "comments_count": "comments_order",
    "bookmarks_count": "bookmarks_order",
    "published_on": "posted_order",
    "updated_on": "updated_order",
}
# Text sort keys end with the zero-padded work id for the same reason.
TITLE_KEY = "title_key"
CREATOR_KEY = "creator_key"
SORT_KEY_MAX_CHARS = 120

ALL_TAGS = "all_tags"
# Small whole-number facts filtered on exactly (flags are 0/1; language 0 = none).
EXACT_FIELDS = (
    "language_id",
    "is_complete",
    "is_crossover",
    "is_restricted",
    "fandom_count",
    "relationship_count",
)
SCOPE_FIELDS = ("creator_user_ids", "series_ids", "collection_ids")

# Broad result sets count facets over a fixed slice of the works (facets.py): each work
# falls in one of SAMPLE_BUCKETS by a hash of its id, so a slice is a cheap range filter
# and the same work is always in or out of it.
SAMPLE_BUCKET = "sample_bucket"
SAMPLE_BUCKETS = 64


def tag_field(tag_type: str) -> str:
    return f"tags_{tag_type}"


def sample_bucket(work_id: int) -> int:
    # Fibonacci hashing: the top bits of id * 2^32/phi spread consecutive ids evenly over
    # the buckets and owe nothing to id patterns (every 64th work, odd ids).
    return ((work_id * 2654435761) & 0xFFFFFFFF) * SAMPLE_BUCKETS >> 32


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("work_id", stored=True, indexed=True, fast=True)
    # Filters look tags up in one posted list whatever their type; facet counts read the
    # per-type columns. Neither needs the other's structure, which keeps the index small.
    builder.add_unsigned_field(ALL_TAGS, indexed=True)
    for tag_type in FACET_TYPES:
        builder.add_unsigned_field(tag_field(tag_type), fast=True)
    for name in (*EXACT_FIELDS, *SCOPE_FIELDS):
        builder.add_unsigned_field(name, indexed=True, fast=name in EXACT_FIELDS)
    for name in ORDER_FIELDS.values():
        builder.add_unsigned_field(name, fast=True)
    builder.add_unsigned_field(SAMPLE_BUCKET, indexed=True, fast=True)
    builder.add_text_field(TITLE_KEY, fast=True, tokenizer_name=RAW, index_option="basic")
    builder.add_text_field(CREATOR_KEY, fast=True, tokenizer_name=RAW, index_option="basic")
    for name in TEXT_FIELDS:
        # Not stored: the database has the text, and storing chapters would double the size.
        builder.add_text_field(name, tokenizer_name=ENGLISH, index_option="position")
    return builder.build()


def english_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_LENGTH))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def days(day: datetime.date | None) -> int:
    """Dates are whole days (proleptic ordinal); 0 when unknown."""
    return day.toordinal() if day is not None else 0


def order_value(value: int, work_id: int) -> int:
    clamped = min(max(value, 0), ORDER_VALUE_MAX)
    return (clamped << ORDER_SHIFT) | (work_id & ORDER_VALUE_MAX)


def sort_key(text: str, work_id: int) -> str:
    return f"{text[:SORT_KEY_MAX_CHARS]}\x00{work_id:020d}"


def to_tantivy(document: WorkDocument, schema: tantivy.Schema) -> tantivy.Document:
    work_id = document.work_id
    fields: dict[str, object] = {
        "work_id": work_id,
        ALL_TAGS: sorted(set(document.all_filter_tag_ids)),
        "language_id": document.language_id or 0,
        "is_complete": int(document.is_complete),
        "is_crossover": int(document.is_crossover),
        "is_restricted": int(document.is_restricted),
        "fandom_count": document.fandom_count,
        "relationship_count": document.relationship_count,
        "creator_user_ids": document.creator_user_ids,
        "series_ids": document.series_ids,
        "collection_ids": document.collection_ids,
        SAMPLE_BUCKET: sample_bucket(work_id),
        TITLE_KEY: sort_key(document.title_sort_key, work_id),
        CREATOR_KEY: sort_key(document.creator_sort_key, work_id),
        "title": document.title,
        "creator": document.creator_names,
        "summary": document.summary,
        "notes": document.notes,
        "tag": document.tag_names,
        # Separate values, so a phrase never runs from one chapter's end into the next.
        "text": document.chapter_texts,
    }
    for tag_type in FACET_TYPES:
        fields[tag_field(tag_type)] = sorted(set(document.filter_tag_ids.get(tag_type, ())))
    for attribute, field_name in ORDER_FIELDS.items():
        raw = getattr(document, attribute)
        value = days(raw) if attribute.endswith("_on") else int(raw)
        fields[field_name] = order_value(value, work_id)
    return tantivy.Document.from_dict(fields, schema)

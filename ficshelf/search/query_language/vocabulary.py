"""The language's words: the field, count, date and sort names readers type, and its limits."""

from __future__ import annotations

from typing import Literal

from ficshelf.search.query import Sort, TextField

# Bigger than any real count; keeps absurd numbers from overflowing a backend's integer field.
MAX_COUNT = 10**12
# Longer searches are cut: no reader types more, and the parser's work grows with length.
MAX_SEARCH_LENGTH = 4000
# Deeper nesting than this is a typo or an attack, and recursion has a limit.
MAX_DEPTH = 32
MAX_PERIOD_AMOUNT = 100_000

CountName = Literal["words", "kudos", "hits", "comments", "bookmarks"]
DateName = Literal["updated", "posted"]
# The tag types (``tags.TagType`` values), named here so the language needs no database.
TagTypeName = Literal[
    "rating", "warning", "category", "fandom", "relationship", "character", "freeform"
]

TEXT_FIELD_NAMES: dict[str, TextField] = {
    "title": "title",
    "titles": "title",
    "creator": "creator",
    "creators": "creator",
    "author": "creator",
    "authors": "creator",
    "pseud": "creator",
    "pseuds": "creator",
    "summary": "summary",
    "notes": "notes",
    "note": "notes",
    "endnotes": "notes",
    "tag": "tag",
    "tags": "tag",
    "text": "text",
}
# "fandom:Naruto" filters by the tag as the sidebar does: the names readers type, their
# plurals, and AO3's own field names.
TAG_FIELD_NAMES: dict[str, TagTypeName] = {
    **dict.fromkeys(("fandom", "fandoms", "fandom_names"), "fandom"),
    **dict.fromkeys(("rating", "ratings"), "rating"),
    **dict.fromkeys(
        ("warning", "warnings", "archive_warning", "archive_warnings", "archive_warning_names"),
        "warning",
    ),
    **dict.fromkeys(("category", "categories", "category_names"), "category"),
    **dict.fromkeys(("character", "characters", "character_names"), "character"),
    **dict.fromkeys(
        ("relationship", "relationships", "relationship_names", "pairing", "pairings", "ship"),
        "relationship",
    ),
    **dict.fromkeys(
        ("freeform", "freeforms", "freeform_names", "additional_tag", "additional_tags"),
        "freeform",
    ),
}
# How the reader is told of a tag condition: "fandom “Naruto”".
TAG_TYPE_LABELS: dict[TagTypeName, str] = {
    "rating": "rating",
    "warning": "warning",
    "category": "category",
    "fandom": "fandom",
    "relationship": "relationship",
    "character": "character",
    "freeform": "additional tag",
}
COUNT_NAMES: dict[str, CountName] = {
    "words": "words",
    "word": "words",
    "word_count": "words",
    "words_count": "words",
    "wordcount": "words",
    "kudos": "kudos",
    "kudo": "kudos",
    "kudos_count": "kudos",
    "hits": "hits",
    "hit": "hits",
    "hits_count": "hits",
    "comments": "comments",
    "comment": "comments",
    "comments_count": "comments",
    "comment_count": "comments",
    "bookmarks": "bookmarks",
    "bookmark": "bookmarks",
    "bookmarks_count": "bookmarks",
    "bookmark_count": "bookmarks",
}
DATE_NAMES: dict[str, DateName] = {
    "updated": "updated",
    "updated_at": "updated",
    "revised": "updated",
    "revised_at": "updated",
    "date": "updated",
    "posted": "posted",
    "posted_at": "posted",
    "created": "posted",
    "created_at": "posted",
    "published": "posted",
}
# AO3's other hidden operators: filters Ficshelf offers in the sidebar, not in the box.
IGNORED_FIELD_NAMES = frozenset(
    {
        "expected_number_of_chapters",
        "chapters",
        "complete",
        "restricted",
        "otp",
        "backdate",
        "work_skin_id",
        "imported_from_url",
        "language_id",
        "work_types",
        "crossover",
        "fandom_ids",
        "filter_ids",
        "rating_ids",
    }
)
SORT_FIELD_NAMES = frozenset({"sort", "sort_by", "sorted_by", "sort_column"})
SORT_NAMES: dict[str, Sort] = {
    **{name: Sort.WORDS for name in ("words", "word", "word_count", "wordcount")},
    **{name: Sort.KUDOS for name in ("kudos", "kudos_count")},
    **{name: Sort.HITS for name in ("hits", "hit")},
    **{name: Sort.COMMENTS for name in ("comments", "comments_count")},
    **{name: Sort.BOOKMARKS for name in ("bookmarks", "bookmarks_count")},
    **{name: Sort.TITLE for name in ("title", "title_to_sort_on")},
    **{name: Sort.CREATOR for name in ("creator", "creators", "author", "authors_to_sort_on")},
    **{name: Sort.UPDATED for name in ("updated", "revised_at", "date", "date_updated")},
    **{name: Sort.POSTED for name in ("posted", "created_at", "date_posted")},
    **{name: Sort.BEST_MATCH for name in ("best_match", "relevance", "_score")},
}
# AO3's QueryCleaner reads ">" as ascending and "<" as descending.
SORT_DIRECTIONS = {
    ">": False,
    "<": True,
    "asc": False,
    "ascending": False,
    "desc": True,
    "descending": True,
}

"""The search box's little language, as AO3 readers type it.

``parse_search`` turns what a reader typed into text to match (``query.TextNode``) and the
number and date ranges AO3 lets them write inline (``words>1000``, ``updated: <"2 weeks ago"``).
It never raises: whatever it cannot read is searched as ordinary words or left out, and each
such choice is told back to the reader as a sentence in ``ParsedSearch.notices``.

Text
    Bare words must all match, anywhere (the chapters' text included). ``"quoted words"`` are
    a phrase. ``AND``/``&&``, ``OR``/``||`` and ``NOT``/``-word``/``!word`` combine them, with
    parentheses and the usual precedence (NOT binds tightest, then AND, then OR); terms side by
    side are ANDed. As on AO3 (Elasticsearch's query string), the operators count only in
    capitals: a lowercase ``and`` is a word.
Fields
    ``title:``, ``creator:`` (``creators:``, ``author:``), ``summary:``, ``notes:``
    (``endnotes:``), ``tag:`` (``tags:``) and ``text:`` (the chapters only) apply to the next
    word, phrase or parenthesised group; a space after the colon is allowed, as AO3 requires
    one. A field inside a group restricted to another field wins for its own term. AO3
    properties Ficshelf does not search by (``otp:``, ``complete:``...) are left out, with a
    notice; any other ``name:value`` is searched as ordinary words, with a notice.
Tags
    ``fandom:``, ``rating:``, ``warning:``, ``category:``, ``character:``, ``relationship:``
    and ``freeform:`` (their plurals, AO3's ``fandom_names:``..., ``ship:``,
    ``additional_tags:``) take one tag name, a word or a quoted phrase, and filter as the
    sidebar does (synonyms and sub tags included); ``-`` or ``NOT`` before one excludes the
    tag. The search form looks the names up (``search.tag_conditions``): ratings, warnings
    and categories also by a word of their name (``rating:teen``, ``warning:violence``); a
    fandom, character, relationship or additional tag nobody has is searched for as words in
    the tags instead. Like counts they all apply together; ratings are "any of".
Counts
    ``words``, ``kudos``, ``hits``, ``comments``, ``bookmarks`` (and AO3's ``word_count``,
    ``kudos_count``, ``comments_count``, ``bookmarks_count``) take ``>n``, ``<n``, ``>=n``,
    ``<=n``, ``=n`` or ``n`` (exactly), ``a-b`` (inclusive, either end may be left open) and
    Elasticsearch's ``[a TO b]``, with or without a colon: ``words>10,000``, ``words: 1000-5000``.
    ``<`` and ``>`` are strict, as on AO3. Numbers are clamped to ``0..MAX_COUNT``.
Dates
    ``updated`` (``revised_at``, ``date``) and ``posted`` (``created_at``) take calendar dates
    (``2024-01-01``, ``2024-01``, ``2024``), ``a-b`` between two full dates or two years,
    ``a..b``, ``[a TO b]``, and AO3's relative periods ``n hours/days/weeks/months/years ago``
    (``ago`` optional, quotes optional):

    - ``<"2 weeks ago"`` means *less than* two weeks ago, so more recent: since today - 14 days
      (AO3's ``SearchRange`` turns ``<`` into "later than that time").
    - ``>"2 weeks ago"`` means more than two weeks ago: until the day before that.
    - a bare ``"2 weeks ago"`` is, as on AO3, that whole calendar period: the Monday-to-Sunday
      week two weeks back (``"1 month ago"`` is all of last month, ``"0 days ago"`` today).
    - ``"2-4 weeks ago"`` runs from four weeks ago to two weeks ago.

    For calendar dates ``<`` and ``>`` are strict: ``updated<2024-01-01`` ends on 31 Dec 2023.
Several conditions on the same count or date narrow each other.
Order
    AO3's ``sort:kudos`` (any count, ``title``, ``creator``, ``updated``, ``posted``,
    ``best_match``), optionally followed by ``ascending``/``descending``; AO3's ``sort:>title``
    is ascending and ``sort:<title`` descending.
"""

from __future__ import annotations

from ficshelf.search.query_language.chunks import TagCondition
from ficshelf.search.query_language.saying_back import describe
from ficshelf.search.query_language.tree import ParsedSearch, parse_search
from ficshelf.search.query_language.vocabulary import MAX_COUNT, MAX_DEPTH, MAX_SEARCH_LENGTH

__all__ = [
    "MAX_COUNT",
    "MAX_DEPTH",
    "MAX_SEARCH_LENGTH",
    "ParsedSearch",
    "TagCondition",
    "describe",
    "parse_search",
]

"""Parsing the tokens into a ``TextNode`` tree, and ``parse_search``, which runs the whole
reading into a ``ParsedSearch``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from ficshelf.search.query import (
    AllOf,
    AnyOf,
    DateRange,
    IntRange,
    Not,
    Sort,
    TextField,
    TextNode,
    Words,
)
from ficshelf.search.query_language.chunks import Reader, TagCondition, Token
from ficshelf.search.query_language.vocabulary import MAX_DEPTH, MAX_SEARCH_LENGTH


@dataclass(frozen=True)
class ParsedSearch:
    """What a search box held: text to match, count and date ranges, and what was guessed."""

    text: TextNode | None = None
    words: IntRange = field(default_factory=IntRange)
    kudos: IntRange = field(default_factory=IntRange)
    hits: IntRange = field(default_factory=IntRange)
    comments: IntRange = field(default_factory=IntRange)
    bookmarks: IntRange = field(default_factory=IntRange)
    updated: DateRange = field(default_factory=DateRange)  # AO3's revised_at
    posted: DateRange = field(default_factory=DateRange)  # AO3's created_at
    # AO3's "sort:kudos descending"; None leaves the choice to the form.
    sort: Sort | None = None
    descending: bool | None = None
    # "fandom:Naruto", "-warning:violence": tags to look up and filter by.
    tags: tuple[TagCondition, ...] = ()
    notices: tuple[str, ...] = ()


# --- Parsing tokens into a tree ---------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], reader: Reader) -> None:
        self.tokens = tokens
        self.position = 0
        self.reader = reader
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def parse(self) -> TextNode | None:
        parts: list[TextNode] = []
        while self.position < len(self.tokens):
            node = self.parse_or()
            if node is not None:
                parts.append(node)
            token = self.peek()
            if token is not None and token.kind == "close":
                self.position += 1
                self.reader.note("A closing parenthesis had no opening one, so it was ignored.")
        return _simplify(AllOf(tuple(parts))) if parts else None

    def parse_or(self) -> TextNode | None:
        parts: list[TextNode] = []
        first = self.parse_and()
        if first is not None:
            parts.append(first)
        while (token := self.peek()) is not None and token.kind == "or":
            self.position += 1
            following = self.parse_and()
            if following is None or not parts:
                self.reader.note("“OR” needs something on both sides, so a lone one was ignored.")
            if following is not None:
                parts.append(following)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else _simplify(AnyOf(tuple(parts)))

    def parse_and(self) -> TextNode | None:
        parts: list[TextNode] = []
        while (token := self.peek()) is not None and token.kind not in ("or", "close"):
            if token.kind == "and":
                self.position += 1
                following = self.peek()
                if not parts or following is None or following.kind in ("or", "close", "and"):
                    self.reader.note(
                        "“AND” needs something on both sides, so a lone one was ignored."
                    )
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else _simplify(AllOf(tuple(parts)))

    def parse_unary(self) -> TextNode | None:
        negated = False
        field: TextField | None = None
        while (token := self.peek()) is not None and token.kind in ("not", "field"):
            self.position += 1
            if token.kind == "not":
                negated = not negated
            elif field is None:
                field = token.field
        node = self.parse_primary()
        if node is None:
            if negated or field is not None:
                what = "“NOT”" if negated else "A field name"
                self.reader.note(f"{what} had nothing after it, so it was ignored.")
            return None
        if field is not None:
            node = _with_field(node, field)
        return Not(node) if negated else node

    def parse_primary(self) -> TextNode | None:
        token = self.peek()
        if token is None or token.kind in ("or", "close", "and"):
            return None
        self.position += 1
        if token.kind == "term":
            return Words(token.text)
        if token.kind == "phrase":
            return Words(token.text, is_phrase=True)
        # An opening parenthesis.
        if self.depth >= MAX_DEPTH:
            self.reader.note("Parentheses nested too deeply were ignored.")
            return None
        self.depth += 1
        node = self.parse_or()
        self.depth -= 1
        closing = self.peek()
        if closing is not None and closing.kind == "close":
            self.position += 1
        else:
            self.reader.note("A parenthesis was not closed, so it was closed at the end.")
        return node


def _with_field(node: TextNode, field: TextField) -> TextNode:
    if isinstance(node, Words):
        return node if node.field is not None else replace(node, field=field)
    if isinstance(node, AllOf):
        return AllOf(tuple(_with_field(part, field) for part in node.parts))
    if isinstance(node, AnyOf):
        return AnyOf(tuple(_with_field(part, field) for part in node.parts))
    return Not(_with_field(node.part, field))


def _simplify(node: TextNode) -> TextNode:
    """Flatten nested AND/OR and merge side-by-side plain words on the same field."""
    if isinstance(node, Not):
        inner = _simplify(node.part)
        return inner.part if isinstance(inner, Not) else Not(inner)
    if isinstance(node, Words):
        return node
    is_all = isinstance(node, AllOf)
    flat: list[TextNode] = []
    for part in (_simplify(p) for p in node.parts):
        if (is_all and isinstance(part, AllOf)) or (not is_all and isinstance(part, AnyOf)):
            flat.extend(part.parts)
        else:
            flat.append(part)
    parts: list[TextNode] = []
    pending: list[Words] = []  # plain words side by side on one field, to be merged

    def merge_pending() -> None:
        if pending:
            text = " ".join(words.text for words in pending)
            parts.append(replace(pending[0], text=text))
            pending.clear()

    for part in flat:
        if is_all and isinstance(part, Words) and not part.is_phrase:
            if pending and pending[0].field != part.field:
                merge_pending()
            pending.append(part)
        else:
            merge_pending()
            parts.append(part)
    merge_pending()
    if len(parts) == 1:
        return parts[0]
    return AllOf(tuple(parts)) if is_all else AnyOf(tuple(parts))


def parse_search(text: str, *, today: datetime.date) -> ParsedSearch:
    """Read a search box; never raises (see the package docstring for the language)."""
    too_long = len(text) > MAX_SEARCH_LENGTH
    reader = Reader(text[:MAX_SEARCH_LENGTH], today)
    if too_long:
        reader.note(f"Only the first {MAX_SEARCH_LENGTH:,} characters of the search were used.")
    reader.read()
    node = _Parser(reader.tokens, reader).parse()
    return ParsedSearch(
        text=node,
        words=reader.counts.get("words", IntRange()),
        kudos=reader.counts.get("kudos", IntRange()),
        hits=reader.counts.get("hits", IntRange()),
        comments=reader.counts.get("comments", IntRange()),
        bookmarks=reader.counts.get("bookmarks", IntRange()),
        updated=reader.dates.get("updated", DateRange()),
        posted=reader.dates.get("posted", DateRange()),
        sort=reader.sort,
        descending=reader.descending,
        tags=tuple(reader.tag_conditions),
        notices=tuple(reader.notices),
    )

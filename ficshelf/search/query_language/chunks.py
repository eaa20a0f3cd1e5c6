"""Reading the text into chunks and tokens: the ``Reader``, which also takes out the count
and date ranges and the order.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal

from ficshelf.search.query import DateRange, IntRange, Sort, TextField
from ficshelf.search.query_language.ranges import (
    narrow_counts,
    narrow_dates,
    parse_date_range,
    parse_int_range,
)
from ficshelf.search.query_language.vocabulary import (
    COUNT_NAMES,
    DATE_NAMES,
    IGNORED_FIELD_NAMES,
    SORT_DIRECTIONS,
    SORT_FIELD_NAMES,
    SORT_NAMES,
    TAG_FIELD_NAMES,
    TEXT_FIELD_NAMES,
    CountName,
    DateName,
    TagTypeName,
)

# --- Reading the text into chunks -------------------------------------------------------------

QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“"}
WORD_END = re.compile(r"[\s()\"“”„]")


@dataclass(frozen=True)
class _Chunk:
    kind: Literal["word", "phrase", "open", "close"]
    text: str = ""


def _chunks(text: str, notices: list[str]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            chunks.append(_Chunk("open"))
            i += 1
        elif char == ")":
            chunks.append(_Chunk("close"))
            i += 1
        elif char in QUOTES:
            end = text.find(QUOTES[char], i + 1)
            if end == -1 and char != '"':
                end = text.find('"', i + 1)
            if end == -1:
                notices.append("A quotation mark was not closed, so the phrase runs to the end.")
                end = n
            chunks.append(_Chunk("phrase", " ".join(text[i + 1 : end].split())))
            i = end + 1
        else:
            match = WORD_END.search(text, i)
            end = match.start() if match else n
            chunks.append(_Chunk("word", text[i:end]))
            i = end
    return chunks


# --- Turning chunks into tokens, taking out ranges --------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: Literal["term", "phrase", "field", "and", "or", "not", "open", "close"]
    text: str = ""
    field: TextField | None = None


@dataclass(frozen=True)
class TagCondition:
    """``fandom:Naruto`` (or ``-warning:"Major Character Death"``): works with (or without)
    the tag of that name, found as the sidebar's filters find it. The name is as typed; the
    search form looks the tag up."""

    type: TagTypeName
    name: str
    is_excluded: bool = False


TAGS_ARE_NOT_ORED = (
    "OR does not join “fandom:”, “character:” and the other tag names: each applies to the "
    "whole search (a work must carry every one; only ratings are “either”)."
)
COUNT_EXAMPLES = "Counts are written like words>1000, kudos<50 or words:1000-5000."
DATE_EXAMPLES = 'Dates are written like updated>2024-01-01, posted:2023 or updated<"2 weeks ago".'

PREFIXED = re.compile(r"([A-Za-z_]+)(?::|(?=[<>=]))(.*)", re.DOTALL)
OPERATOR_ONLY = re.compile(r"[<>=:\s]*")
HAS_WORD_CHARACTER = re.compile(r"\w")
PERIOD_UNIT = re.compile(r"(hour|day|week|month|year)s?", re.IGNORECASE)


class Reader:
    def __init__(self, text: str, today: datetime.date) -> None:
        self.today = today
        self.notices: list[str] = []
        self.chunks = _chunks(text, self.notices)
        self.position = 0
        self.tokens: list[Token] = []
        self.counts: dict[CountName, IntRange] = {}
        self.dates: dict[DateName, DateRange] = {}
        self.sort: Sort | None = None
        self.descending: bool | None = None
        self.tag_conditions: list[TagCondition] = []

    def note(self, sentence: str) -> None:
        if sentence not in self.notices:
            self.notices.append(sentence)

    def next_chunk(self) -> _Chunk | None:
        if self.position < len(self.chunks):
            chunk = self.chunks[self.position]
            self.position += 1
            return chunk
        return None

    def peek_chunk(self) -> _Chunk | None:
        return self.chunks[self.position] if self.position < len(self.chunks) else None

    def read(self) -> None:
        while (chunk := self.next_chunk()) is not None:
            if chunk.kind == "open":
                self.tokens.append(Token("open"))
            elif chunk.kind == "close":
                self.tokens.append(Token("close"))
            elif chunk.kind == "phrase":
                if chunk.text:
                    self.tokens.append(Token("phrase", chunk.text))
            else:
                self.read_word(chunk.text)

    def read_word(self, word: str) -> None:
        # A loop, not recursion: "title:-title:-title:..." may be arbitrarily long.
        while word:
            if word in ("AND", "&&", "OR", "||", "NOT"):
                kind: Literal["and", "or", "not"] = (
                    "and" if word in ("AND", "&&") else "or" if word in ("OR", "||") else "not"
                )
                self.tokens.append(Token(kind))
                return
            if word[0] in "-!+":
                rest = word.lstrip("-!+")
                if word[0] != "+":
                    following = self.peek_chunk()
                    if rest or (following is not None and following.kind in ("phrase", "open")):
                        self.tokens.append(Token("not"))
                word = rest
                continue
            if self.read_prefixed(word):
                return
            match = PREFIXED.fullmatch(word)
            if match and match.group(1).lower() in TEXT_FIELD_NAMES:
                self.tokens.append(Token("field", field=TEXT_FIELD_NAMES[match.group(1).lower()]))
                word = match.group(2)
                continue
            if HAS_WORD_CHARACTER.search(word):
                self.tokens.append(Token("term", word))
            return

    def read_prefixed(self, word: str) -> bool:
        """Read a count, date or unsupported AO3 property; False when ``word`` is none."""
        lowered = word.lower()
        following = self.peek_chunk()
        if (
            (lowered in COUNT_NAMES or lowered in DATE_NAMES)
            and following is not None
            and following.kind == "word"
            and following.text[0] in "<>="
        ):
            # "words > 1000": the name and its condition written apart.
            self.next_chunk()
            self.read_range(lowered, word, following.text)
            return True
        match = PREFIXED.fullmatch(word)
        if not match:
            return False
        name, rest = match.group(1).lower(), match.group(2)
        if name in COUNT_NAMES or name in DATE_NAMES:
            self.read_range(name, word, rest)
            return True
        if name in SORT_FIELD_NAMES:
            self.read_sort(rest)
            return True
        if name in TAG_FIELD_NAMES:
            self.read_tag_condition(match.group(1), TAG_FIELD_NAMES[name], rest)
            return True
        if name in IGNORED_FIELD_NAMES:
            if not rest.strip(":"):
                self.next_value_chunk()
            self.note(
                f"“{match.group(1)}:” is not something this search can filter by, "
                "so it was left out."
            )
            return True
        if name not in TEXT_FIELD_NAMES and ":" in word and rest and not rest.startswith("//"):
            self.note(
                f"“{match.group(1)}:” is not a field this search knows, so “{word}” was "
                "searched as ordinary words."
            )
        return False

    def read_sort(self, value: str) -> None:
        value = value.lstrip(":").strip() or self.next_value_chunk()
        direction = value[:1] if value[:1] in "<>" else ""
        value = value.lstrip("<>").strip().lower() or self.next_value_chunk().lower()
        following = self.peek_chunk()
        if (
            following is not None
            and following.kind == "word"
            and following.text.lower() in SORT_DIRECTIONS
        ):
            self.next_chunk()
            direction = following.text.lower()
        sort = SORT_NAMES.get(value)
        if sort is None:
            self.note(
                f"“sort: {value}” is not an order this search knows, so it was left out."
                if value
                else "“sort:” had no order after it, so it was left out."
            )
            return
        self.sort = sort
        if direction:
            self.descending = SORT_DIRECTIONS[direction]

    def read_tag_condition(self, written: str, tag_type: TagTypeName, value: str) -> None:
        value = value.lstrip(":=").strip()
        if not value:
            following = self.peek_chunk()
            if following is not None and following.kind == "open":
                self.note(
                    f"“{written}:” takes one tag name (in quotes when it has spaces), not a "
                    "group in parentheses, so it was left out and the group searched as words."
                )
                return
            value = self.next_value_chunk()
        if not value:
            self.note(f"“{written}:” had no tag name after it, so it was left out.")
            return
        is_excluded = bool(self.tokens) and self.tokens[-1].kind == "not"
        if is_excluded:
            self.tokens.pop()
        # "rating:teen OR rating:mature" reads as the sidebar's ratings ("either": a work has
        # one); any other tag a work must carry, and a tag applies to the whole search.
        or_before = bool(self.tokens) and self.tokens[-1].kind == "or"
        if or_before:
            self.tokens.pop()
        following = self.peek_chunk()
        or_after = following is not None and following.text in ("OR", "||")
        if tag_type != "rating" and (or_before or or_after):
            self.note(TAGS_ARE_NOT_ORED)
        self.tag_conditions.append(TagCondition(tag_type, value, is_excluded))

    def next_value_chunk(self) -> str:
        following = self.peek_chunk()
        if following is None or following.kind not in ("word", "phrase"):
            return ""
        if following.kind == "word" and following.text in ("AND", "OR", "NOT", "&&", "||"):
            return ""
        self.next_chunk()
        return following.text

    def read_range(self, name: str, written: str, value: str) -> None:
        value = value.lstrip(":").strip()
        if OPERATOR_ONLY.fullmatch(value):
            value = (value + " " + self.next_value_chunk()).strip()
        if value.lstrip("<>=").startswith(("[", "{")):
            while not value.endswith(("]", "}")) and (more := self.next_value_chunk()):
                value += " " + more
        is_date = name in DATE_NAMES
        if is_date:
            following = self.peek_chunk()
            if (
                following is not None
                and following.kind == "word"
                and PERIOD_UNIT.fullmatch(following.text)
                and re.search(r"\d$", value)
            ):
                self.next_chunk()
                value += " " + following.text
                after = self.peek_chunk()
                if after is not None and after.kind == "word" and after.text.lower() == "ago":
                    self.next_chunk()
                    value += " ago"
        shown = f"{written} {value}".strip() if written.endswith(":") else f"{written}"
        unread = value.lstrip("<>=").strip()
        if is_date:
            dates = parse_date_range(value, self.today)
            if dates is None:
                self.note(f"“{shown}” was left out: {_why_unread(unread, 'date')} {DATE_EXAMPLES}")
                return
            date_name = DATE_NAMES[name]
            self.dates[date_name] = narrow_dates(self.dates.get(date_name, DateRange()), dates)
        else:
            counts = parse_int_range(value)
            if counts is None:
                self.note(
                    f"“{shown}” was left out: {_why_unread(unread, 'number')} {COUNT_EXAMPLES}"
                )
                return
            count_name = COUNT_NAMES[name]
            self.counts[count_name] = narrow_counts(self.counts.get(count_name, IntRange()), counts)
        if self.tokens and self.tokens[-1].kind == "not":
            self.tokens.pop()
            self.note(f"A count or date cannot be excluded, so “{shown}” was applied as written.")


def _why_unread(value: str, kind: str) -> str:
    if not value:
        return f"there is no {kind} after it."
    return f"“{value}” is not a {kind} this search understands."

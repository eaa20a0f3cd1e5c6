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

import calendar
import datetime
import re
from dataclasses import dataclass, field, replace
from typing import Literal

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

# Bigger than any real count; keeps absurd numbers from overflowing a backend's integer field.
MAX_COUNT = 10**12
# Longer searches are cut: no reader types more, and the parser's work grows with length.
MAX_SEARCH_LENGTH = 4000
# Deeper nesting than this is a typo or an attack, and recursion has a limit.
MAX_DEPTH = 32
MAX_PERIOD_AMOUNT = 100_000

CountName = Literal["words", "kudos", "hits", "comments", "bookmarks"]
DateName = Literal["updated", "posted"]

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

FIELD_PHRASES: dict[TextField | None, str] = {
    None: "",
    "title": " in the title",
    "creator": " in the creator names",
    "summary": " in the summary",
    "notes": " in the notes",
    "tag": " in the tags",
    "text": " in the story text",
}
COUNT_LABELS: dict[CountName, str] = {
    "words": "words",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
}


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
    notices: tuple[str, ...] = ()


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
class _Token:
    kind: Literal["term", "phrase", "field", "and", "or", "not", "open", "close"]
    text: str = ""
    field: TextField | None = None


PREFIXED = re.compile(r"([A-Za-z_]+)(?::|(?=[<>=]))(.*)", re.DOTALL)
OPERATOR_ONLY = re.compile(r"[<>=:\s]*")
HAS_WORD_CHARACTER = re.compile(r"\w")
PERIOD_UNIT = re.compile(r"(hour|day|week|month|year)s?", re.IGNORECASE)


class _Reader:
    def __init__(self, text: str, today: datetime.date) -> None:
        self.today = today
        self.notices: list[str] = []
        self.chunks = _chunks(text, self.notices)
        self.position = 0
        self.tokens: list[_Token] = []
        self.counts: dict[CountName, IntRange] = {}
        self.dates: dict[DateName, DateRange] = {}
        self.sort: Sort | None = None
        self.descending: bool | None = None

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
                self.tokens.append(_Token("open"))
            elif chunk.kind == "close":
                self.tokens.append(_Token("close"))
            elif chunk.kind == "phrase":
                if chunk.text:
                    self.tokens.append(_Token("phrase", chunk.text))
            else:
                self.read_word(chunk.text)

    def read_word(self, word: str) -> None:
        # A loop, not recursion: "title:-title:-title:..." may be arbitrarily long.
        while word:
            if word in ("AND", "&&", "OR", "||", "NOT"):
                kind: Literal["and", "or", "not"] = (
                    "and" if word in ("AND", "&&") else "or" if word in ("OR", "||") else "not"
                )
                self.tokens.append(_Token(kind))
                return
            if word[0] in "-!+":
                rest = word.lstrip("-!+")
                if word[0] != "+":
                    following = self.peek_chunk()
                    if rest or (following is not None and following.kind in ("phrase", "open")):
                        self.tokens.append(_Token("not"))
                word = rest
                continue
            if self.read_prefixed(word):
                return
            match = PREFIXED.fullmatch(word)
            if match and match.group(1).lower() in TEXT_FIELD_NAMES:
                self.tokens.append(_Token("field", field=TEXT_FIELD_NAMES[match.group(1).lower()]))
                word = match.group(2)
                continue
            if HAS_WORD_CHARACTER.search(word):
                self.tokens.append(_Token("term", word))
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
        if is_date:
            dates = _parse_date_range(value, self.today)
            if dates is None:
                self.note(f"“{shown}” is not a date this search understands, so it was left out.")
                return
            date_name = DATE_NAMES[name]
            self.dates[date_name] = _narrow_dates(self.dates.get(date_name, DateRange()), dates)
        else:
            counts = _parse_int_range(value)
            if counts is None:
                self.note(f"“{shown}” is not a number this search understands, so it was left out.")
                return
            count_name = COUNT_NAMES[name]
            self.counts[count_name] = _narrow_counts(
                self.counts.get(count_name, IntRange()), counts
            )
        if self.tokens and self.tokens[-1].kind == "not":
            self.tokens.pop()
            self.note(f"A count or date cannot be excluded, so “{shown}” was applied as written.")


# --- Counts -----------------------------------------------------------------------------------

GROUPED_DIGITS = re.compile(r"\d{1,3}(?:[,.' _]\d{3})+")
RANGE_OPERATOR = re.compile(r"(>=|=>|<=|=<|>|<|=)?\s*(.*)", re.DOTALL)
BRACKETED = re.compile(r"[\[{]\s*(\S+)\s+to\s+(\S+)\s*[\]}]", re.IGNORECASE)


def _parse_int(text: str) -> int | None:
    text = text.strip().lower()
    multiplier = 1
    if text.endswith("k"):
        text, multiplier = text[:-1].strip(), 1000
    if GROUPED_DIGITS.fullmatch(text) and not (multiplier > 1 and "." in text):
        text = re.sub(r"\D", "", text)
    if not re.fullmatch(r"\d+(?:\.\d*)?", text):
        return None
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    if len(whole) > 13:  # int() refuses very long digit strings; these are absurd anyway
        return MAX_COUNT
    number = int(whole) * multiplier + int((fraction[:3] or "0").ljust(3, "0")) * multiplier // 1000
    return min(number, MAX_COUNT)


def _parse_int_range(value: str) -> IntRange | None:
    bracketed = BRACKETED.fullmatch(value.strip())
    if bracketed:
        low = None if bracketed.group(1) == "*" else _parse_int(bracketed.group(1))
        high = None if bracketed.group(2) == "*" else _parse_int(bracketed.group(2))
        if (low is None and bracketed.group(1) != "*") or (
            high is None and bracketed.group(2) != "*"
        ):
            return None
        return _ordered_counts(low, high)
    match = RANGE_OPERATOR.fullmatch(value.strip())
    if not match:
        return None
    operator, body = match.group(1) or "=", match.group(2).strip()
    number = _parse_int(body)
    if number is not None:
        if operator == ">":
            return IntRange(low=min(number + 1, MAX_COUNT))
        if operator in (">=", "=>"):
            return IntRange(low=number)
        if operator == "<":
            return IntRange(high=max(number - 1, 0))
        if operator in ("<=", "=<"):
            return IntRange(high=number)
        return IntRange(low=number, high=number)
    if operator != "=":
        return None
    parts = re.fullmatch(r"([^-]*?)\s*(?:-|\.\.|\bto\b)\s*([^-]*)", body, re.IGNORECASE)
    if not parts:
        return None
    low_text, high_text = parts.group(1), parts.group(2)
    low = _parse_int(low_text) if low_text else None
    high = _parse_int(high_text) if high_text else None
    if (low_text and low is None) or (high_text and high is None) or (low is None and high is None):
        return None
    return _ordered_counts(low, high)


def _ordered_counts(low: int | None, high: int | None) -> IntRange:
    if low is not None and high is not None and low > high:
        low, high = high, low
    return IntRange(low=low, high=high)


def _narrow_counts(old: IntRange, new: IntRange) -> IntRange:
    lows = [n for n in (old.low, new.low) if n is not None]
    highs = [n for n in (old.high, new.high) if n is not None]
    return IntRange(low=max(lows) if lows else None, high=min(highs) if highs else None)


# --- Dates ------------------------------------------------------------------------------------

AGO = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*(hour|day|week|month|year)s?(?:\s+ago)?", re.IGNORECASE)
CALENDAR_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
FULL_DATE = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
DATE_SPAN = re.compile(
    rf"({FULL_DATE})\s*-\s*({FULL_DATE})|(\d{{4}})\s*-\s*(\d{{4}})|(\S+?)\s*(?:\.\.|\s+to\s+)\s*(\S+)",
    re.IGNORECASE,
)


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return datetime.date(year, month, day)


def _shift(day: datetime.date, days: int) -> datetime.date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _calendar_span(text: str) -> tuple[datetime.date, datetime.date] | None:
    match = CALENDAR_DATE.fullmatch(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(3):
        day = _safe_date(year, int(match.group(2)), int(match.group(3)))
        return (day, day) if day else None
    if match.group(2):
        first = _safe_date(year, int(match.group(2)), 1)
        if first is None:
            return None
        return first, first.replace(day=calendar.monthrange(year, first.month)[1])
    first = _safe_date(year, 1, 1)
    return (first, first.replace(month=12, day=31)) if first else None


def _months_back(today: datetime.date, months: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        return datetime.date.min
    return datetime.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _parse_amount(digits: str) -> int:
    return MAX_PERIOD_AMOUNT if len(digits) > 6 else min(int(digits), MAX_PERIOD_AMOUNT)


def _ago(today: datetime.date, amount: int, unit: str) -> datetime.date:
    amount = min(amount, MAX_PERIOD_AMOUNT)
    if unit == "hour":
        return _shift(today, -((amount + 23) // 24))
    if unit == "day":
        return _shift(today, -amount)
    if unit == "week":
        return _shift(today, -7 * amount)
    return _months_back(today, amount * (12 if unit == "year" else 1))


def _period_containing(day: datetime.date, unit: str) -> DateRange:
    if unit == "week":
        monday = _shift(day, -day.weekday())
        return DateRange(since=monday, until=_shift(monday, 6))
    if unit == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return DateRange(since=day.replace(day=1), until=day.replace(day=last))
    if unit == "year":
        return DateRange(since=day.replace(month=1, day=1), until=day.replace(month=12, day=31))
    return DateRange(since=day, until=day)


def _parse_date_range(value: str, today: datetime.date) -> DateRange | None:
    value = " ".join(value.split())
    bracketed = BRACKETED.fullmatch(value)
    if bracketed:
        return _date_span(bracketed.group(1), bracketed.group(2), today)
    match = RANGE_OPERATOR.fullmatch(value)
    if not match:
        return None
    operator, body = match.group(1) or "=", match.group(2).strip()
    ago = AGO.fullmatch(body)
    if ago:
        amount, unit = _parse_amount(ago.group(1)), ago.group(3).lower()
        cutoff = _ago(today, amount, unit)
        if ago.group(2) is not None:
            if operator != "=":
                return None
            other = _ago(today, _parse_amount(ago.group(2)), unit)
            return DateRange(since=min(cutoff, other), until=max(cutoff, other))
        if operator == "<":
            return DateRange(since=cutoff)
        if operator in ("<=", "=<"):
            return DateRange(since=cutoff)
        if operator == ">":
            return DateRange(until=_shift(cutoff, -1))
        if operator in (">=", "=>"):
            return DateRange(until=cutoff)
        return _period_containing(cutoff, unit)
    span = _calendar_span(body)
    if span:
        first, last = span
        if operator == "<":
            return DateRange(until=_shift(first, -1))
        if operator in ("<=", "=<"):
            return DateRange(until=last)
        if operator == ">":
            return DateRange(since=_shift(last, 1))
        if operator in (">=", "=>"):
            return DateRange(since=first)
        return DateRange(since=first, until=last)
    if operator != "=":
        return None
    between = DATE_SPAN.fullmatch(body)
    if between:
        groups = [g for g in between.groups() if g is not None]
        return _date_span(groups[0], groups[1], today)
    return None


def _date_span(start: str, end: str, today: datetime.date) -> DateRange | None:
    first = None if start == "*" else _calendar_span(start)
    last = None if end == "*" else _calendar_span(end)
    if (first is None and start != "*") or (last is None and end != "*"):
        return None
    since = first[0] if first else None
    until = last[1] if last else None
    if since is not None and until is not None and since > until:
        since, until = (last[0] if last else None), (first[1] if first else None)
    return DateRange(since=since, until=until)


def _narrow_dates(old: DateRange, new: DateRange) -> DateRange:
    sinces = [d for d in (old.since, new.since) if d is not None]
    untils = [d for d in (old.until, new.until) if d is not None]
    return DateRange(since=max(sinces) if sinces else None, until=min(untils) if untils else None)


# --- Parsing tokens into a tree ---------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token], reader: _Reader) -> None:
        self.tokens = tokens
        self.position = 0
        self.reader = reader
        self.depth = 0

    def peek(self) -> _Token | None:
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
    """Read a search box; never raises (see the module docstring for the language)."""
    too_long = len(text) > MAX_SEARCH_LENGTH
    reader = _Reader(text[:MAX_SEARCH_LENGTH], today)
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
        notices=tuple(reader.notices),
    )


# --- Saying it back ---------------------------------------------------------------------------


def _describe_node(node: TextNode, *, nested: bool = False) -> str:
    if isinstance(node, Words):
        kind = "phrase" if node.is_phrase else ("word" if " " not in node.text else "words")
        return f'{kind} "{node.text}"{FIELD_PHRASES[node.field]}'
    if isinstance(node, Not):
        return f"not {_describe_node(node.part, nested=True)}"
    joiner = " and " if isinstance(node, AllOf) else " or "
    described = joiner.join(_describe_node(part, nested=True) for part in node.parts)
    if isinstance(node, AnyOf):
        described = f"either {described}"
    return f"({described})" if nested else described


def _describe_count(range_: IntRange, label: str) -> str | None:
    low, high = range_.low, range_.high
    if low is not None and high is not None:
        if low == high:
            return f"exactly {low:,} {label}"
        return f"{low:,} to {high:,} {label}"
    if low is not None:
        return f"more than {low - 1:,} {label}" if low > 0 else None
    if high is not None:
        return f"fewer than {high + 1:,} {label}" if high > 0 else f"no {label}"
    return None


def _show_date(day: datetime.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def _describe_dates(range_: DateRange, label: str) -> str | None:
    since, until = range_.since, range_.until
    if since is not None and until is not None:
        if since == until:
            return f"{label} on {_show_date(since)}"
        return f"{label} {_show_date(since)} to {_show_date(until)}"
    if since is not None:
        return f"{label} since {_show_date(since)}"
    if until is not None:
        return f"{label} until {_show_date(until)}"
    return None


def describe(parsed: ParsedSearch) -> str:
    """A short summary for above the results, e.g. 'word "dragon" in the title, more than
    1,000 words'; empty when the search asks for nothing."""
    pieces: list[str] = []
    if parsed.text is not None:
        pieces.append(_describe_node(parsed.text))
    for name, label in COUNT_LABELS.items():
        counted = _describe_count(getattr(parsed, name), label)
        if counted:
            pieces.append(counted)
    for piece in (
        _describe_dates(parsed.updated, "updated"),
        _describe_dates(parsed.posted, "posted"),
    ):
        if piece:
            pieces.append(piece)
    return ", ".join(pieces)

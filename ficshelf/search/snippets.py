"""Short pieces of a long text around the words a reader searched for, matches marked.

``make_snippets`` takes plain text (strip a chapter's HTML first) and the search's text node.
Only words the reader wants to find are marked: nothing under NOT, and nothing restricted to a
field other than the story text. Matching ignores case and accents (``Café`` finds ``cafe``),
follows word boundaries, reads phrases as consecutive words (any punctuation or spacing
between), lets the last word of a term take a simple English plural (``dragon`` marks
``dragons``, ``story`` marks ``stories``) and reads a trailing ``*`` as "any ending".

The terms are folded and the text is searched as written, in a single pass with one compiled
case-insensitive pattern in which each plain letter also accepts its accented forms; that keeps
a 300,000-word chapter well under a tenth of a second. Reading stops once the words were
found often enough to choose from (see ``_find_matches``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ficshelf.search.query import AllOf, AnyOf, Not, TextNode, Words

ELLIPSIS = "…"
SPACES = re.compile(r"\s+")
WHITESPACE = re.compile(r"\s")
TERM_WORD = re.compile(r"[\w*]+")
PART_SEPARATOR = "\n\n"
# Limits on the scan of one work's text (see ``_find_matches``).
ENOUGH_MATCHES, ENOUGH_EACH, TERM_LIMIT = 30, 3, 1000
WORD_LOOKAHEAD = 100

Match = tuple[int, int, int]  # start, end, index of the term


@dataclass(frozen=True)
class Snippet:
    """A piece of text as (text, is_match) parts; ``…`` belongs before/after when cut."""

    parts: tuple[tuple[str, bool], ...]
    is_cut_before: bool = False
    is_cut_after: bool = False

    @property
    def text(self) -> str:
        body = "".join(text for text, _ in self.parts)
        return (
            f"{ELLIPSIS if self.is_cut_before else ''}{body}{ELLIPSIS if self.is_cut_after else ''}"
        )

    @property
    def matches(self) -> list[str]:
        return [text for text, is_match in self.parts if is_match]

    def to_html(self) -> SafeString:
        pieces = [ELLIPSIS] if self.is_cut_before else []
        for text, is_match in self.parts:
            pieces.append(f"<mark>{escape(text)}</mark>" if is_match else str(escape(text)))
        if self.is_cut_after:
            pieces.append(ELLIPSIS)
        # Every piece of the text went through escape() above.
        return mark_safe("".join(pieces))  # noqa: S308


@lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    base = "".join(
        c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
    )
    folded = base.casefold()
    if len(folded) == 1:
        return folded
    lowered = character.lower()
    # Keep one character for one so that positions in the folded text match the original.
    return lowered if len(lowered) == 1 else character


def fold(text: str) -> str:
    """Case- and accent-folded ``text``, exactly as long as ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter (such as "İ") lowers to two characters
        return text.translate({ord(c): _fold_character(c) for c in set(text)})
    if lowered.isascii():
        return lowered
    # Only the few characters that fold further go through Python; the rest stays in C.
    table = {c: f for c in set(lowered) if (f := _fold_character(c)) != c}
    if not table:
        return lowered
    pattern = re.compile("[" + "".join(re.escape(c) for c in table) + "]")
    return pattern.sub(lambda match: table[match.group()], lowered)


def _positive_words(node: TextNode | None) -> list[Words]:
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Words):
        return [node] if node.field in (None, "text") else []
    found: list[Words] = []
    for part in node.parts if isinstance(node, AllOf | AnyOf) else ():
        found.extend(_positive_words(part))
    return found


def matched_terms(node: TextNode | None) -> list[str]:
    """The words and phrases to mark in story text, folded, in query order, each once."""
    terms: list[str] = []
    for words in _positive_words(node):
        tokens = TERM_WORD.findall(fold(words.text))
        tokens = [token for token in tokens if token.strip("*")]
        candidates = [" ".join(tokens)] if words.is_phrase and tokens else tokens
        for term in candidates:
            if term not in terms:
                terms.append(term)
    return terms


@lru_cache(maxsize=1)
def _accented_forms() -> dict[str, str]:
    """For each plain letter, the accented letters that fold to it (Latin and Greek)."""
    forms: dict[str, list[str]] = {}
    for code in [*range(0xC0, 0x250), *range(0x370, 0x400), *range(0x1E00, 0x2000)]:
        character = chr(code)
        folded = _fold_character(character)
        if folded != character.lower() and len(folded) == 1:
            forms.setdefault(folded, []).append(character)
    return {letter: "".join(found) for letter, found in forms.items()}


def _letter_forms(letter: str) -> str:
    """``letter`` and its accented forms, escaped for use inside ``[...]``."""
    return re.escape(letter) + re.escape(_accented_forms().get(letter, ""))


def _letter(c: str) -> str:
    # The text is matched as written (folding 300,000 words costs more than the search), so
    # each plain letter of the term also accepts its accented forms.
    return f"[{_letter_forms(c)}]" if c in _accented_forms() else re.escape(c)


def _letters(word: str) -> str:
    return "".join(_letter(c) for c in word)


def _word_pattern(word: str, *, is_last: bool) -> str:
    if word.endswith("*"):
        return _letters(word.replace("*", "")) + r"\w*"
    word = word.replace("*", "")
    if not is_last:
        return _letters(word)
    if word.endswith("y") and len(word) > 2:
        return _letters(word[:-1]) + "(?:y|ies)"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return _letters(word) + "(?:es)?"
    return _letters(word) + "(?:'?s|es)?"


def _term_pattern(term: str) -> str:
    words = term.split(" ")
    return r"\W+".join(
        _word_pattern(word, is_last=index == len(words) - 1) for index, word in enumerate(words)
    )


@lru_cache(maxsize=256)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding every term, each match's group named ``t<index of the term>``.

    The pattern begins by consuming one character of a case-sensitive class (every character
    that a term's first letter matches, ignoring case and accents), the one shape the regular
    expression engine scans for quickly: two to three times faster than starting with a look
    ahead, and a page of twenty long works scans megabytes when its words are rare. The
    alternatives then check, looking behind, which term's first letter that was.
    """
    # Longer terms first so that a phrase wins over its own words at the same place.
    ordered = sorted(range(len(terms)), key=lambda i: -len(terms[i]))
    alternatives = []
    for i in ordered:
        first = terms[i].replace("*", "")[0]
        whole = _term_pattern(terms[i])
        rest = whole.removeprefix(_letter(first))
        alternatives.append(f"(?<={_letter(first)})(?P<t{i}>{rest})")
    firsts = sorted({term.replace("*", "")[0] for term in terms})
    first_class = "".join(re.escape(_matching_characters(letter)) for letter in firsts)
    return re.compile(rf"[{first_class}](?<!\w.)(?i:{'|'.join(alternatives)})(?!\w)", re.DOTALL)


@lru_cache(maxsize=512)
def _matching_characters(letter: str) -> str:
    """Every character that ``letter`` matches, ignoring case and accents: those of the first
    plane, and beyond it the letter's own cases (the other planes' letters pair among
    themselves)."""
    pattern = re.compile(_letter(letter), re.IGNORECASE)
    found = pattern.findall(_first_plane())
    own_cases = {letter, letter.lower(), letter.upper()}
    found += sorted(c for c in own_cases if len(c) == 1 and ord(c) >= 0x10000 and pattern.match(c))
    return "".join(found)


@lru_cache(maxsize=1)
def _first_plane() -> str:
    return "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000)


def _find_matches(
    parts: Iterable[str], terms: list[str], width: int, windows: int
) -> tuple[str, list[Match], bool]:
    """The text of the parts read (joined by a blank line), matches in it to choose windows
    from, and whether reading stopped before the end.

    Reading stops once every term was found ``ENOUGH_EACH`` times, ``ENOUGH_MATCHES``
    matches were kept and they spread over room for ``windows`` snippets: the rest of a long
    work is never converted nor scanned, which is most of a text search page's time when the
    words are common. Once a term was found ``TERM_LIMIT`` times, its further matches are
    kept only within ``width`` of a match of a term still wanted (they count towards that
    window's choice), so a common word beside a rare one keeps the matches to choose from
    few.
    """
    pattern = _compile(tuple(terms))
    read: list[str] = []
    matches: list[Match] = []
    seen = [0] * len(terms)
    recent: deque[Match] = deque()  # matches of common terms not kept, the last ``width``
    keep_until = -1
    offset = 0
    for part in parts:
        if read:
            offset += len(PART_SEPARATOR)
        read.append(part)
        for match in pattern.finditer(part):
            found = (offset + match.start(), offset + match.end(), int(match.lastgroup[1:]))  # type: ignore[index]
            term = found[2]
            seen[term] += 1
            if seen[term] > TERM_LIMIT and found[0] > keep_until:
                recent.append(found)
                while recent[0][0] < found[0] - width:
                    recent.popleft()
                continue
            if seen[term] <= TERM_LIMIT:
                matches.extend(m for m in recent if m[0] >= found[0] - width)
                recent.clear()
                keep_until = found[1] + width
            matches.append(found)
            if (
                len(matches) >= ENOUGH_MATCHES
                and min(seen) >= ENOUGH_EACH
                and found[1] - matches[0][0] >= windows * width
            ):
                return PART_SEPARATOR.join(read), matches, True
        offset += len(part)
    return PART_SEPARATOR.join(read), matches, False


def _matches_inside(text: str, terms: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Every match within ``text[start:end]`` (a window: short), its edges read as words."""
    pattern = _compile(tuple(terms))
    # The scan looks past ``end`` so that a word running on is not taken for a match.
    found = pattern.finditer(text, start, min(len(text), end + WORD_LOOKAHEAD))
    return [(match.start(), match.end()) for match in found if match.end() <= end]


def _choose_windows(
    matches: list[Match], *, width: int, max_snippets: int
) -> list[tuple[int, int]]:
    """Windows of about ``width`` characters, those with most distinct terms first."""
    # For each match, the matches that fit in a window starting there (two pointers).
    scores: list[tuple[int, int, int, int]] = []  # (-distinct, -count, first, last)
    seen: dict[int, int] = {}
    last = -1
    for first, (start, _, _) in enumerate(matches):
        last = max(last, first - 1)
        while last + 1 < len(matches) and matches[last + 1][1] - start <= width:
            last += 1
            term = matches[last][2]
            seen[term] = seen.get(term, 0) + 1
        if last < first:  # a single match longer than the window
            scores.append((-1, -1, first, first))
            continue
        scores.append((-len(seen), -(last - first + 1), first, last))
        term = matches[first][2]
        seen[term] -= 1
        if not seen[term]:
            del seen[term]
    scores.sort()
    windows: list[tuple[int, int]] = []
    for _, _, first, last in scores:
        if len(windows) >= max_snippets:
            break
        start, end = matches[first][0], matches[last][1]
        if any(w_start <= start < w_end for w_start, w_end in windows):
            continue
        spare = max(width - (end - start), 0)
        windows.append((max(start - spare // 2, 0), end + spare - spare // 2))
    windows.sort()
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _cut_at_words(
    text: str, start: int, end: int, matches_inside: list[tuple[int, int]]
) -> tuple[int, int]:
    end = min(end, len(text))
    first_match = matches_inside[0][0] if matches_inside else start
    last_match = matches_inside[-1][1] if matches_inside else end
    if start > 0 and not text[start - 1].isspace():
        space = WHITESPACE.search(text, start, first_match)
        start = space.end() if space else start
    if end < len(text) and not text[end].isspace():
        spaces = [space.start() for space in WHITESPACE.finditer(text, last_match, end)]
        end = spaces[-1] if spaces else end
    return start, end


def make_snippets(
    text: str | Iterable[str],
    node: TextNode | None,
    *,
    max_snippets: int = 3,
    width: int = 200,
) -> list[Snippet]:
    """Up to ``max_snippets`` pieces of ``text`` showing the searched words, in text order.

    ``text`` is one plain text or its parts in order (a work's chapters, converted only as
    far as they are read: see ``_find_matches``). Empty when nothing matches (the caller
    shows the summary instead).
    """
    terms = matched_terms(node)
    if not terms or max_snippets < 1:
        return []
    text, matches, is_rest_unread = _find_matches(
        [text] if isinstance(text, str) else text, terms, max(width, 1), max_snippets
    )
    if not matches:
        return []
    snippets: list[Snippet] = []
    for window_start, window_end in _choose_windows(
        matches, width=max(width, 1), max_snippets=max_snippets
    ):
        inside = _matches_inside(text, terms, window_start, window_end)
        start, end = _cut_at_words(text, window_start, window_end, inside)
        parts: list[tuple[str, bool]] = []
        position = start
        for match_start, match_end in inside:
            if match_start < position or match_end > end:
                continue
            if match_start > position:
                parts.append((SPACES.sub(" ", text[position:match_start]), False))
            parts.append((SPACES.sub(" ", text[match_start:match_end]), True))
            position = match_end
        if position < end:
            parts.append((SPACES.sub(" ", text[position:end]), False))
        if parts and not parts[0][1]:
            parts[0] = (parts[0][0].lstrip(), False)
        if parts and not parts[-1][1]:
            parts[-1] = (parts[-1][0].rstrip(), False)
        snippets.append(
            Snippet(
                parts=tuple(part for part in parts if part[0]),
                is_cut_before=start > 0 and bool(text[:start].strip()),
                is_cut_after=is_rest_unread or (end < len(text) and bool(text[end:].strip())),
            )
        )
    return snippets

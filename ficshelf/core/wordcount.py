"""Word counts, the way AO3 counts them (otwarchive's ``WordCounter``).

AO3 takes the text nodes of the HTML only (tags and attributes never count), turns
"--" into an em dash so "one--two" is two words, deletes apostrophes and hyphens so
"one's" and "well-known" are one word each, then counts every Han, Hiragana, Katakana
or Thai character as one word (those scripts do not separate words with spaces) and
every run of other word characters as one word. Punctuation and symbols count for
nothing.
"""

from __future__ import annotations

import re

import lxml.html

_CHARACTER_COUNTED = (
    "\u0e00-\u0e7f"  # Thai
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Katakana (with phonetic ext., half width)
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b"  # Han radicals and marks
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han ideographs, ext. A, compatibility
    "\U00020000-\U0003134f"  # Han extensions B..G
)
# "[^\W...]" is "a word character that is not character-counted", as one class: the same
# set as a lookahead per character, several times faster.
_WORD = re.compile(rf"[{_CHARACTER_COUNTED}]|[^\W{_CHARACTER_COUNTED}]+")
_JOINERS = re.compile(r"['’‘-]")


def count_words_in_text(text: str) -> int:
    text = _JOINERS.sub("", text.replace("--", "—"))
    return len(_WORD.findall(text))


def count_words_in_html(html: str) -> int:
    if not html or not html.strip():
        return 0
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    # AO3 counts each text node on its own; joining the nodes with a line break gives the
    # same count (no word, dash or joiner spans a line break) in one regex pass.
    return count_words_in_text("\n".join(root.itertext()))

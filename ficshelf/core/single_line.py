"""Text that must stay on one line: titles, names, tags, and the mail subjects made of them.

A newline in a title reaches places that cannot hold one: a mail's Subject header (Django
refuses to send it, so every notification about the work fails), Atom and OPDS titles,
file names of downloads. Line breaks and tabs a person typed or pasted are folded into one
space; other control characters are refused, as nobody types them on purpose.
"""

from __future__ import annotations

import re
import unicodedata

# What str.splitlines() breaks at, plus tabs: any of them ends a header line somewhere.
_LINE_BREAKS = "\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
_FOLDED = re.compile(rf"[ {_LINE_BREAKS}]*[{_LINE_BREAKS}][ {_LINE_BREAKS}]*")


def fold_lines(text: str) -> str:
    """``text`` with every run of line breaks and tabs (and spaces around them) as one space."""
    return _FOLDED.sub(" ", text)


def control_characters(text: str) -> list[str]:
    """The control characters left in ``text`` once folded, as ``U+0007``-style names."""
    found = {c for c in fold_lines(text) if unicodedata.category(c) == "Cc"}
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def one_line(text: str) -> str:
    """``text`` made safe for a mail header or any one-line place, whatever was stored:
    line breaks folded, other control characters dropped, ends stripped."""
    folded = fold_lines(text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cc").strip()

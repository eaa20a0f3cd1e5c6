"""Which addresses in users' HTML may stay: a scheme is judged as a browser might read it.

Browsers (and e-readers, mail clients and older engines) forgive a lot before they read a
URL's scheme: they drop tabs and newlines anywhere in it, spaces and control characters
around it, and some engines ignore invisible characters such as U+2028 or a zero-width
space. ``java\\u2028script:`` is harmless in today's Chromium, but nothing is gained by
betting on every reader's engine, so a value is judged after all of those are removed
(and after entities are decoded once more, for text that was escaped twice): if what is
left names a scheme, that scheme must be allowed.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Control (Cc), format (Cf: zero-widths, bidi marks), and separator (Zs, Zl, Zp) characters.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _without_invisible(value: str) -> str:
    return "".join(
        c for c in value if unicodedata.category(c) not in _INVISIBLE_CATEGORIES and not c.isspace()
    )


def scheme_of(value: str) -> str | None:
    """The scheme ``value`` would be read with, lowercased, or None for a relative address."""
    squeezed = _without_invisible(html.unescape(value)).lower()
    match = _SCHEME.match(squeezed)
    return match.group(1) if match else None


def tidy_url(value: str) -> str:
    """``value`` without the characters no address needs: spaces and controls around it,
    control and invisible format characters inside it (spaces inside are left for the
    browser to encode)."""
    inner = "".join(c for c in value.strip() if unicodedata.category(c) not in {"Cc", "Cf"})
    return "".join(c for c in inner if c not in "\u2028\u2029").strip()


def allowed_url(value: str, schemes: frozenset[str], *, relative: bool = True) -> str | None:
    """``value`` tidied when its scheme is one of ``schemes`` (or it is relative and
    ``relative`` allows that), else None."""
    scheme = scheme_of(value)
    if scheme is None:
        if not relative or not _without_invisible(value):
            return None
        return tidy_url(value)
    return tidy_url(value) if scheme in schemes else None

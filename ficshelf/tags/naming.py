"""Tag names in URLs, escaped as AO3 escapes them, so links people share keep working.

AO3 writes ``/`` as ``*s*``, ``&`` as ``*a*``, ``.`` as ``*d*``, ``?`` as ``*q*`` and ``#``
as ``*h*`` ("F/M" is ``/tags/F*s*M/works``); the rest is percent-encoded as usual.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

_ESCAPES = [("*", "*x*"), ("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*")]


def tag_to_url_part(name: str) -> str:
    """Escaped for a URL path segment. A literal ``*`` is escaped too (a Ficshelf addition:
    AO3 leaves it, which makes "*s*" in a name ambiguous)."""
    escaped = name
    for raw, code in _ESCAPES:
        escaped = escaped.replace(raw, code)
    return quote(escaped, safe="*")


_CODES = {code[1]: raw for raw, code in _ESCAPES}
_CODE = re.compile(r"\*([xsadqh])\*")


def tag_from_url_part(part: str) -> str:
    # One pass left to right, so an escaped "*" never joins the letters after it.
    return _CODE.sub(lambda m: _CODES[m.group(1)], unquote(part))

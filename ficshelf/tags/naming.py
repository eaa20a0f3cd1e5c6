"""Tag names in URLs, escaped as AO3 escapes them, so links people share keep working.

AO3 writes ``/`` as ``*s*``, ``&`` as ``*a*``, ``.`` as ``*d*``, ``?`` as ``*q*`` and ``#``
as ``*h*`` ("F/M" is ``/tags/F*s*M/works``); the rest is percent-encoded as usual.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from django.urls import get_script_prefix

_ESCAPES = [("*", "*x*"), ("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*")]


def tag_to_url_part(name: str) -> str:
    """Escaped for a URL path segment. A literal ``*`` is escaped too (a Ficshelf addition:
    AO3 leaves it, which makes "*s*" in a name ambiguous)."""
    return quote(star_escape(name), safe="*")


def tag_page_url(name: str) -> str:
    """The tag's page, built without a URL lookup because listings link hundreds of tags per
    page (``Tag.get_absolute_url`` and the ``tag_url`` filter)."""
    return f"{get_script_prefix()}tags/{tag_to_url_part(name)}/"


def tag_from_url_part(part: str) -> str:
    """The name from a raw (still percent-encoded) path segment. A URL pattern's kwarg is
    already percent-decoded by Django: use ``star_unescape`` (or the ``tagname`` path
    converter) there, or a name containing "%41" would be decoded twice."""
    return star_unescape(unquote(part))


def star_escape(name: str) -> str:
    """Only AO3's star codes, no percent-encoding: what a Django path converter returns,
    since ``reverse()`` percent-encodes the result itself."""
    for raw, code in _ESCAPES:
        name = name.replace(raw, code)
    return name


_CODES = {code[1]: raw for raw, code in _ESCAPES}
_CODE = re.compile(r"\*([xsadqh])\*")


def star_unescape(part: str) -> str:
    # One pass left to right, so an escaped "*" never joins the letters after it.
    return _CODE.sub(lambda m: _CODES[m.group(1)], part)


class TagNameConverter:
    """``<tagname:tag>`` in a URL pattern: the view gets the tag's name."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return star_unescape(value)

    def to_url(self, value: str) -> str:
        return star_escape(value)

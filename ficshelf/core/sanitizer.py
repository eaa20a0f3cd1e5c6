"""Cleaning HTML that users give us, with an allowlist close to AO3's.

AO3 keeps the structure writers use (paragraphs, emphasis, headings, lists, quotes,
tables, ruby for CJK readings, details/summary for spoilers, images over http(s)) and
removes everything that runs code or restyles the page: scripts, styles, event
handlers, iframes, forms. Links get rel="nofollow" so the archive lends no weight to
spam. Stored text records ``SANITIZER_VERSION``; raise it whenever the rules below
change, and text stored under an older version is cleaned again when read.
"""

from __future__ import annotations

from typing import Protocol

import nh3

SANITIZER_VERSION = 1

_ALLOWED_TAGS = {
    "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption", "center",
    "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "tt", "u", "ul", "var",
}  # fmt: skip

_GENERIC_ATTRIBUTES = {"align", "class", "dir", "lang", "title"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GENERIC_ATTRIBUTES,
    "a": {"href", "name"},
    "blockquote": {"cite"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "details": {"open"},
    "font": {"color", "face", "size"},
    "img": {"alt", "border", "height", "src", "width"},
    "ol": {"start", "type"},
    "q": {"cite"},
    "table": {"border", "summary", "width"},
    "td": {"abbr", "axis", "colspan", "rowspan", "width"},
    "th": {"abbr", "axis", "colspan", "rowspan", "scope", "width"},
    "ul": {"type"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


def _only_web_images(element: str, attribute: str, value: str) -> str | None:
    # Images may only come from http(s): no data: URIs (tracking pixels, huge payloads).
    if element == "img" and attribute == "src":
        lowered = value.strip().lower()
        return value if lowered.startswith(("http://", "https://")) else None
    return value


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the allowlist removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow",
        attribute_filter=_only_web_images,
        strip_comments=True,
    ).strip()


class HasSanitizedHtml(Protocol):
    sanitizer_version: int

    def save(self, *, update_fields: list[str]) -> None: ...


def refresh_if_stale(instance: HasSanitizedHtml, html_fields: list[str]) -> bool:
    """Clean ``html_fields`` again when they were stored under older rules; True if so.

    Tightening the allowlist must reach text already stored, without a migration that
    rewrites every work: stale rows are cleaned and saved the first time they are read.
    """
    if instance.sanitizer_version >= SANITIZER_VERSION:
        return False
    for name in html_fields:
        setattr(instance, name, sanitize_html(getattr(instance, name)))
    instance.sanitizer_version = SANITIZER_VERSION
    instance.save(update_fields=[*html_fields, "sanitizer_version"])
    return True

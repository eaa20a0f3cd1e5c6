"""Cleaning HTML that users give us, with an allowlist close to AO3's.

AO3 keeps the structure writers use (paragraphs, emphasis, headings, lists, quotes,
tables, ruby for CJK readings, details/summary for spoilers, images over http(s)) and
removes everything that runs code or restyles the page: scripts, styles, event
handlers, iframes, forms. Links get rel="nofollow" so the archive lends no weight to
spam. Every address kept (``href``, ``src``, ``cite``) must use a web scheme (or
``mailto:`` for links), judged as ``core.safe_urls`` explains.

There are two profiles. Work text (summaries, notes, chapters) keeps images from the hosts
``FICSHELF_IMAGE_HOSTS`` allows. Comments and bookmark notes keep no images at all, as on
AO3: anyone, a guest included, writes them, and an image there would make every reader's
browser call a host its writer chose (to track who reads, or to show what the archive's
admins never approved).

Stored text records ``SANITIZER_VERSION``; raise it whenever the rules below change, and
text stored under an older version is cleaned again when read.
"""

from __future__ import annotations

import enum
from typing import Protocol

import nh3
from django.db import transaction

from ficshelf.core.disk_full import skipped_if_full
from ficshelf.core.image_hosts import allowed_image_source
from ficshelf.core.safe_urls import LINK_SCHEMES, WEB_SCHEMES, allowed_url

# 2: every address judged after removing invisible characters (cite too); images only from
# allowed hosts, over https; no images in comments and bookmark notes.
SANITIZER_VERSION = 2

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
    "del": {"cite"},
    "details": {"open"},
    "font": {"color", "face", "size"},
    "img": {"alt", "border", "height", "src", "width"},
    "ins": {"cite"},
    "ol": {"start", "type"},
    "q": {"cite"},
    "table": {"border", "summary", "width"},
    "td": {"abbr", "axis", "colspan", "rowspan", "width"},
    "th": {"abbr", "axis", "colspan", "rowspan", "scope", "width"},
    "ul": {"type"},
}
# Every attribute above that holds an address, with the schemes it may use.
_URL_ATTRIBUTES: dict[str, frozenset[str]] = {"href": LINK_SCHEMES, "cite": WEB_SCHEMES}


class Profile(enum.Enum):
    WORK_TEXT = "work text"  # summaries, notes, chapter text: images from allowed hosts
    COMMENT = "comment"  # comments and bookmark notes: no images


def _judge_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "src":  # only <img> keeps a src
        kept = allowed_url(value, WEB_SCHEMES, relative=False)
        return allowed_image_source(kept) if kept else None
    schemes = _URL_ATTRIBUTES.get(attribute)
    if schemes is None:
        return value
    return allowed_url(value, schemes)


def sanitize_html(html: str, profile: Profile = Profile.WORK_TEXT) -> str:
    """Return ``html`` with everything outside the profile's allowlist removed."""
    if not html:
        return ""
    tags = _ALLOWED_TAGS if profile is Profile.WORK_TEXT else _ALLOWED_TAGS - {"img"}
    return nh3.clean(
        html,
        tags=tags,
        attributes=_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        link_rel="nofollow",
        attribute_filter=_judge_attribute,
        strip_comments=True,
    ).strip()


class HasSanitizedHtml(Protocol):
    sanitizer_version: int

    def save(self, *, update_fields: list[str]) -> None: ...


def refresh_if_stale(
    instance: HasSanitizedHtml, html_fields: list[str], profile: Profile = Profile.WORK_TEXT
) -> bool:
    """Clean ``html_fields`` again when they were stored under older rules; True if so.

    Tightening the allowlist must reach text already stored, without a migration that
    rewrites every work: stale rows are cleaned and saved the first time they are read.
    """
    if instance.sanitizer_version >= SANITIZER_VERSION:
        return False
    for name in html_fields:
        setattr(instance, name, sanitize_html(getattr(instance, name), profile))
    instance.sanitizer_version = SANITIZER_VERSION
    # Shown cleaned either way; on a full disk it is saved at a later reading (in a
    # savepoint of its own, so a refused write leaves the caller's transaction usable).
    with skipped_if_full("saving text cleaned again"), transaction.atomic():
        instance.save(update_fields=[*html_fields, "sanitizer_version"])
    return True

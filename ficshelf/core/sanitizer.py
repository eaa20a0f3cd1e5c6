"""Cleaning HTML that users give us, with an allowlist close to AO3's.

AO3 keeps the structure writers use (paragraphs, emphasis, headings, lists, quotes,
tables, ruby for CJK readings, details/summary for spoilers, images over http(s)) and
removes everything that runs code or restyles the page: scripts, styles, event
handlers, iframes, forms. Links get rel="nofollow" so the archive lends no weight to
spam. Every address kept (``href``, ``src``, ``cite``) must use a web scheme (or
``mailto:`` for links), judged as ``core.safe_urls`` explains.

There are three profiles. Work text (summaries, notes) keeps images from the hosts
``FICSHELF_IMAGE_HOSTS`` allows. A chapter's text also keeps players embedded with
``<iframe>`` from the hosts the archive's admins list (``core.embed_hosts``): podfic, fanvids
and art live on such hosts. Each kept iframe gets ``sandbox`` (no top navigation, no
forms) and sends only the archive's origin as referrer, whatever the writer put; the
Content-Security-Policy's ``frame-src`` names the same hosts. Summaries never carry
players, as blurbs show them in every listing. Comments and bookmark notes keep no
images at all, as on AO3: anyone, a guest included, writes them, and an image there would
make every reader's browser call a host its writer chose (to track who reads, or to show
what the archive's admins never approved).

Stored text records ``SANITIZER_VERSION``; raise it whenever the rules below change, and
text stored under an older version is cleaned again when read.
"""

from __future__ import annotations

import enum
import html as html_module
import re
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

import nh3
from django.db import transaction

from ficshelf.core.disk_full import skipped_if_full
from ficshelf.core.embed_hosts import allowed_embed_source
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
    "iframe": {"src", "width", "height", "title", "allowfullscreen"},
}
# What every kept iframe carries, whatever the writer wrote: players run their own scripts
# in their own origin, and may open a popup (a "listen on..." link), never navigate the
# archive's page nor send forms; only the archive's origin goes to the host as referrer.
_IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-presentation"
_IFRAME_SET = {
    "iframe": {"sandbox": _IFRAME_SANDBOX, "referrerpolicy": "strict-origin", "loading": "lazy"}
}
# What is written inside an iframe is never shown (the player is); it goes.
_IFRAME_CONTENT = re.compile(r"(<iframe[^>]*>).*?(</iframe>)", re.S)
# An iframe whose address was refused (nh3 keeps the element, without its src).
_IFRAME_WITHOUT_SOURCE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
# A kept iframe the writer gave no title: a frame must have a name for screen readers
# (WCAG 4.1.2), so it is named after the player's host.
_IFRAME_UNTITLED = re.compile(r'<iframe(?![^>]*\stitle=)([^>]*\ssrc="([^"]*)"[^>]*)>')


def _titled(untitled: re.Match[str]) -> str:
    host = urlsplit(html_module.unescape(untitled.group(2))).hostname or "another site"
    return f'<iframe title="Player from {html_module.escape(host)}"{untitled.group(1)}>'


# Every attribute above that holds an address, with the schemes it may use.
_URL_ATTRIBUTES: dict[str, frozenset[str]] = {"href": LINK_SCHEMES, "cite": WEB_SCHEMES}


class Profile(enum.Enum):
    WORK_TEXT = "work text"  # summaries and notes: images from allowed hosts
    CHAPTER_TEXT = "chapter text"  # as work text, and players from the listed hosts
    COMMENT = "comment"  # comments and bookmark notes: no images


def _judge_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "iframe" and ("<" in value or ">" in value):
        return None  # the iframe tags are tidied by pattern after nh3: no ">" inside them
    if attribute == "src" and element == "iframe":
        kept = allowed_url(value, WEB_SCHEMES, relative=False)
        return allowed_embed_source(kept) if kept else None
    if attribute == "src":  # otherwise only <img> keeps a src
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
    tags = _ALLOWED_TAGS if profile is not Profile.COMMENT else _ALLOWED_TAGS - {"img"}
    if profile is Profile.CHAPTER_TEXT and "<iframe" in html.lower():
        cleaned = nh3.clean(
            html,
            tags=tags | {"iframe"},
            attributes=_ATTRIBUTES,
            url_schemes=set(LINK_SCHEMES),
            link_rel="nofollow",
            attribute_filter=_judge_attribute,
            strip_comments=True,
            set_tag_attribute_values=_IFRAME_SET,
        )
        cleaned = _IFRAME_CONTENT.sub(r"\1\2", cleaned)
        cleaned = _IFRAME_WITHOUT_SOURCE.sub("", cleaned)
        return _IFRAME_UNTITLED.sub(_titled, cleaned).strip()
    return nh3.clean(
        html,
        tags=tags,
        attributes=_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        link_rel="nofollow",
        attribute_filter=_judge_attribute_without_players,
        strip_comments=True,
    ).strip()


def _judge_attribute_without_players(element: str, attribute: str, value: str) -> str | None:
    # nh3 asks about the attributes of elements it then removes: where no player is kept,
    # an iframe's are refused here without reading the list of hosts (a query).
    if element == "iframe":
        return None
    return _judge_attribute(element, attribute, value)


class HasSanitizedHtml(Protocol):
    sanitizer_version: int

    def save(self, *, update_fields: list[str]) -> None: ...


def refresh_if_stale(
    instance: HasSanitizedHtml,
    html_fields: list[str],
    profile: Profile = Profile.WORK_TEXT,
    *,
    profile_of: Mapping[str, Profile] | None = None,
) -> bool:
    """Clean ``html_fields`` again when they were stored under older rules; True if so.

    Tightening the allowlist must reach text already stored, without a migration that
    rewrites every work: stale rows are cleaned and saved the first time they are read.
    """
    if instance.sanitizer_version >= SANITIZER_VERSION:
        return False
    for name in html_fields:
        field_profile = (profile_of or {}).get(name, profile)
        setattr(instance, name, sanitize_html(getattr(instance, name), field_profile))
    instance.sanitizer_version = SANITIZER_VERSION
    # Shown cleaned either way; on a full disk it is saved at a later reading (in a
    # savepoint of its own, so a refused write leaves the caller's transaction usable).
    with skipped_if_full("saving text cleaned again"), transaction.atomic():
        instance.save(update_fields=[*html_fields, "sanitizer_version"])
    return True

"""Atom 1.0 documents (RFC 4287) for works, shared by the plain feeds and the OPDS catalog.

Built with lxml rather than ``django.utils.feedgenerator``: OPDS needs links with
attributes and namespaces (``dc:``, ``opds:``, ``opensearch:``) the syndication framework
does not write, and one builder keeps both kinds of feed alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import lxml.etree as etree
import lxml.html
from django.http import HttpRequest
from django.urls import reverse

from ficshelf.core.sanitizer import sanitize_html
from ficshelf.downloads.xhtml import clean_text
from ficshelf.works.display import credited_pseuds
from ficshelf.works.models import Work

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/terms/"
OPDS_NS = "http://opds-spec.org/2010/catalog"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
ATOM_NSMAP: dict[str | None, str] = {None: ATOM_NS}
OPDS_NSMAP: dict[str | None, str] = {
    None: ATOM_NS,
    "dc": DC_NS,
    "opds": OPDS_NS,
    "opensearch": OPENSEARCH_NS,
}

ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def as_datetime(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date (AO3 dates works by the day) is taken as midnight UTC."""
    if not isinstance(moment, datetime.datetime):
        return datetime.datetime.combine(moment, datetime.time.min, tzinfo=datetime.UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def timestamp(moment: datetime.date | datetime.datetime) -> str:
    """RFC 3339, as Atom wants it."""
    return as_datetime(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def work_updated(work: Work) -> datetime.date | datetime.datetime:
    return work.updated_on or work.published_on or work.created_at


def work_published(work: Work) -> datetime.date | datetime.datetime:
    return work.published_on or work.created_at


def text_element(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    element.text = clean_text(text)
    return element


def link(parent: etree._Element, rel: str, href: str, type_: str, **more: str) -> etree._Element:
    return etree.SubElement(
        parent, _atom("link"), {"rel": rel, "href": href, "type": type_, **more}
    )


def new_feed(
    *,
    feed_id: str,
    title: str,
    updated: datetime.date | datetime.datetime,
    self_url: str,
    self_type: str,
    subtitle: str = "",
    nsmap: dict[str | None, str] = ATOM_NSMAP,
) -> etree._Element:
    feed = etree.Element(_atom("feed"), nsmap=nsmap)  # type: ignore[arg-type]
    text_element(feed, _atom("id"), feed_id)
    text_element(feed, _atom("title"), title)
    if subtitle:
        text_element(feed, _atom("subtitle"), subtitle)
    text_element(feed, _atom("updated"), timestamp(updated))
    link(feed, "self", self_url, self_type)
    return feed


def feed_updated(works: Iterable[Work]) -> datetime.datetime:
    """The newest entry's time; an empty feed is as new as the request."""
    return max(
        (as_datetime(work_updated(w)) for w in works),
        default=datetime.datetime.now(datetime.UTC).replace(microsecond=0),
    )


def plain_text(html: str) -> str:
    if not html.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def work_entry(
    feed: etree._Element, request: HttpRequest, work: Work, *, for_opds: bool = False
) -> etree._Element:
    """One work as an entry: id, title, creators, dates, summary, tags, link to the work.

    ``work`` must come from ``Work.objects...for_blurbs()`` (tags and creators prefetched).
    """
    entry = etree.SubElement(feed, _atom("entry"))
    work_url = request.build_absolute_uri(work.get_absolute_url())
    text_element(entry, _atom("title"), work.title)
    text_element(entry, _atom("id"), work_url)
    text_element(entry, _atom("updated"), timestamp(work_updated(work)))
    text_element(entry, _atom("published"), timestamp(work_published(work)))
    creators = credited_pseuds(work)
    for pseud in creators:
        author = etree.SubElement(entry, _atom("author"))
        text_element(author, _atom("name"), pseud.name)
        if pseud.user is not None:
            profile = reverse("users:profile", args=[pseud.user.username])
            text_element(author, _atom("uri"), request.build_absolute_uri(profile))
    if not creators:
        # Atom wants an author on every entry; AO3 shows orphaned works this way.
        text_element(etree.SubElement(entry, _atom("author")), _atom("name"), "Anonymous")
    summary = sanitize_html(work.summary)
    if for_opds:
        # OPDS readers show atom:summary as text; the formatted summary goes in content.
        if summary:
            text_element(entry, _atom("summary"), plain_text(summary), type="text")
            text_element(entry, _atom("content"), summary, type="html")
        if work.language is not None:
            text_element(entry, f"{{{DC_NS}}}language", work.language.short)
        if work.published_on:
            text_element(entry, f"{{{DC_NS}}}issued", work.published_on.isoformat())
    elif summary:
        text_element(entry, _atom("summary"), summary, type="html")
    for tag in sorted(work.tags.all(), key=lambda t: (t.type, t.name)):
        etree.SubElement(
            entry, _atom("category"), {"term": clean_text(tag.name), "label": clean_text(tag.name)}
        )
    link(entry, "alternate", work_url, "text/html")
    return entry


def render(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)

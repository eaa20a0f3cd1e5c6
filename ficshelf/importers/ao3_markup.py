"""Reading AO3's own markup: shared by the download, work-page and EPUB importers.

AO3 renders the same facts (tags, stats, series, byline) in several templates that changed
over the years; these helpers read them by meaning (a ``dt`` label, a ``/works/N`` link)
rather than by one template's exact nesting, so each importer stays short.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from ficshelf.core.sequences import unique_in_order
from ficshelf.importers.base import ImportedSeriesPart, ImportedWork, ImportFailed

AO3_ROOT = "https://archiveofourown.org"

# AO3 answers on several hosts and old downloads link over http; a "works/N" link inside a
# collection ("/collections/x/works/N") or a chapter ("/works/N/chapters/M") is the same work.
_WORK_URL = re.compile(
    r"^(?:(?:https?:)?//(?:www\.)?(?:archiveofourown\.(?:org|com|net)|ao3\.org))?"
    r"(?:/collections/[^/?#]+)?/works/(\d+)(?:[/?#]|$)",
    re.IGNORECASE,
)
_SERIES_URL = re.compile(
    r"^(?:(?:https?:)?//(?:www\.)?(?:archiveofourown\.(?:org|com|net)|ao3\.org))?"
    r"/series/(\d+)(?:[/?#]|$)",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

# dt labels as AO3 printed them in each template generation, singular or plural
# (genA "Relationship:", genB "Relationships:"), mapped to ImportedWork's field names.
_TAG_FIELD_BY_LABEL = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "warning": "warnings",
    "warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tag": "freeforms",
    "additional tags": "freeforms",
    "freeform": "freeforms",
    "freeforms": "freeforms",
    "language": "language",
    "series": "series",
    "collection": "collections",
    "collections": "collections",
    "stats": "stats",
}
# The work page's dt/dd carry a class per field ("warning tags"), stable across generations;
# used when a label reads differently (a translated interface, a future wording).
_TAG_FIELD_BY_CLASS = {
    "rating": "rating",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "freeform": "freeforms",
    "language": "language",
    "series": "series",
    "collections": "collections",
    "stats": "stats",
}


@dataclass
class TagBlock:
    """What one AO3 ``dl`` of work meta says, field by field."""

    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = ""
    collections: list[str] = field(default_factory=list)
    series: list[ImportedSeriesPart] = field(default_factory=list)
    stats: Stats | None = None


@dataclass
class Stats:
    published_on: datetime.date | None = None
    updated_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    posted_chapter_count: int | None = None
    expected_chapter_count: int | None = None


# --- documents ---------------------------------------------------------------------------


def parse_html_document(html: str) -> HtmlElement:
    """Parse HTML or XHTML leniently; ImportFailed when there is nothing to parse.

    Several documents pasted one after another (the XHTML files of an EPUB) become one
    document whose body holds every body's content in order: libxml2 would otherwise stop
    reading at the first ``</html>``.
    """
    documents = [_parse_one_document(text) for text in _split_documents(html)]
    if not documents:
        raise ImportFailed("the file is empty")
    root = documents[0]
    body = root.find("body")
    for later in documents[1:]:
        later_body = later.find("body")
        if body is not None and later_body is not None:
            body.extend(list(later_body))
    return root


# A new document starts only right after a closing </html>, so "<html" inside a script or
# an escaped string never splits a page.
_NEXT_DOCUMENT = re.compile(r"(?<=</html>)\s*(?=<\?xml|<!DOCTYPE|<html[\s>])", re.IGNORECASE)


def _split_documents(html: str) -> list[str]:
    # lxml refuses str input that still carries an XML encoding declaration (EPUB XHTML).
    texts = [_XML_DECLARATION.sub("", text, count=1).strip() for text in _NEXT_DOCUMENT.split(html)]
    return [text for text in texts if text]


def _parse_one_document(text: str) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ImportFailed(f"the file is not readable HTML ({error})") from error


def has_class(element: HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def has_class_prefix(element: HtmlElement, prefix: str) -> bool:
    """True for ``userstuff`` and calibre's renamed ``userstuff1``/``userstuff2`` alike."""
    return any(token.startswith(prefix) for token in (element.get("class") or "").split())


def clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


def element_text(element: HtmlElement) -> str:
    return clean_text(element.text_content())


def inner_html(element: HtmlElement | None) -> str:
    """The element's content as HTML, without the element's own tag."""
    if element is None:
        return ""
    parts = [_escape_text(element.text or "")]
    parts.extend(lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in element)
    return "".join(parts).strip()


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def remove_elements(elements: Iterable[HtmlElement]) -> None:
    """Drop elements but keep the text that follows them (their tail)."""
    for element in list(elements):
        element.drop_tree()


def iter_elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements only: comments and processing instructions have no tag name string."""
    for element in root.iter():
        if isinstance(element.tag, str):
            yield element


def labelled_blockquote(label_element: HtmlElement) -> HtmlElement | None:
    """The ``blockquote.userstuff`` that directly follows a "Summary"/"Notes" label."""
    sibling = label_element.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    if sibling is not None and sibling.tag == "blockquote":
        return sibling
    return None


# --- URLs --------------------------------------------------------------------------------


def normalise_work_url(href: str | None) -> str:
    """Any address of a work or its chapters -> "https://archiveofourown.org/works/N"."""
    match = _WORK_URL.match((href or "").strip())
    return f"{AO3_ROOT}/works/{match.group(1)}" if match else ""


def normalise_series_url(href: str | None) -> str:
    match = _SERIES_URL.match((href or "").strip())
    return f"{AO3_ROOT}/series/{match.group(1)}" if match else ""


# --- creators ----------------------------------------------------------------------------

_PSEUD_WITH_USER = re.compile(r"^(?P<pseud>.+?)\s*\((?P<user>[^()]+)\)$")


def pseud_name(shown: str) -> str:
    """AO3 shows a secondary pseud as "Pseud (user)"; the pseud is the creator's name."""
    shown = clean_text(shown)
    match = _PSEUD_WITH_USER.match(shown)
    return match.group("pseud") if match else shown


def byline_creators(byline: HtmlElement | None) -> list[str]:
    """Creator pseuds from a byline element; "Anonymous" bylines have no links."""
    if byline is None:
        return []
    links = [link for link in byline.iter("a") if "author" in (link.get("rel") or "").split()]
    if links:
        return unique_in_order(pseud_name(link.text_content()) for link in links)
    text = re.sub(r"^\s*by\s+", "", element_text(byline), flags=re.IGNORECASE)
    return [text] if text else []


# --- the dl of tags ----------------------------------------------------------------------


def read_tag_block(dl: HtmlElement) -> TagBlock:
    """Read a ``dl.tags`` (download) or ``dl.work.meta`` (work page) into a TagBlock."""
    block = TagBlock()
    for dt, dd in _definition_pairs(dl):
        name = _field_name(dt)
        if name:
            _store_field(block, name, dd)
    return block


def apply_tag_block(work: ImportedWork, tags: TagBlock) -> None:
    """Copy the tags, series, collections and stats read from a ``dl`` onto the work."""
    work.rating = tags.rating
    work.warnings = tags.warnings
    work.categories = tags.categories
    work.fandoms = tags.fandoms
    work.relationships = tags.relationships
    work.characters = tags.characters
    work.freeforms = tags.freeforms
    work.language = tags.language
    work.series = tags.series
    work.collections = tags.collections
    if tags.stats is not None:
        work.published_on = tags.stats.published_on
        work.updated_on = tags.stats.updated_on
        work.completed_on = tags.stats.completed_on
        work.expected_chapter_count = tags.stats.expected_chapter_count


def _definition_pairs(dl: HtmlElement) -> Iterator[tuple[HtmlElement, HtmlElement]]:
    children = [child for child in dl if isinstance(child.tag, str)]
    for index, child in enumerate(children[:-1]):
        if child.tag == "dt" and children[index + 1].tag == "dd":
            yield child, children[index + 1]


def _field_name(dt: HtmlElement) -> str:
    label = clean_text(dt.text_content()).rstrip(":").strip().lower()
    if label in _TAG_FIELD_BY_LABEL:
        return _TAG_FIELD_BY_LABEL[label]
    for css_class in (dt.get("class") or "").split():
        if css_class in _TAG_FIELD_BY_CLASS:
            return _TAG_FIELD_BY_CLASS[css_class]
    return ""


def _store_field(block: TagBlock, name: str, dd: HtmlElement) -> None:
    if name == "rating":
        block.rating = ", ".join(tag_names(dd))
    elif name == "language":
        block.language = element_text(dd)
    elif name == "series":
        block.series = series_parts(dd)
    elif name == "stats":
        # Work pages nest a dl of stats with no spaces between its dt/dd texts.
        block.stats = parse_stats(" ".join(dd.itertext()))
    else:
        setattr(block, name, tag_names(dd))


def tag_names(dd: HtmlElement) -> list[str]:
    """Tag names from a dd: the link texts, or the comma-separated text when unlinked."""
    links = [element_text(link) for link in dd.iter("a")]
    names = [name for name in links if name]
    if not names:
        names = [part.strip() for part in element_text(dd).split(",")]
    return unique_in_order(name for name in names if name)


# --- series ------------------------------------------------------------------------------

# Downloads say "Part 2 of <a>", work pages of ~2020 "Part 2 of the <a>".
_PART_OF = re.compile(r"Part\s+(\d+)\s+of(?:\s+the)?\s*$", re.IGNORECASE)


def series_parts(container: HtmlElement) -> list[ImportedSeriesPart]:
    """Series from "Part N of <a href=/series/M>Title</a>" (one or several in a row)."""
    parts: list[ImportedSeriesPart] = []
    for link in container.iter("a"):
        url = normalise_series_url(link.get("href"))
        if not url or any(part.source_url == url for part in parts):
            continue
        parts.append(
            ImportedSeriesPart(
                title=element_text(link),
                position=_position_before(link),
                source_url=url,
            )
        )
    return parts


def _position_before(link: HtmlElement) -> int | None:
    previous = link.getprevious()
    parent = link.getparent()
    if previous is not None:
        preceding = previous.tail or ""
    else:
        preceding = parent.text if parent is not None else ""
    match = _PART_OF.search(clean_text(preceding or ""))
    return int(match.group(1)) if match else None


# --- stats -------------------------------------------------------------------------------

_DATE_FIELD = re.compile(r"\b(Published|Updated|Completed)\s*:\s*(\d{4}-\d{2}-\d{2})", re.I)
_CHAPTERS = re.compile(r"\bChapters\s*:\s*([\d,]+)\s*/\s*([\d,]+|\?)", re.IGNORECASE)


def parse_stats(text: str) -> Stats:
    """Read "Published: 2021-11-16 Updated: ... Chapters: 3/?" (any order, any spacing)."""
    stats = Stats()
    for label, value in _DATE_FIELD.findall(text):
        date = _parse_date(value)
        setattr(stats, f"{label.lower()}_on", date)
    chapters = _CHAPTERS.search(text)
    if chapters:
        posted, expected = chapters.groups()
        stats.posted_chapter_count = int(posted.replace(",", ""))
        stats.expected_chapter_count = None if expected == "?" else int(expected.replace(",", ""))
    return stats


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


# --- chapter titles ----------------------------------------------------------------------

_CHAPTER_PREFIX = re.compile(r"^Chapter\s+(\d+)\s*(?::\s*(?P<title>.*))?$", re.IGNORECASE | re.S)


def chapter_title(heading_text: str, position: int) -> str:
    """The chapter's own title from a heading.

    Since AO3-7124 (2025-10) headings read "Chapter 3: Title", or just "Chapter 3" when the
    chapter has no title; earlier downloads show the title alone. The prefix is only removed
    when its number is this chapter's position, so a title like "Chapter 9: Flashback" on
    chapter 2 of an old download survives.
    """
    text = clean_text(heading_text)
    match = _CHAPTER_PREFIX.match(text)
    if match and int(match.group(1)) == position:
        return clean_text(match.group("title"))
    return text

"""Importer for a saved AO3 work page (format "ao3-workpage").

People save work pages with "Save page as", with scrapers that keep only the body from
``<div id="outer">``, or from an Android WebView that stores the DOM as one JavaScript string
(literal ``\\n``, ``\\"`` and ``<\\script>``). They also save the pages AO3 shows instead of a
work (adult-content notice, log-in page, 404, "Retry later"); those are refused with a message
that says what the file is.
"""

from __future__ import annotations

import pathlib
import re
from collections import Counter

from lxml.html import HtmlElement

from ficshelf.importers.ao3_markup import (
    TagBlock,
    apply_tag_block,
    byline_creators,
    chapter_title,
    element_text,
    has_class,
    inner_html,
    iter_elements,
    normalise_work_url,
    parse_html_document,
    read_tag_block,
    remove_elements,
)
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed, ImportRefused

FORMAT = "ao3-workpage"

_SNIFF_MARKERS = (
    b'id="workskin"',
    b"work meta group",
    b'id="outer"',
    b"archiveofourown.org",
    b"Archive of Our Own",
    b"Retry later",
)


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    """Any AO3 HTML page that is not a download, so that error pages reach parse() and get
    a clear refusal instead of "unknown format"."""
    is_download = b'id="preface"' in head and b"Posted originally on the" in head
    looks_like_html = b"<div" in head or b"<html" in head.lower()
    return looks_like_html and not is_download and any(m in head for m in _SNIFF_MARKERS)


def parse(path: pathlib.Path) -> ImportedWork:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"cannot read {path.name}: {error.strerror}") from error
    # Saved pages are UTF-8; the body-only fragments have no charset declaration at all.
    return parse_workpage_html(data.decode("utf-8-sig", errors="replace"))


def parse_workpage_html(html: str) -> ImportedWork:
    """Read a saved AO3 work page (whole work or one chapter) into an ImportedWork.

    Raises ImportRefused for AO3 pages that are not a work, ImportFailed for anything else
    that cannot be read.
    """
    root = parse_html_document(unescape_javascript_dump(html))
    refusal = refusal_for_non_work_page(root)
    if refusal:
        raise ImportRefused(refusal)
    if _is_download(root):
        raise ImportFailed(
            "this is an AO3 HTML download, not a saved work page: import it as ao3-html"
        )
    workskin = _workskin(root)
    if workskin is None:
        raise ImportFailed("this is not an AO3 work page: it has no work text")
    preface = _work_preface(workskin)
    chapters = _read_chapters(workskin)
    if not chapters:
        raise ImportFailed("this AO3 work page has no chapter text")
    for position, chapter in chapters:
        chapter.position = position
    work = ImportedWork(
        title=_work_title(root, preface),
        chapters=[chapter for _, chapter in chapters],
        creators=byline_creators(_first_with_class(preface, "byline")),
        summary_html=_module_html(preface, "summary"),
        notes_html=_module_html(preface, "notes"),
        end_notes_html=_work_end_notes(workskin),
        gift_recipients=_gift_recipients(preface),
        source_url=_source_url(root),
        source_format=FORMAT,
    )
    tags = _tag_block(root)
    apply_tag_block(work, tags)
    posted = tags.stats.posted_chapter_count if tags.stats else None
    _note_partial_chapter_view(work, [position for position, _ in chapters], posted)
    return work


# --- the escaped one-line dumps ----------------------------------------------------------

_JS_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_JS_ESCAPED_CHARACTERS = {"n": "\n", "t": "\t", "r": "\r"}


def unescape_javascript_dump(html: str) -> str:
    """Undo one level of JavaScript string escaping when the whole page is one escaped line.

    Decided by counting: a real page has more line breaks than literal "\\n"; the WebView
    dumps have no line breaks at all. Unescaping a normal page would eat backslashes that
    belong to the text ("\\o/"), so it is left alone.
    """
    if html.count("\\n") <= html.count("\n"):
        return html
    return _JS_ESCAPE.sub(lambda m: _JS_ESCAPED_CHARACTERS.get(m.group(1), m.group(1)), html)


# --- pages that are not a work -----------------------------------------------------------

# Phrases from AO3's own pages (English interface), checked only when no work text is present.
_REFUSALS = (
    (
        ("This work could have adult content", "Adult Content Warning"),
        "this is AO3's adult-content notice page, not the work: "
        "save the page after clicking Proceed ('Yes, Continue')",
    ),
    (
        ("only available to registered users",),
        "this is AO3's page for a restricted work seen while logged out, not the work: "
        "log in to AO3 and save the work page again",
    ),
    (
        ("hidden by an administrator", "hidden by the Archive", "hidden by AO3"),
        "this is AO3's page for a work hidden by an administrator, not the work",
    ),
    (
        ("will be revealed soon",),
        "this is AO3's 'Mystery Work' page: the work is hidden until its challenge reveals "
        "it, so the file holds no work",
    ),
    (
        ("don't have permission to access the page",),
        "this is AO3's 'permission denied' page for a hidden work, not the work",
    ),
    (
        ("Error 404", "The page you were looking for doesn't exist"),
        "this is AO3's 'work not found' page (error 404): the work was deleted or the "
        "address is wrong",
    ),
)
_RATE_LIMIT = "this is AO3's 'Retry later' rate-limit page, not the work: wait and save it again"
_SERIES_PAGE = (
    "this is an AO3 series page, not a work: import each work of the series "
    "(its download or its work page) instead"
)


def refusal_for_non_work_page(root: HtmlElement) -> str:
    """The refusal message for an AO3 page that holds no work, or "" for a work page."""
    if _workskin(root) is not None:
        return ""
    main = root.get_element_by_id("main", None)
    if main is not None and "series-show" in (main.get("class") or "").split():
        return _SERIES_PAGE
    text = _visible_text(main if main is not None else root)
    if "Retry later" in text and len(text) < 200:
        return _RATE_LIMIT
    for phrases, message in _REFUSALS:
        if any(phrase.lower() in text.lower() for phrase in phrases):
            return message
    return ""


def _visible_text(element: HtmlElement) -> str:
    texts = []
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript"):
            texts.append(node.text or "")
        if node is not element:
            texts.append(node.tail or "")
    return " ".join(" ".join(texts).split())


# --- the work ----------------------------------------------------------------------------


def _is_download(root: HtmlElement) -> bool:
    preface = root.get_element_by_id("preface", None)
    return preface is not None and "Posted originally on the" in element_text(preface)


def _workskin(root: HtmlElement) -> HtmlElement | None:
    """The element holding preface, chapters and afterword (``#workskin`` since ~2011)."""
    workskin = root.get_element_by_id("workskin", None)
    if workskin is not None:
        return workskin
    chapters = root.get_element_by_id("chapters", None)
    return chapters.getparent() if chapters is not None else None


def _work_preface(workskin: HtmlElement) -> HtmlElement:
    for child in workskin:
        if (
            isinstance(child.tag, str)
            and has_class(child, "preface")
            and not has_class(child, "chapter")
            and not has_class(child, "afterword")
        ):
            return child
    return workskin


def _first_with_class(container: HtmlElement, css_class: str) -> HtmlElement | None:
    return next((el for el in iter_elements(container) if has_class(el, css_class)), None)


def _work_title(root: HtmlElement, preface: HtmlElement) -> str:
    heading = _first_with_class(preface, "title")
    if heading is not None and element_text(heading):
        return element_text(heading)
    page_title = next(root.iter("title"), None)
    # <title> is "Title - Chapter 2 - creator - fandom [Archive of Our Own]".
    title = element_text(page_title).split(" - ")[0] if page_title is not None else ""
    if not title:
        raise ImportFailed("this AO3 work page has no title")
    return title


def _module_html(container: HtmlElement | None, module_class: str) -> str:
    """The userstuff of a "summary"/"notes" module directly inside a preface."""
    if container is None:
        return ""
    for child in container:
        if isinstance(child.tag, str) and has_class(child, module_class):
            if module_class == "notes" and has_class(child, "end"):
                continue
            quote = next(child.iter("blockquote"), None)
            return inner_html(quote)
    return ""


def _work_end_notes(workskin: HtmlElement) -> str:
    # Only #work_endnotes: the afterword's "Works inspired by this one" (#children) and
    # series list are AO3's, not the creator's notes.
    end_notes = next((el for el in workskin.iter("div") if el.get("id") == "work_endnotes"), None)
    quote = next(end_notes.iter("blockquote"), None) if end_notes is not None else None
    return inner_html(quote)


_GIFT = re.compile(r"^For\s+(?P<names>.+?)\.?$")


def _gift_recipients(preface: HtmlElement) -> list[str]:
    """Recipients from "For <a>name</a>." lines in the preface's associations list."""
    recipients: list[str] = []
    for item in preface.xpath('.//ul[contains(@class, "associations")]/li'):
        match = _GIFT.match(element_text(item))
        if not match:
            continue
        links = [element_text(link) for link in item.iter("a")]
        recipients.extend(links or [name.strip() for name in match.group("names").split(",")])
    return [name for name in dict.fromkeys(recipients) if name]


def _tag_block(root: HtmlElement) -> TagBlock:
    for dl in root.iter("dl"):
        if has_class(dl, "work") and has_class(dl, "meta"):
            return read_tag_block(dl)
    return TagBlock()


# --- chapters ----------------------------------------------------------------------------

_CHAPTER_ID = re.compile(r"^chapter-(\d+)$")


def _read_chapters(workskin: HtmlElement) -> list[tuple[int, ImportedChapter]]:
    """(position, chapter) pairs; position is AO3's chapter number (K in a chapter view)."""
    chapter_divs = [div for div in workskin.iter("div") if _CHAPTER_ID.match(div.get("id") or "")]
    if chapter_divs:
        return [_read_chapter(div) for div in chapter_divs]
    text = _chapter_text(workskin.get_element_by_id("chapters", None))
    return [(1, ImportedChapter(text_html=text))] if text else []


def _read_chapter(chapter_div: HtmlElement) -> tuple[int, ImportedChapter]:
    match = _CHAPTER_ID.match(chapter_div.get("id") or "")
    position = int(match.group(1)) if match else 1
    prefaces = [child for child in chapter_div if _is_chapter_preface(child)]
    heading = _first_chapter_heading(prefaces)
    chapter = ImportedChapter(
        title=chapter_title(element_text(heading), position) if heading is not None else "",
        text_html=_chapter_text(chapter_div),
    )
    for preface in prefaces:
        chapter.summary_html = chapter.summary_html or _module_html(preface, "summary")
        chapter.notes_html = chapter.notes_html or _module_html(preface, "notes")
        chapter.end_notes_html = chapter.end_notes_html or _chapter_end_notes(preface)
    return position, chapter


def _is_chapter_preface(element: HtmlElement) -> bool:
    return (
        isinstance(element.tag, str)
        and has_class(element, "chapter")
        and has_class(element, "preface")
    )


def _first_chapter_heading(prefaces: list[HtmlElement]) -> HtmlElement | None:
    # "<h3 class="title"><a>Chapter 2</a>: Title</h3>", or just the link for an untitled one.
    for preface in prefaces:
        for heading in preface.iter("h3"):
            if has_class(heading, "title"):
                return heading
    return None


def _chapter_end_notes(preface: HtmlElement) -> str:
    for child in preface:
        if isinstance(child.tag, str) and has_class(child, "end") and has_class(child, "notes"):
            return inner_html(next(child.iter("blockquote"), None))
    return ""


def _chapter_text(container: HtmlElement | None) -> str:
    if container is None:
        return ""
    text = next((div for div in container.iter("div") if has_class(div, "userstuff")), None)
    if text is None:
        return ""
    # AO3's hidden "Chapter Text"/"Work Text:" heading for screen readers is not the text.
    remove_elements(h3 for h3 in text.iter("h3") if has_class(h3, "landmark"))
    return inner_html(text)


def _note_partial_chapter_view(
    work: ImportedWork, positions: list[int], posted: int | None
) -> None:
    if posted is None or posted <= len(positions):
        return
    work.is_partial = True
    shown = ", ".join(str(position) for position in positions)
    noun = "chapter" if len(positions) == 1 else "chapters"
    work.notices.append(
        f"only {noun} {shown} of {posted} was in the file (a saved chapter view): save the "
        "page after choosing 'Entire Work', or use AO3's download, to import the whole work"
    )


# --- source URL --------------------------------------------------------------------------


def _source_url(root: HtmlElement) -> str:
    """The work's address: the canonical link, else the work id most links point at.

    Body-only saves have neither <head> nor absolute links, but AO3's own action links
    (share, bookmarks, download, chapter index) all carry the work id; links in the
    creator's text (class userstuff) are left out so a notes link to another work can't win.
    """
    for link in root.iter("link", "meta"):
        if link.get("rel") == "canonical" or link.get("property") == "og:url":
            url = normalise_work_url(link.get("href") or link.get("content"))
            if url:
                return url
    counts: Counter[str] = Counter()
    for element in root.iter("a", "form"):
        if _inside_userstuff(element):
            continue
        href = element.get("href") or element.get("action") or ""
        url = normalise_work_url(_download_to_work_href(href))
        if url and not _is_bare_work_link(href):
            counts[url] += 1
    return counts.most_common(1)[0][0] if counts else ""


def _download_to_work_href(href: str) -> str:
    return re.sub(r"^(.*?)/downloads/(\d+)/", r"\1/works/\2/", href)


def _is_bare_work_link(href: str) -> bool:
    # "/works/N" alone links to related works and series neighbours, not to this work's pages.
    return re.search(r"/works/\d+/?$", href) is not None


def _inside_userstuff(element: HtmlElement) -> bool:
    return any(has_class(ancestor, "userstuff") for ancestor in element.iterancestors())

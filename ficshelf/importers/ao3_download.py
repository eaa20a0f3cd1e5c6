"""Importer for the file AO3's "Download -> HTML" button gives (format "ao3-html").

The file is one document: ``#preface`` (title, tags ``dl``, byline, summary, notes),
``#chapters`` (per chapter a ``div.meta.group`` heading block, the text in ``div.userstuff``
and an optional ``#endnotesN`` block) and ``#afterword`` (work end notes, "Works inspired by
this one"). AO3 changed the wording three times (see ``ao3_markup``); the reader below goes by
landmarks that all generations share.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterable

from lxml.html import HtmlElement

from ficshelf.importers.ao3_markup import (
    TagBlock,
    apply_tag_block,
    byline_creators,
    chapter_title,
    element_text,
    has_class,
    has_class_prefix,
    inner_html,
    iter_elements,
    labelled_blockquote,
    normalise_work_url,
    parse_html_document,
    read_tag_block,
)
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed

FORMAT = "ao3-html"

_WORK_LABELS = {"summary": "summary_html", "notes": "notes_html", "end notes": "end_notes_html"}
_CHAPTER_LABELS = {
    "chapter summary": "summary_html",
    "chapter notes": "notes_html",
    "chapter end notes": "end_notes_html",
}


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    """A download names its origin in the preface: "Posted originally on the Archive..."."""
    return b'id="preface"' in head and b"Posted originally on the" in head


def parse(path: pathlib.Path) -> ImportedWork:
    try:
        html = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise ImportFailed(f"cannot read {path.name}: {error.strerror}") from error
    return parse_download_html(html)


def parse_download_html(html: str) -> ImportedWork:
    """Read an AO3 HTML download into an ImportedWork.

    Tolerant on purpose, because the EPUB importer feeds it the XHTML that calibre made from
    the same download: it accepts a full download document, one XHTML document, or several
    XHTML documents concatenated (an optional ``<?xml ...?>`` declaration is dropped). It
    relies only on what survives calibre: the ``id`` attributes (``preface``, ``chapters``,
    ``endnotesN``), ``dl.tags``, ``.byline``, ``h2.heading`` chapter headings, the "Summary" /
    "Notes" / "Chapter End Notes" label paragraphs before ``blockquote`` elements, and text
    blocks whose class starts with ``userstuff`` (calibre renames them ``userstuff1``,
    ``userstuff2``...). Repeated ``#preface``/``#chapters`` containers (calibre splits files)
    are fine: the document is read in order. Raises ImportFailed when the text is not an AO3
    download.
    """
    root = parse_html_document(html)
    tag_list = _first(el for el in iter_elements(root) if el.tag == "dl" and has_class(el, "tags"))
    if tag_list is None and root.get_element_by_id("preface", None) is None:
        raise ImportFailed("this is not an AO3 HTML download: it has no preface or tag list")
    tags = read_tag_block(tag_list) if tag_list is not None else TagBlock()
    reader = _ChapterReader()
    reader.read(root)
    if not reader.chapters:
        raise ImportFailed("this AO3 download has no chapter text")
    work = ImportedWork(
        title=_work_title(root),
        chapters=reader.chapters,
        creators=byline_creators(_work_byline(root)),
        summary_html=reader.work_fields.get("summary_html", ""),
        notes_html=reader.work_fields.get("notes_html", ""),
        end_notes_html=reader.work_fields.get("end_notes_html", ""),
        source_url=_source_url(root),
        source_format=FORMAT,
    )
    apply_tag_block(work, tags)
    _note_missing_chapters(work, tags)
    return work


def _note_missing_chapters(work: ImportedWork, tags: TagBlock) -> None:
    posted = tags.stats.posted_chapter_count if tags.stats else None
    if posted is not None and posted != len(work.chapters):
        work.notices.append(
            f"AO3 says {posted} chapters are posted but the file holds {len(work.chapters)}"
        )


class _ChapterReader:
    """Walks the document in order, collecting work notes and chapters by their landmarks."""

    def __init__(self) -> None:
        self.chapters: list[ImportedChapter] = []
        self.work_fields: dict[str, str] = {}
        self._label_targets: set[HtmlElement] = set()

    def read(self, element: HtmlElement) -> None:
        for child in element:
            if isinstance(child.tag, str) and not self._take(child):
                self.read(child)

    def _take(self, element: HtmlElement) -> bool:
        """Handle one landmark; True when its content is consumed (no need to descend)."""
        if element in self._label_targets or element.tag in ("dl", "head", "h1"):
            return True
        if element.tag == "h2" and has_class(element, "heading"):
            self._start_chapter(element_text(element))
            return True
        if element.tag == "p":
            return self._take_label(element)
        if _is_chapter_text(element):
            self._add_text(inner_html(element))
            return True
        return False

    def _take_label(self, paragraph: HtmlElement) -> bool:
        label = element_text(paragraph).lower()
        target = labelled_blockquote(paragraph)
        if label not in _WORK_LABELS and label not in _CHAPTER_LABELS:
            return False
        if target is None:  # "Chapter Notes" printed although only end notes exist
            return True
        self._label_targets.add(target)
        if label in _WORK_LABELS:
            self.work_fields.setdefault(_WORK_LABELS[label], inner_html(target))
        else:
            setattr(self._current_chapter(), _CHAPTER_LABELS[label], inner_html(target))
        return True

    def _start_chapter(self, heading: str) -> None:
        position = len(self.chapters) + 1
        self.chapters.append(ImportedChapter(title=chapter_title(heading, position)))

    def _current_chapter(self) -> ImportedChapter:
        if not self.chapters:
            self.chapters.append(ImportedChapter())
        return self.chapters[-1]

    def _add_text(self, text_html: str) -> None:
        # A one-chapter download has no chapter heading: the text block opens the chapter.
        if not self.chapters or self.chapters[-1].text_html:
            self.chapters.append(ImportedChapter())
        self.chapters[-1].text_html = text_html


def _is_chapter_text(element: HtmlElement) -> bool:
    if element.tag != "div" or not has_class_prefix(element, "userstuff"):
        return False
    if element.get("id") == "chapters":
        return False
    # The #chapters container of a one-chapter download wraps another userstuff block.
    return not any(
        has_class_prefix(inner, "userstuff") or has_class(inner, "heading")
        for inner in element.iterdescendants("div", "h2")
    )


def _first(elements: Iterable[HtmlElement]) -> HtmlElement | None:
    return next(iter(elements), None)


def _work_title(root: HtmlElement) -> str:
    heading = _first(root.iter("h1"))
    if heading is not None and element_text(heading):
        return element_text(heading)
    message_title = _first(root.xpath('//p[contains(@class, "message")]/b'))
    if message_title is not None and element_text(message_title):
        return element_text(message_title)
    # <title> is "Title - creator - fandom"; only a last resort as titles can hold " - ".
    page_title = _first(root.iter("title"))
    title = element_text(page_title).split(" - ")[0] if page_title is not None else ""
    if not title:
        raise ImportFailed("this AO3 download has no title")
    return title


def _work_byline(root: HtmlElement) -> HtmlElement | None:
    # The work byline is a div; chapters by other co-creators carry their own p.byline.
    bylines = [el for el in iter_elements(root) if has_class(el, "byline")]
    work_byline = _first(el for el in bylines if el.tag == "div")
    return work_byline if work_byline is not None else _first(bylines)


def _source_url(root: HtmlElement) -> str:
    """The work link in the preface's "Posted originally on..." message (or the afterword's)."""
    messages = [p for p in root.iter("p") if has_class(p, "message")]
    for message in messages:
        for link in message.iter("a"):
            url = normalise_work_url(link.get("href"))
            if url:
                return url
    return ""

"""FanFicFare's EPUBs: a title page of ``<b>Label:</b> value`` lines, one file per chapter."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

from ficshelf.importers.ao3_markup import (
    chapter_title,
    clean_text,
    element_text,
    has_class,
    has_class_prefix,
    inner_html,
    labelled_blockquote,
    normalise_series_url,
    normalise_work_url,
    pseud_name,
    remove_elements,
)
from ficshelf.importers.base import (
    ImportedChapter,
    ImportedSeriesPart,
    ImportedWork,
    ImportFailed,
)
from ficshelf.importers.epub.archive import xpath_texts
from ficshelf.importers.epub.common import comma_list, parse_date, reading_documents
from ficshelf.importers.epub.container import EpubBook, EpubDocument

_AO3_CATEGORIES = {"F/F", "F/M", "Gen", "M/M", "Multi", "Other"}
_FANFICFARE_LIST_FIELDS = {
    "category": "fandoms",  # FanFicFare files AO3's fandoms as its "category"
    "fandoms": "fandoms",
    "characters": "characters",
    "relationships": "relationships",
    "pairings": "relationships",
    "warnings": "warnings",
    "collections": "collections",
    "freeform tags": "freeforms",
    "ao3 categories": "categories",
}
# FanFicFare's own labels around the notes it copies into a chapter file.
_FANFICFARE_NOTE_LABELS = {"author's note", "summary for the chapter", "notes for the chapter"}


@dataclass
class _LabelledValue:
    text: str
    elements: list[HtmlElement]


def read_fanficfare(book: EpubBook) -> ImportedWork:
    documents = reading_documents(book)
    title_page = next((d for d in documents if has_class_prefix(d.body, "fff_titlepage")), None)
    chapter_documents = [d for d in documents if has_class_prefix(d.body, "fff_chapter")] or [
        d for d in documents if d is not title_page and not has_class_prefix(d.body, "fff_")
    ]
    work = ImportedWork(title="", chapters=[], source_format="epub-fanficfare")
    if title_page is not None:
        _read_fanficfare_title_page(work, title_page.body)
    for position, document in enumerate(chapter_documents, start=1):
        chapter, work_notes, work_end_notes = _read_fanficfare_chapter(document, position)
        work.chapters.append(chapter)
        work.notes_html = work.notes_html or work_notes
        work.end_notes_html = work_end_notes or work.end_notes_html
    if not work.chapters:
        raise ImportFailed("this FanFicFare EPUB has no chapters")
    return work


def _read_fanficfare_title_page(work: ImportedWork, body: HtmlElement) -> None:
    heading = next(body.iter("h3", "h1", "h2"), None)
    if heading is not None:
        work_link = next((a for a in heading.iter("a") if normalise_work_url(a.get("href"))), None)
        work.title = element_text(work_link) if work_link is not None else ""
        work.creators = [
            pseud_name(element_text(a)) for a in heading.iter("a") if has_class(a, "authorlink")
        ]
    values = _bold_labelled_values(body)
    _apply_fanficfare_values(work, values)


def _bold_labelled_values(body: HtmlElement) -> dict[str, _LabelledValue]:
    """``<b>Label:</b> value<br/>`` lines, read up to the next label."""
    first_label = next(body.iter("b"), None)
    if first_label is None:
        return {}
    values = {}
    for label in first_label.getparent().iterchildren("b"):
        texts, elements = [label.tail or ""], []
        sibling = label.getnext()
        while sibling is not None and sibling.tag != "b":
            if sibling.tag != "br" and isinstance(sibling.tag, str):
                elements.append(sibling)
                texts.append(sibling.text_content())
            texts.append(sibling.tail or "")
            sibling = sibling.getnext()
        name = element_text(label).rstrip(":").strip().lower()
        values[name] = _LabelledValue(clean_text(" ".join(texts)), elements)
    return values


def _apply_fanficfare_values(work: ImportedWork, values: dict[str, _LabelledValue]) -> None:
    def text(label: str) -> str:
        return values[label].text if label in values else ""

    for label, field_name in _FANFICFARE_LIST_FIELDS.items():
        if label in values:
            getattr(work, field_name).extend(comma_list(text(label)))
    # FanFicFare mixes AO3's categories ("M/M") into its genre list with the additional tags.
    for tag in comma_list(text("genre")):
        (work.categories if tag in _AO3_CATEGORIES else work.freeforms).append(tag)
    work.rating = text("rating")
    work.language = text("language")
    work.published_on = parse_date(text("published"))
    work.updated_on = parse_date(text("updated"))
    work.source_url = normalise_work_url(text("story url"))
    summary = values.get("summary")
    if summary is not None:
        work.summary_html = "".join(_outer_or_inner(element) for element in summary.elements)
    if "series" in values:
        work.series = _fanficfare_series(values["series"])
    _apply_status(work, text("status"), _chapter_count(text("chapters")))


def _outer_or_inner(element: HtmlElement) -> str:
    # The summary comes wrapped in a div.userstuff: keep what is inside it.
    if element.tag == "div":
        return inner_html(element)
    return str(lxml.html.tostring(element, encoding="unicode", with_tail=False))


def _fanficfare_series(value: _LabelledValue) -> list[ImportedSeriesPart]:
    """FanFicFare writes a series as "Title [2]", usually linked to the series page."""
    match = re.match(r"^(?P<title>.*?)\s*\[(?P<position>\d+)\]$", value.text)
    title = match.group("title") if match else value.text
    position = int(match.group("position")) if match else None
    links = (normalise_series_url(a.get("href")) for e in value.elements for a in e.iter("a"))
    return [ImportedSeriesPart(title, position, next(filter(None, links), ""))] if title else []


def _apply_status(work: ImportedWork, status: str, chapter_count: int | None) -> None:
    if status.lower() == "completed":
        work.expected_chapter_count = chapter_count
        # AO3 only dates the completion of works posted in several chapters.
        if chapter_count and chapter_count > 1:
            work.completed_on = work.updated_on


def _chapter_count(text: str) -> int | None:
    match = re.match(r"^\s*([\d,]+)", text)
    return int(match.group(1).replace(",", "")) if match else None


def _read_fanficfare_chapter(
    document: EpubDocument, position: int
) -> tuple[ImportedChapter, str, str]:
    """The chapter, plus the work's own notes when FanFicFare put them in this chapter."""
    body = copy.deepcopy(document.body)
    text_block = next((d for d in body.iter("div") if has_class(d, "userstuff")), None)
    chapter = ImportedChapter(title=chapter_title(_fanficfare_chapter_title(document), position))
    work_notes = work_end_notes = ""
    for label in list(body.iter("b")):
        name = element_text(label).rstrip(":").strip().lower()
        notes = labelled_blockquote(label)
        if name not in _FANFICFARE_NOTE_LABELS or notes is None or _is_inside(label, text_block):
            continue
        before_text = text_block is None or _precedes(label, text_block)
        notes_html = inner_html(notes)
        if name == "author's note" and before_text:
            work_notes = notes_html
        elif name == "author's note":
            work_end_notes = notes_html
        elif name == "summary for the chapter":
            chapter.summary_html = notes_html
        elif before_text:
            chapter.notes_html = notes_html
        else:
            chapter.end_notes_html = notes_html
        remove_elements([notes, label])
    chapter.text_html = _fanficfare_text(body, text_block)
    return chapter, work_notes, work_end_notes


def _fanficfare_chapter_title(document: EpubDocument) -> str:
    for name in ("chaptertitle", "chapterorigtitle"):
        content = xpath_texts(document.root, "//meta[@name=$name]/@content", name=name)
        if content:
            return clean_text(content[0])
    heading = next((h for h in document.body.iter("h3") if has_class(h, "fff_chapter_title")), None)
    return element_text(heading) if heading is not None else ""


def _fanficfare_text(body: HtmlElement, text_block: HtmlElement | None) -> str:
    if text_block is not None:
        remove_elements([h for h in text_block.iter("h3") if has_class(h, "landmark")])
        return inner_html(text_block)
    # Sites other than AO3: the chapter is the story div, minus FanFicFare's additions.
    story = next((d for d in body.iter("div") if has_class(d, "story")), body)
    remove_elements([e for e in story.iter() if has_class(e, "fff_chapter_title")])
    return inner_html(story)


def _is_inside(element: HtmlElement, container: HtmlElement | None) -> bool:
    return container is not None and any(a is container for a in element.iterancestors())


def _precedes(element: HtmlElement, other: HtmlElement) -> bool:
    for candidate in element.getroottree().iter():
        if candidate is element:
            return True
        if candidate is other:
            return False
    return False

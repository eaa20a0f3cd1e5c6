"""FicHub's EPUBs: a title page of ``Label: value`` paragraphs, AO3 work-page markup per chapter."""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml.html import HtmlElement

from ficshelf.core.parsing import parse_id
from ficshelf.importers.ao3_markup import (
    chapter_title,
    clean_text,
    element_text,
    has_class,
    inner_html,
    normalise_work_url,
    pseud_name,
    remove_elements,
)
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed
from ficshelf.importers.epub.common import comma_list, parse_date, reading_documents
from ficshelf.importers.epub.container import EpubBook, EpubDocument

_FICHUB_LIST_FIELDS = {
    "fandoms": "fandoms",
    "fandom": "fandoms",
    "relationships": "relationships",
    "characters": "characters",
    "additional tags": "freeforms",
    "categories": "categories",
    "category": "categories",
    "warnings": "warnings",
    "archive warnings": "warnings",
    "collections": "collections",
}


def read_fichub(book: EpubBook) -> ImportedWork:
    documents = reading_documents(book)
    toc_labels = {entry.path: entry.label for entry in book.toc}
    work = ImportedWork(title="", chapters=[], source_format="epub-fichub")
    chapter_documents = []
    for document in documents:
        if _is_fichub_chapter(document):
            chapter_documents.append(document)
        elif document.body.find(".//h3/a") is not None and not work.title:
            _read_fichub_title_page(work, document.body)
        else:
            _read_fichub_work_notes(work, document.body)
    for position, document in enumerate(chapter_documents, start=1):
        label = toc_labels.get(document.path, "")
        work.chapters.append(_read_ao3_workpage_chapter(document.body, position, label))
    if not work.chapters:
        raise ImportFailed("this FicHub EPUB has no chapters")
    return work


def _is_fichub_chapter(document: EpubDocument) -> bool:
    return any(has_class(h3, "landmark") for h3 in document.body.iter("h3"))


def _read_fichub_title_page(work: ImportedWork, body: HtmlElement) -> None:
    """``<h3><a href=work>Title</a> by creator</h3>`` then ``<p>Label: value</p>`` lines."""
    heading = body.find(".//h3")
    link = heading.find(".//a") if heading is not None else None
    if heading is not None and link is not None:
        work.title = element_text(link)
        work.source_url = normalise_work_url(link.get("href"))
        byline = re.sub(r"^\s*by\s+", "", clean_text(link.tail))
        work.creators = [pseud_name(name) for name in comma_list(byline)]
    for line in body.iter("p", "div"):
        label, _, value = element_text(line).partition(":")
        label = label.strip().lower()
        if label == "summary":
            work.summary_html = _html_after_label(line)
        else:
            _apply_fichub_value(work, label, value.strip())


def _apply_fichub_value(work: ImportedWork, label: str, value: str) -> None:
    if label in _FICHUB_LIST_FIELDS:
        getattr(work, _FICHUB_LIST_FIELDS[label]).extend(comma_list(value))
    elif label == "rating":
        work.rating = value
    elif label == "language":
        work.language = value
    elif label in ("published", "updated", "completed"):
        setattr(work, f"{label}_on", parse_date(value))
    elif label == "chapters" and "/" in value:
        expected = value.split("/", 1)[1].strip().replace(",", "")
        work.expected_chapter_count = parse_id(expected)


def _html_after_label(line: HtmlElement) -> str:
    """``<div>Summary: <p>...</p></div>`` -> the paragraphs."""
    return "".join(str(lxml.html.tostring(child, encoding="unicode")) for child in line).strip()


def _read_fichub_work_notes(work: ImportedWork, body: HtmlElement) -> None:
    for block in body.iter("div"):
        notes = block.find(".//blockquote")
        if not has_class(block, "notes") or notes is None:
            continue
        if has_class(block, "end"):
            work.end_notes_html = work.end_notes_html or inner_html(notes)
        else:
            work.notes_html = work.notes_html or inner_html(notes)


def _read_ao3_workpage_chapter(body: HtmlElement, position: int, toc_label: str) -> ImportedChapter:
    """One chapter in AO3's work-page markup: ``h3.title``, ``#summary``, ``#notes``, text."""
    body = copy.deepcopy(body)
    heading = next((h for h in body.iter("h3") if has_class(h, "title")), None)
    title = _workpage_chapter_title(heading) if heading is not None else None
    chapter = ImportedChapter(title=chapter_title(toc_label, position) if title is None else title)
    for block in list(body.iter("div")):
        notes = block.find(".//blockquote")
        if notes is None or block.getparent() is None:
            continue
        if block.get("id") == "summary" or has_class(block, "summary"):
            chapter.summary_html = inner_html(notes)
        elif has_class(block, "notes") and has_class(block, "end"):
            chapter.end_notes_html = inner_html(notes)
        elif block.get("id") == "notes" or has_class(block, "notes"):
            chapter.notes_html = inner_html(notes)
        else:
            continue
        remove_elements([block])
    text_block = next((d for d in body.iter("div") if has_class(d, "userstuff")), body)
    remove_elements([h for h in text_block.iter("h3") if has_class(h, "landmark")])
    chapter.text_html = inner_html(text_block)
    return chapter


def _workpage_chapter_title(heading: HtmlElement) -> str:
    """``<h3 class="title"><a>Chapter 2</a>: Fog</h3>`` -> "Fog"; "" when untitled."""
    link = heading.find("a")
    if link is not None and re.fullmatch(r"Chapter \d+", element_text(link)):
        return clean_text(link.tail).removeprefix(":").strip()
    return element_text(heading)

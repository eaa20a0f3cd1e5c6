"""AO3 EPUBs that lost AO3's markup: calibre's conversion of AO3's Kindle (MOBI) file."""

from __future__ import annotations

import copy

import lxml.html
from lxml.html import HtmlElement

from ficshelf.importers.ao3_markup import (
    apply_tag_block,
    chapter_title,
    clean_text,
    element_text,
    has_class,
    inner_html,
    iter_elements,
    labelled_blockquote,
    normalise_work_url,
    pseud_name,
    read_tag_block,
    remove_elements,
)
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed
from ficshelf.importers.epub.common import Section, reading_documents, toc_sections
from ficshelf.importers.epub.container import EpubBook

_HEADING_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")


def read_ao3_flattened(book: EpubBook) -> ImportedWork:
    """An AO3 EPUB whose divs are gone (calibre's conversion of AO3's MOBI file).

    What survives: the table of contents ("Preface", one entry per chapter, "Afterword"),
    the tags as "Rating:" paragraphs each followed by a blockquote, and the "Summary",
    "Notes", "Chapter Notes"... paragraphs before the blockquotes that hold them.
    """
    sections = toc_sections(book.toc, reading_documents(book))
    preface = sections.pop(0) if sections and sections[0].label.lower() == "preface" else None
    afterword = sections.pop() if sections and sections[-1].label.lower() == "afterword" else None
    work = ImportedWork(title="", chapters=[], source_format="epub-ao3")
    if preface is not None:
        _read_flattened_preface(work, preface.content())
    if afterword is not None:
        notes = _take_labelled_notes(afterword.content(), {"end notes": "end_notes_html"})
        work.end_notes_html = notes.get("end_notes_html", "")
    work.chapters = [
        _read_flattened_chapter(section, position)
        for position, section in enumerate(sections, start=1)
    ]
    if not work.chapters:
        raise ImportFailed("this AO3 EPUB has no chapters in its table of contents")
    return work


def _read_flattened_preface(work: ImportedWork, preface: HtmlElement) -> None:
    apply_tag_block(work, read_tag_block(_labelled_pairs_as_list(preface)))
    notes = _take_labelled_notes(preface, {"summary": "summary_html", "notes": "notes_html"})
    work.summary_html = notes.get("summary_html", "")
    work.notes_html = notes.get("notes_html", "")
    message = next(
        (p for p in preface.iter("p") if "Posted originally on" in element_text(p)), None
    )
    if message is not None:
        title = next(iter(message.iter("b", "span", "strong")), None)
        work.title = element_text(title) if title is not None else ""
        links = (normalise_work_url(link.get("href")) for link in message.iter("a"))
        work.source_url = next(filter(None, links), "")
    byline = next((p for p in preface.iter("p") if element_text(p).startswith("by ")), None)
    if byline is not None:
        work.creators = [
            pseud_name(element_text(link))
            for link in byline.iter("a")
            if "/users/" in (link.get("href") or "")
        ]


def _labelled_pairs_as_list(container: HtmlElement) -> HtmlElement:
    """Rebuild AO3's tag ``dl`` from "Rating:" paragraphs each followed by a blockquote."""
    tag_list = lxml.html.Element("dl")
    for paragraph in list(container.iter("p")):
        label = element_text(paragraph)
        value = labelled_blockquote(paragraph)
        if label.endswith(":") and value is not None:
            term = lxml.html.Element("dt")
            term.text = label
            definition = copy.deepcopy(value)
            definition.tag = "dd"
            tag_list.extend([term, definition])
    return tag_list


def _take_labelled_notes(container: HtmlElement, fields: dict[str, str]) -> dict[str, str]:
    """Notes that follow a label paragraph ("Chapter Notes"), removed from the container."""
    found = {}
    for paragraph in list(container.iter("p")):
        field_name = fields.get(element_text(paragraph).lower())
        value = labelled_blockquote(paragraph)
        if field_name and value is not None and field_name not in found:
            found[field_name] = inner_html(value)
            remove_elements([value, paragraph])
    return found


def _read_flattened_chapter(section: Section, position: int) -> ImportedChapter:
    content = section.content()
    notes = _take_labelled_notes(
        content,
        {
            "chapter summary": "summary_html",
            "chapter notes": "notes_html",
            "chapter end notes": "end_notes_html",
        },
    )
    remove_flattened_furniture(content, heading=section.label)
    return ImportedChapter(
        title=chapter_title(section.label, position),
        summary_html=notes.get("summary_html", ""),
        notes_html=notes.get("notes_html", ""),
        end_notes_html=notes.get("end_notes_html", ""),
        text_html=inner_html(content),
    )


def remove_flattened_furniture(content: HtmlElement, *, heading: str) -> None:
    """Drop what the converter kept of AO3's page furniture around the chapter text."""
    elements = [element for element in iter_elements(content) if element is not content]
    heading_paragraph = next(
        (
            p
            for p in elements
            if p.tag in _HEADING_TAGS and heading and element_text(p) == clean_text(heading)
        ),
        None,
    )
    for element in elements:
        if element is heading_paragraph or _is_furniture(element):
            remove_elements([element])
    _strip_empty_edges(content)


def _is_furniture(element: HtmlElement) -> bool:
    """AO3 furniture: the "See the end of the chapter for notes" line, a "Chapter Notes" label
    announcing only that line (AO3 prints it when a chapter has end notes only), and Kindle
    page-break markers."""
    if has_class(element, "mbp_pagebreak"):
        return True
    if element.tag != "p":
        return False
    text = element_text(element)
    following = element.getnext()
    announces_jump = following is not None and _is_notes_jump(following)
    return _is_notes_jump(element) or (text in ("Chapter Notes", "Notes") and announces_jump)


def _is_notes_jump(element: HtmlElement) -> bool:
    return element.tag == "p" and element_text(element).startswith("See the end of the chapter")


def _strip_empty_edges(content: HtmlElement) -> None:
    """Kindle conversions leave empty anchor paragraphs where the chapter starts and ends."""
    for edge in (list(content), list(reversed(content))):
        for child in edge:
            if element_text(child) or child.find(".//img") is not None:
                break
            remove_elements([child])

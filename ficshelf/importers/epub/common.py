"""What several producers' readers share: the pages to read, TOC sections, value parsing."""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

from ficshelf.importers.epub.container import EpubBook, EpubDocument, TocEntry

FORMAT = "epub"


def reading_documents(book: EpubBook) -> list[EpubDocument]:
    """The spine without calibre's additions: its cover page and Kindle inline contents."""
    return [
        document
        for document in book.documents
        if not document.root.xpath("//meta[@name='calibre:cover']")
        and document.body.get("id") != "calibre_generated_inline_toc"
    ]


@dataclass
class Section:
    """The documents from one table-of-contents entry up to the next."""

    label: str
    documents: list[EpubDocument]

    def content(self) -> HtmlElement:
        """One ``div`` holding copies of the section's body contents, in order."""
        container = lxml.html.Element("div")
        for document in self.documents:
            container.extend(copy.deepcopy(child) for child in document.body)
        return container


def toc_sections(toc: list[TocEntry], documents: list[EpubDocument]) -> list[Section]:
    first_label: dict[str, str] = {}
    for entry in toc:
        first_label.setdefault(entry.path, entry.label)
    sections: list[Section] = []
    for document in documents:
        if document.path in first_label or not sections:
            sections.append(Section(first_label.get(document.path, ""), [document]))
        else:
            sections[-1].documents.append(document)
    return sections


def comma_list(text: str) -> list[str]:
    # AO3 tag names cannot contain commas, so a comma always separates two tags.
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_date(text: str) -> datetime.date | None:
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if not match:
        return None
    try:
        return datetime.date.fromisoformat(match.group(0))
    except ValueError:
        return None

"""EPUB 3, written by the project (docs/design.md), checked with epubcheck in the tests.

The book holds a preface, one XHTML file per chapter and an afterword, with an EPUB 3
navigation document and an NCX for older readers. An omnibus (a series or a reading list as
one book) holds a contents page, then each work's preface, chapters and afterword. The
pages carry AO3's download markup (``#preface``, ``dl.tags``, ``h2.heading``, label
paragraphs), the markup AO3's own EPUBs keep, so our EPUB importer reads our books as it
reads AO3's.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string

from ficshelf.downloads.document import ChapterDocument, SeriesPart, WorkDocument
from ficshelf.downloads.exporters.txt import html_paragraphs
from ficshelf.downloads.xhtml import clean_text, to_xhtml

MEDIA_TYPE = "application/epub+zip"
# zlib's level 3 instead of its default 6: measured on a 300,000-word work, a third of the
# time for a file 10% larger (bench/RESULTS.md); most of an EPUB's making is its deflating.
COMPRESS_LEVEL = 3


@dataclass(frozen=True)
class _Page:
    id: str
    href: str
    label: str
    # Entries under this one in the table of contents (an omnibus's works' chapters).
    children: tuple[_Page, ...] = ()


@dataclass(frozen=True)
class _Book:
    """The package's metadata: one work's, or an omnibus's gathered from its works."""

    identifier: str
    title: str
    creators: list[str]
    languages: list[str]  # the first is the book's own
    publisher: str
    date: datetime.date | None
    source: str
    description: str
    subjects: list[str]
    series: list[SeriesPart]
    modified_at: datetime.datetime

    @property
    def lang(self) -> str:
        return self.languages[0] if self.languages else "und"

    @property
    def description_paragraphs(self) -> list[str]:
        return [part for part in self.description.split("\n\n") if part.strip()]


def export_epub(doc: WorkDocument) -> bytes:
    doc = as_xhtml(doc)
    book = _Book(
        identifier=book_identifier(doc.work_url),
        title=doc.title,
        creators=[creator.name for creator in doc.creators],
        languages=[doc.language_code],
        publisher=doc.site_name,
        date=doc.published_on,
        source=doc.work_url,
        description="\n\n".join(html_paragraphs(doc.summary_html)),
        subjects=doc.tag_names,
        series=doc.series,
        modified_at=doc.modified_at,
    )
    members: dict[str, str] = {}
    pages = _add_work(members, doc, prefix="")
    return _package(book, members, pages, toc=pages, body_start=pages[1])


def export_omnibus(
    title: str, source_url: str, docs: list[WorkDocument], *, description: str = ""
) -> bytes:
    """Many works as one book (a series, a reading list), each with its own preface,
    chapters and afterword, and a table of contents of works and their chapters."""
    if not docs:
        raise ValueError("An omnibus needs at least one work.")
    docs = [as_xhtml(doc) for doc in docs]
    book = _Book(
        identifier=book_identifier(source_url),
        title=title,
        creators=_unique(creator.name for doc in docs for creator in doc.creators),
        languages=_unique(doc.language_code for doc in docs),
        publisher=docs[0].site_name,
        date=min((doc.published_on for doc in docs if doc.published_on), default=None),
        source=source_url,
        description=description,
        subjects=_unique(name for doc in docs for name in doc.tag_names),
        series=[],
        modified_at=max(doc.modified_at for doc in docs),
    )
    members = {
        "OEBPS/contents.xhtml": _page(
            {"book": book, "docs": docs, "lang": book.lang},
            title,
            "downloads/epub/omnibus_contents.xhtml",
        )
    }
    contents = _Page("contents", "contents.xhtml", "Works in this book")
    pages, toc = [contents], [contents]
    for number, doc in enumerate(docs, start=1):
        work_pages = _add_work(members, doc, prefix=f"work{number}-")
        pages += work_pages
        preface = work_pages[0]
        toc.append(
            dataclasses.replace(
                preface, label=f"{doc.title} by {doc.byline}", children=tuple(work_pages[1:-1])
            )
        )
    return _package(book, members, pages, toc=toc, body_start=pages[1])


def _add_work(members: dict[str, str], doc: WorkDocument, *, prefix: str) -> list[_Page]:
    """Write one work's preface, chapters and afterword into ``members``; their pages."""
    afterword = _Page(f"{prefix}afterword", f"{prefix}afterword.xhtml", "Afterword")
    preface = _Page(f"{prefix}preface", f"{prefix}preface.xhtml", "Preface")
    context = {"doc": doc, "lang": doc.language_code, "afterword_href": afterword.href}
    members[f"OEBPS/{preface.href}"] = _page(context, doc.title, "downloads/_preface.html")
    pages = [preface]
    for chapter in doc.chapters:
        page = _Page(
            f"{prefix}chapter{chapter.position}",
            f"{prefix}chapter{chapter.position}.xhtml",
            _toc_label(doc, chapter),
        )
        members[f"OEBPS/{page.href}"] = _page(
            {**context, "chapter": chapter}, page.label, "downloads/epub/chapter.xhtml"
        )
        pages.append(page)
    members[f"OEBPS/{afterword.href}"] = _page(context, "Afterword", "downloads/_afterword.html")
    return [*pages, afterword]


def _package(
    book: _Book, members: dict[str, str], pages: list[_Page], *, toc: list[_Page],
    body_start: _Page,
) -> bytes:  # fmt: skip
    """The container, the package document, both tables of contents and the style around
    the pages in ``members``."""
    ncx_points, play_order = [], 0
    for entry in toc:
        play_order += 1
        children = []
        for child in entry.children:
            play_order += 1
            children.append((child, play_order))
        ncx_points.append((entry, play_order - len(children), children))
    context = {
        "book": book,
        "lang": book.lang,
        "pages": pages,
        "toc": toc,
        "ncx_points": ncx_points,
        "ncx_depth": 2 if any(entry.children for entry in toc) else 1,
        "body_start": body_start,
        "modified": _utc_timestamp(book.modified_at),
    }
    front = {
        "META-INF/container.xml": render_to_string("downloads/epub/container.xml"),
        "OEBPS/content.opf": render_to_string("downloads/epub/content.opf", context),
        "OEBPS/toc.ncx": render_to_string("downloads/epub/toc.ncx", context),
        "OEBPS/style.css": render_to_string("downloads/style.css"),
        "OEBPS/nav.xhtml": _page(context, "Contents", "downloads/epub/nav.xhtml"),
    }
    return _zip({**front, **members}, book.modified_at)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def book_identifier(source_url: str) -> str:
    """Stable per work or series (and per archive address), so readers see a new version
    as the same book."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, source_url)}"


def _toc_label(doc: WorkDocument, chapter: ChapterDocument) -> str:
    return chapter.heading if doc.has_chapter_headings else doc.title


def _page(context: dict[str, object], title: str, template: str) -> str:
    content = render_to_string(template, context)
    return render_to_string(
        "downloads/epub/page.xhtml",
        {"lang": context["lang"], "page_title": title, "content": content},
    )


def as_xhtml(doc: WorkDocument) -> WorkDocument:
    return dataclasses.replace(
        doc,
        summary_html=to_xhtml(doc.summary_html),
        notes_html=to_xhtml(doc.notes_html),
        end_notes_html=to_xhtml(doc.end_notes_html),
        chapters=[
            dataclasses.replace(
                chapter,
                summary_html=to_xhtml(chapter.summary_html),
                notes_html=to_xhtml(chapter.notes_html),
                end_notes_html=to_xhtml(chapter.end_notes_html),
                text_html=to_xhtml(chapter.text_html),
            )
            for chapter in doc.chapters
        ],
    )


def _utc_timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _zip(members: dict[str, str], modified_at: datetime.datetime) -> bytes:
    date_time = modified_at.astimezone(datetime.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The EPUB container wants "mimetype" first, stored uncompressed, with no extra field.
        archive.writestr(zipfile.ZipInfo("mimetype", date_time), MEDIA_TYPE, zipfile.ZIP_STORED)
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time)
            data = clean_text(text).encode()
            archive.writestr(info, data, zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()

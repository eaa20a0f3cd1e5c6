"""EPUB 3, written by the project (DESIGN.md), checked with epubcheck in the tests.

The book holds a preface, one XHTML file per chapter and an afterword, with an EPUB 3
navigation document and an NCX for older readers. The pages carry AO3's download markup
(``#preface``, ``dl.tags``, ``h2.heading``, label paragraphs), the markup AO3's own EPUBs
keep, so our EPUB importer reads our books as it reads AO3's.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string

from ficshelf.downloads.document import ChapterDocument, WorkDocument
from ficshelf.downloads.exporters.txt import html_paragraphs
from ficshelf.downloads.xhtml import clean_text, to_xhtml

MEDIA_TYPE = "application/epub+zip"


@dataclass(frozen=True)
class _Page:
    id: str
    href: str
    label: str


def export_epub(doc: WorkDocument) -> bytes:
    doc = as_xhtml(doc)
    lang = doc.language_code
    identifier = book_identifier(doc.work_url)
    pages = [
        _Page("preface", "preface.xhtml", "Preface"),
        *(
            _Page(f"chapter{c.position}", f"chapter{c.position}.xhtml", _toc_label(doc, c))
            for c in doc.chapters
        ),
        _Page("afterword", "afterword.xhtml", "Afterword"),
    ]
    context = {
        "doc": doc,
        "lang": lang,
        "identifier": identifier,
        "pages": pages,
        "toc": pages,
        "modified": _utc_timestamp(doc.modified_at),
        "summary_text": "\n\n".join(html_paragraphs(doc.summary_html)),
        "afterword_href": "afterword.xhtml",
    }
    members = {
        "META-INF/container.xml": render_to_string("downloads/epub/container.xml"),
        "OEBPS/content.opf": render_to_string("downloads/epub/content.opf", context),
        "OEBPS/toc.ncx": render_to_string("downloads/epub/toc.ncx", context),
        "OEBPS/style.css": render_to_string("downloads/style.css"),
        "OEBPS/nav.xhtml": _page(context, "Contents", "downloads/epub/nav.xhtml"),
        "OEBPS/preface.xhtml": _page(context, doc.title, "downloads/_preface.html"),
    }
    for chapter in doc.chapters:
        members[f"OEBPS/chapter{chapter.position}.xhtml"] = _page(
            {**context, "chapter": chapter},
            _toc_label(doc, chapter),
            "downloads/epub/chapter.xhtml",
        )
    members["OEBPS/afterword.xhtml"] = _page(context, "Afterword", "downloads/_afterword.html")
    return _zip(members, doc.modified_at)


def book_identifier(work_url: str) -> str:
    """Stable per work (and per archive address), so readers see a new version as the same book."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, work_url)}"


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
            archive.writestr(info, clean_text(text).encode(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()

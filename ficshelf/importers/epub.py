"""Importer for EPUB files: AO3's own, FanFicFare's and FicHub's, and any other EPUB.

An EPUB is a zip archive: ``META-INF/container.xml`` names the package file (OPF), whose
manifest and spine give the XHTML documents in reading order and whose metadata holds the
title, creators, language and (from calibre) the series. Who made the file decides how its
pages are read:

- AO3 (made by calibre from AO3's HTML download, split over several XHTML files): the
  documents are handed, in order, to the HTML-download importer. A Kindle file converted
  back by calibre may have lost that markup (MOBI keeps no ``div`` ids); it is then read
  from the table of contents and the "Summary"/"Notes" label paragraphs.
- FanFicFare: a title page of ``<b>Label:</b> value`` lines and one file per chapter.
- FicHub: a title page of ``Label: value`` paragraphs, and AO3 work-page markup per chapter.
- anything else: OPF metadata and one chapter per table-of-contents entry.

The archive is untrusted: sizes, paths and XML are checked before anything is read.
"""

from __future__ import annotations

import codecs
import copy
import datetime
import pathlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import unquote

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from ficshelf.importers.ao3_download import parse_download_html
from ficshelf.importers.ao3_markup import (
    apply_tag_block,
    chapter_title,
    clean_text,
    element_text,
    has_class,
    inner_html,
    iter_elements,
    labelled_blockquote,
    normalise_series_url,
    normalise_work_url,
    parse_html_document,
    pseud_name,
    read_tag_block,
)
from ficshelf.importers.base import (
    ImportedChapter,
    ImportedSeriesPart,
    ImportedWork,
    ImportFailed,
)

FORMAT = "epub"

# Real fanfic EPUBs are a few MB at most (images included); an archive that would unpack to
# more is refused as a possible zip bomb before anything is decompressed.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_COUNT = 10_000

_ZIP_MAGIC = b"PK\x03\x04"
_EPUB_MIMETYPE = b"application/epub+zip"
_CONTAINER_PATH = "META-INF/container.xml"
_DC = "http://purl.org/dc/elements/1.1/"
_HTML_MEDIA_TYPES = {"application/xhtml+xml", "text/html"}
_NCX_MEDIA_TYPE = "application/x-dtbncx+xml"
# Every way zipfile and zlib report a damaged or unsupported member.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_AO3_CATEGORIES = {"F/F", "F/M", "Gen", "M/M", "Multi", "Other"}
# AO3 shows languages by name; EPUBs carry a code. The languages AO3 has the most works in.
_LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português europeu",
    "pt-br": "Português brasileiro",
    "ru": "Русский",
    "zh": "中文-普通话 國語",
    "ja": "日本語",
    "ko": "한국어",
    "pl": "Polski",
    "nl": "Nederlands",
}


def can_parse(path: pathlib.Path, head: bytes) -> bool:
    if not head.startswith(_ZIP_MAGIC):
        return False
    return _stored_mimetype(head) == _EPUB_MIMETYPE or path.suffix.lower() == ".epub"


def _stored_mimetype(head: bytes) -> bytes:
    """The content of a leading uncompressed ``mimetype`` member, as the EPUB spec requires."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[30 : 30 + name_length] != b"mimetype":
        return b""
    start = 30 + name_length + extra_length
    return head[start : start + len(_EPUB_MIMETYPE)]


def parse(path: pathlib.Path) -> ImportedWork:
    book = read_epub(path)
    reader = _READERS[_producer(book)]
    work = reader(book)
    _fill_from_package(work, book.metadata)
    if not work.title:
        work.title = path.stem
    return work


# --- the container ---------------------------------------------------------------------


@dataclass
class PackageMetadata:
    title: str = ""
    creators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    publisher: str = ""
    language: str = ""
    subjects: list[str] = field(default_factory=list)
    description_html: str = ""
    identifiers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    series_title: str = ""
    series_index: int | None = None


@dataclass
class EpubDocument:
    path: str  # the member's path inside the archive
    text: str

    @cached_property
    def root(self) -> HtmlElement:
        return parse_html_document(self.text)

    @property
    def body(self) -> HtmlElement:
        body = self.root.find("body")
        return body if body is not None else self.root


@dataclass
class TocEntry:
    label: str
    path: str  # the document it points to, without the "#fragment"


@dataclass
class EpubBook:
    metadata: PackageMetadata
    documents: list[EpubDocument]  # the readable spine documents, in reading order
    toc: list[TocEntry]


@dataclass
class _ManifestItem:
    path: str
    media_type: str
    properties: str


def read_epub(path: pathlib.Path) -> EpubBook:
    """Open and check the archive and read the package; ImportFailed says what is wrong."""
    with _open_zip(path) as zip_file:
        archive = _Archive(zip_file)
        opf_path = _package_path(archive)
        package = _parse_xml(archive.read(opf_path), opf_path)
        manifest = _read_manifest(package, posixpath.dirname(opf_path))
        documents = _read_spine(archive, package, manifest)
        toc = _read_toc(archive, package, manifest)
        return EpubBook(_read_metadata(package), documents, toc)


def _open_zip(path: pathlib.Path) -> zipfile.ZipFile:
    try:
        if not zipfile.is_zipfile(path):
            raise ImportFailed("this is not an EPUB: EPUB files are zip archives and this is not")
        return zipfile.ZipFile(path)
    except (OSError, *_ZIP_ERRORS) as error:
        raise ImportFailed(f"this EPUB's zip archive is damaged ({error})") from None


class _Archive:
    """Reads members by name, refusing unsafe names and more data than an EPUB can hold."""

    def __init__(self, zip_file: zipfile.ZipFile) -> None:
        members = zip_file.infolist()
        _check_members(members)
        self._zip = zip_file
        self._names = {member.filename for member in members}
        # Some tools write "META-INF/Container.xml" or link "Chapter1.xhtml" as "chapter1.xhtml".
        self._by_lower_name = {member.filename.lower(): member.filename for member in members}
        self._bytes_left = MAX_UNCOMPRESSED_BYTES

    def has(self, name: str) -> bool:
        return name in self._names or name.lower() in self._by_lower_name

    def read(self, name: str) -> bytes:
        if not self.has(name):
            raise ImportFailed(f"this EPUB is incomplete: {name} is missing")
        stored_name = name if name in self._names else self._by_lower_name[name.lower()]
        try:
            with self._zip.open(stored_name) as member:
                # Read one byte past the allowance: sizes declared in the archive can lie.
                data = member.read(self._bytes_left + 1)
        except _ZIP_ERRORS as error:
            raise ImportFailed(f"this EPUB's zip archive is damaged at {name} ({error})") from None
        self._bytes_left -= len(data)
        if self._bytes_left < 0:
            raise _too_large()
        return data


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBER_COUNT:
        raise ImportFailed(f"this EPUB holds {len(members)} files, more than an e-book can need")
    for member in members:
        if _points_outside(member.filename):
            raise ImportFailed(
                f"this EPUB contains a path that points outside the archive "
                f"({member.filename!r}): refusing it"
            )
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise _too_large()


def _points_outside(name: str) -> bool:
    name = name.replace("\\", "/")
    return name.startswith("/") or bool(re.match(r"^[A-Za-z]:", name)) or ".." in name.split("/")


def _too_large() -> ImportFailed:
    limit_mb = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return ImportFailed(
        f"this EPUB would unpack to more than {limit_mb} MB, far more than an e-book needs: "
        "refusing it as a possible zip bomb"
    )


def _parse_xml(data: bytes, name: str) -> lxml.etree._Element:
    # No entities, DTDs or network: package files come from strangers (XXE, billion laughs).
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=True
    )
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as error:
        raise ImportFailed(f"{name} in this EPUB is not readable XML ({error})") from None
    if root is None:
        raise ImportFailed(f"{name} in this EPUB is empty or not XML")
    return root


def _package_path(archive: _Archive) -> str:
    if not archive.has(_CONTAINER_PATH):
        raise ImportFailed(
            f"this EPUB has no {_CONTAINER_PATH}, so its contents cannot be found "
            "(is it an EPUB at all?)"
        )
    container = _parse_xml(archive.read(_CONTAINER_PATH), _CONTAINER_PATH)
    for rootfile in container.iter("{*}rootfile"):
        media_type = rootfile.get("media-type") or "application/oebps-package+xml"
        full_path = rootfile.get("full-path")
        if full_path and media_type == "application/oebps-package+xml":
            package_path = _resolve_href("", full_path)
            if package_path and archive.has(package_path):
                return package_path
            raise ImportFailed(f"this EPUB's package file {full_path} is missing")
    raise ImportFailed(f"this EPUB's {_CONTAINER_PATH} names no package file (OPF)")


def _resolve_href(base_dir: str, href: str) -> str:
    """The archive path an href points to; "" for links to the web."""
    href = unquote(href.split("#", 1)[0]).replace("\\", "/").strip()
    if not href or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
        return ""
    resolved = posixpath.normpath(posixpath.join(base_dir, href))
    if href.startswith("/") or resolved == ".." or resolved.startswith("../"):
        raise ImportFailed(f"this EPUB links to a file outside the archive ({href!r}): refusing it")
    return resolved


def _read_manifest(package: lxml.etree._Element, base_dir: str) -> dict[str, _ManifestItem]:
    manifest = {}
    for item in package.iterfind("{*}manifest/{*}item"):
        path = _resolve_href(base_dir, item.get("href") or "")
        if path and item.get("id"):
            media_type = (item.get("media-type") or "").lower()
            manifest[item.get("id", "")] = _ManifestItem(
                path, media_type, item.get("properties") or ""
            )
    return manifest


def _read_spine(
    archive: _Archive, package: lxml.etree._Element, manifest: dict[str, _ManifestItem]
) -> list[EpubDocument]:
    items = [
        manifest.get(ref.get("idref") or "") for ref in package.iterfind("{*}spine/{*}itemref")
    ]
    documents = [
        EpubDocument(item.path, _decode(archive.read(item.path)))
        for item in items
        if item is not None and _is_html(item)
    ]
    documents = [document for document in documents if document.text.strip()]
    if not documents:
        raise ImportFailed("this EPUB has no readable pages (its spine lists no XHTML files)")
    return documents


def _is_html(item: _ManifestItem) -> bool:
    return item.media_type in _HTML_MEDIA_TYPES or item.path.lower().endswith(
        (".xhtml", ".html", ".htm")
    )


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.match(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)""", data)
    try:
        return data.decode(declared.group(1).decode() if declared else "cp1252", errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def _read_toc(
    archive: _Archive, package: lxml.etree._Element, manifest: dict[str, _ManifestItem]
) -> list[TocEntry]:
    """The table of contents from the EPUB 2 NCX, or else the EPUB 3 navigation document."""
    spine = package.find("{*}spine")
    ncx = manifest.get(spine.get("toc") or "") if spine is not None else None
    ncx = ncx or next((i for i in manifest.values() if i.media_type == _NCX_MEDIA_TYPE), None)
    if ncx is not None and archive.has(ncx.path):
        return _read_ncx(_parse_xml(archive.read(ncx.path), ncx.path), ncx.path)
    nav = next((i for i in manifest.values() if "nav" in i.properties.split()), None)
    if nav is not None and archive.has(nav.path):
        return _read_nav(parse_html_document(_decode(archive.read(nav.path))), nav.path)
    return []


def _read_ncx(ncx: lxml.etree._Element, ncx_path: str) -> list[TocEntry]:
    entries = []
    for point in ncx.iter("{*}navPoint"):  # document order is reading order, nested or not
        label = clean_text(" ".join(_xpath_texts(point, "*[local-name()='navLabel']//text()")))
        sources = _xpath_texts(point, "*[local-name()='content']/@src")
        path = _resolve_href(posixpath.dirname(ncx_path), sources[0]) if sources else ""
        if path:
            entries.append(TocEntry(label, path))
    return entries


def _read_nav(nav_document: HtmlElement, nav_path: str) -> list[TocEntry]:
    # The navigation document may also hold landmarks and page lists: read the "toc" nav.
    navs = list(nav_document.iter("nav"))
    nav = next((n for n in navs if n.get("epub:type") == "toc"), navs[0] if navs else nav_document)
    entries = []
    for link in nav.iter("a"):
        path = _resolve_href(posixpath.dirname(nav_path), link.get("href") or "")
        if path:
            entries.append(TocEntry(element_text(link), path))
    return entries


def _read_metadata(package: lxml.etree._Element) -> PackageMetadata:
    metadata = package.find("{*}metadata")
    if metadata is None:
        return PackageMetadata()

    def dc_texts(name: str) -> list[str]:
        return [
            text
            for text in (clean_text(el.text) for el in metadata.iter(f"{{{_DC}}}{name}"))
            if text
        ]

    descriptions = [(el.text or "").strip() for el in metadata.iter(f"{{{_DC}}}description")]
    series_title, series_index = _series_metadata(metadata)
    return PackageMetadata(
        title=next(iter(dc_texts("title")), ""),
        creators=dc_texts("creator"),
        contributors=dc_texts("contributor"),
        publisher=next(iter(dc_texts("publisher")), ""),
        language=next(iter(dc_texts("language")), ""),
        subjects=dc_texts("subject"),
        description_html=next((text for text in descriptions if text), ""),
        identifiers=dc_texts("identifier"),
        sources=dc_texts("source"),
        series_title=series_title,
        series_index=series_index,
    )


def _series_metadata(metadata: lxml.etree._Element) -> tuple[str, int | None]:
    """calibre's ``calibre:series``/``series_index``, or EPUB 3's ``belongs-to-collection``."""
    named = {meta.get("name"): meta.get("content") or "" for meta in metadata.iter("{*}meta")}
    if named.get("calibre:series"):
        return clean_text(named["calibre:series"]), _whole_number(named.get("calibre:series_index"))
    for meta in metadata.iter("{*}meta"):
        if meta.get("property") == "belongs-to-collection" and clean_text(meta.text):
            position = _xpath_texts(
                metadata,
                "*[local-name()='meta'][@property='group-position'][@refines=$ref]/text()",
                ref=f"#{meta.get('id')}",
            )
            return clean_text(meta.text), _whole_number(position[0] if position else None)
    return "", None


def _xpath_texts(element: lxml.etree._Element, path: str, **variables: str) -> list[str]:
    """An XPath query's string results (typed: lxml's xpath() may return anything)."""
    result = lxml.etree.XPath(path)(element, **variables)
    return [str(item) for item in result] if isinstance(result, list) else []


def _whole_number(text: str | None) -> int | None:
    try:
        return int(float(text or ""))
    except ValueError:
        return None


# --- who made it -----------------------------------------------------------------------


def _producer(book: EpubBook) -> str:
    if _made_by_fanficfare(book):
        return "fanficfare"
    if _made_by_ao3(book):
        return "ao3" if _has_ao3_download_markup(book) else "ao3-flattened"
    if _made_by_fichub(book):
        return "fichub"
    return "other"


def _made_by_fanficfare(book: EpubBook) -> bool:
    metadata = book.metadata
    return (
        any("fanficfare" in name.lower() for name in metadata.contributors)
        or any(identifier.startswith("fanficfare-uid") for identifier in metadata.identifiers)
        or any(_body_class_starts(document, "fff_") for document in book.documents)
    )


def _body_class_starts(document: EpubDocument, prefix: str) -> bool:
    return any(token.startswith(prefix) for token in (document.body.get("class") or "").split())


def _made_by_ao3(book: EpubBook) -> bool:
    return book.metadata.publisher == "Archive of Our Own" or any(
        "Posted originally on the" in document.text for document in book.documents[:3]
    )


def _has_ao3_download_markup(book: EpubBook) -> bool:
    return any(
        document.root.get_element_by_id("preface", None) is not None for document in book.documents
    )


def _made_by_fichub(book: EpubBook) -> bool:
    # FicHub pastes AO3's work-page markup, whose text block opens with a "Work Text:" (or,
    # per chapter, "Chapter Text") landmark heading.
    return any(
        has_class(element, "landmark")
        for document in book.documents
        for element in document.body.iter("h3")
    )


def _reading_documents(book: EpubBook) -> list[EpubDocument]:
    """The spine without calibre's additions: its cover page and Kindle inline contents."""
    return [
        document
        for document in book.documents
        if not document.root.xpath("//meta[@name='calibre:cover']")
        and document.body.get("id") != "calibre_generated_inline_toc"
    ]


def _fill_from_package(work: ImportedWork, metadata: PackageMetadata) -> None:
    """Fill what the pages did not say from the OPF metadata."""
    work.title = work.title or metadata.title
    work.creators = work.creators or list(metadata.creators)
    work.language = work.language or _language_name(metadata.language)
    work.summary_html = work.summary_html or _as_html(metadata.description_html)
    if not work.series and metadata.series_title:
        work.series = [ImportedSeriesPart(metadata.series_title, metadata.series_index)]
    if not work.source_url:
        work.source_url = next(
            filter(None, map(normalise_work_url, metadata.sources + metadata.identifiers)), ""
        )
    _drop_title_of_single_chapter(work)


def _language_name(code: str) -> str:
    code = code.lower().replace("_", "-")
    return _LANGUAGE_NAMES.get(code) or _LANGUAGE_NAMES.get(code.split("-")[0]) or code


def _as_html(text: str) -> str:
    """Descriptions are HTML from calibre and FicHub, sometimes plain text elsewhere."""
    if not text or re.search(r"<[A-Za-z][^>]*>", text):
        return text
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<p>{escaped}</p>"


def _drop_title_of_single_chapter(work: ImportedWork) -> None:
    # Tools title a one-chapter work's only chapter with the work's title; AO3's download
    # (and so the AO3 importers) leave that chapter untitled.
    if len(work.chapters) == 1 and clean_text(work.chapters[0].title) == clean_text(work.title):
        work.chapters[0].title = ""


# --- AO3 -------------------------------------------------------------------------------


def _read_ao3(book: EpubBook) -> ImportedWork:
    """calibre splits AO3's download into several XHTML files; read them as one download."""
    documents = _reading_documents(book)
    work = parse_download_html("\n".join(document.text for document in documents))
    work.source_format = "epub-ao3"
    return work


def _read_ao3_flattened(book: EpubBook) -> ImportedWork:
    """An AO3 EPUB whose divs are gone (calibre's conversion of AO3's MOBI file).

    What survives: the table of contents ("Preface", one entry per chapter, "Afterword"),
    the tags as "Rating:" paragraphs each followed by a blockquote, and the "Summary",
    "Notes", "Chapter Notes"... paragraphs before the blockquotes that hold them.
    """
    sections = _toc_sections(book.toc, _reading_documents(book))
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


@dataclass
class _Section:
    """The documents from one table-of-contents entry up to the next."""

    label: str
    documents: list[EpubDocument]

    def content(self) -> HtmlElement:
        """One ``div`` holding copies of the section's body contents, in order."""
        container = lxml.html.Element("div")
        for document in self.documents:
            container.extend(copy.deepcopy(child) for child in document.body)
        return container


def _toc_sections(toc: list[TocEntry], documents: list[EpubDocument]) -> list[_Section]:
    first_label: dict[str, str] = {}
    for entry in toc:
        first_label.setdefault(entry.path, entry.label)
    sections: list[_Section] = []
    for document in documents:
        if document.path in first_label or not sections:
            sections.append(_Section(first_label.get(document.path, ""), [document]))
        else:
            sections[-1].documents.append(document)
    return sections


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
            _drop(value)
            _drop(paragraph)
    return found


def _drop(element: HtmlElement) -> None:
    element.drop_tree()  # keeps the element's tail text in place


def _read_flattened_chapter(section: _Section, position: int) -> ImportedChapter:
    content = section.content()
    notes = _take_labelled_notes(
        content,
        {
            "chapter summary": "summary_html",
            "chapter notes": "notes_html",
            "chapter end notes": "end_notes_html",
        },
    )
    _remove_flattened_furniture(content, heading=section.label)
    return ImportedChapter(
        title=chapter_title(section.label, position),
        summary_html=notes.get("summary_html", ""),
        notes_html=notes.get("notes_html", ""),
        end_notes_html=notes.get("end_notes_html", ""),
        text_html=inner_html(content),
    )


def _remove_flattened_furniture(content: HtmlElement, *, heading: str) -> None:
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
            _drop(element)
    _strip_empty_edges(content)


_HEADING_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")


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
            _drop(child)


# --- FanFicFare ------------------------------------------------------------------------

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


def _read_fanficfare(book: EpubBook) -> ImportedWork:
    documents = _reading_documents(book)
    title_page = next((d for d in documents if _body_class_starts(d, "fff_titlepage")), None)
    chapter_documents = [d for d in documents if _body_class_starts(d, "fff_chapter")] or [
        d for d in documents if d is not title_page and not _body_class_starts(d, "fff_")
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
            getattr(work, field_name).extend(_comma_list(text(label)))
    # FanFicFare mixes AO3's categories ("M/M") into its genre list with the additional tags.
    for tag in _comma_list(text("genre")):
        (work.categories if tag in _AO3_CATEGORIES else work.freeforms).append(tag)
    work.rating = text("rating")
    work.language = text("language")
    work.published_on = _date(text("published"))
    work.updated_on = _date(text("updated"))
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
        _drop(notes)
        _drop(label)
    chapter.text_html = _fanficfare_text(body, text_block)
    return chapter, work_notes, work_end_notes


def _fanficfare_chapter_title(document: EpubDocument) -> str:
    for name in ("chaptertitle", "chapterorigtitle"):
        content = _xpath_texts(document.root, "//meta[@name=$name]/@content", name=name)
        if content:
            return clean_text(content[0])
    heading = next((h for h in document.body.iter("h3") if has_class(h, "fff_chapter_title")), None)
    return element_text(heading) if heading is not None else ""


def _fanficfare_text(body: HtmlElement, text_block: HtmlElement | None) -> str:
    if text_block is not None:
        for landmark in [h for h in text_block.iter("h3") if has_class(h, "landmark")]:
            _drop(landmark)
        return inner_html(text_block)
    # Sites other than AO3: the chapter is the story div, minus FanFicFare's additions.
    story = next((d for d in body.iter("div") if has_class(d, "story")), body)
    for extra in [e for e in story.iter() if has_class(e, "fff_chapter_title")]:
        _drop(extra)
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


# --- FicHub ----------------------------------------------------------------------------

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


def _read_fichub(book: EpubBook) -> ImportedWork:
    documents = _reading_documents(book)
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
        work.creators = [pseud_name(name) for name in _comma_list(byline)]
    for line in body.iter("p", "div"):
        label, _, value = element_text(line).partition(":")
        label = label.strip().lower()
        if label == "summary":
            work.summary_html = _html_after_label(line)
        else:
            _apply_fichub_value(work, label, value.strip())


def _apply_fichub_value(work: ImportedWork, label: str, value: str) -> None:
    if label in _FICHUB_LIST_FIELDS:
        getattr(work, _FICHUB_LIST_FIELDS[label]).extend(_comma_list(value))
    elif label == "rating":
        work.rating = value
    elif label == "language":
        work.language = value
    elif label in ("published", "updated", "completed"):
        setattr(work, f"{label}_on", _date(value))
    elif label == "chapters" and "/" in value:
        expected = value.split("/", 1)[1].strip().replace(",", "")
        work.expected_chapter_count = int(expected) if expected.isdigit() else None


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
        _drop(block)
    text_block = next((d for d in body.iter("div") if has_class(d, "userstuff")), body)
    for landmark in [h for h in text_block.iter("h3") if has_class(h, "landmark")]:
        _drop(landmark)
    chapter.text_html = inner_html(text_block)
    return chapter


def _workpage_chapter_title(heading: HtmlElement) -> str:
    """``<h3 class="title"><a>Chapter 2</a>: Fog</h3>`` -> "Fog"; "" when untitled."""
    link = heading.find("a")
    if link is not None and re.fullmatch(r"Chapter \d+", element_text(link)):
        return clean_text(link.tail).removeprefix(":").strip()
    return element_text(heading)


# --- any other EPUB --------------------------------------------------------------------


def _read_other(book: EpubBook) -> ImportedWork:
    """One chapter per table-of-contents entry, titled by it; metadata from the OPF."""
    sections = _toc_sections(book.toc, _reading_documents(book))
    chapters = []
    for position, section in enumerate(sections, start=1):
        content = section.content()
        _remove_flattened_furniture(content, heading=section.label)
        if element_text(content) or content.find(".//img") is not None:
            chapters.append(
                ImportedChapter(
                    chapter_title(section.label, position), text_html=inner_html(content)
                )
            )
    if not chapters:
        raise ImportFailed("this EPUB has no text")
    return ImportedWork(
        title="",
        chapters=chapters,
        freeforms=list(book.metadata.subjects),
        source_format=FORMAT,
        notices=[
            "this EPUB was not made by AO3, FanFicFare or FicHub: only its title, creators, "
            "language, summary, subjects (as additional tags) and chapters were imported"
        ],
    )


# --- small helpers ---------------------------------------------------------------------


def _comma_list(text: str) -> list[str]:
    # AO3 tag names cannot contain commas, so a comma always separates two tags.
    return [part.strip() for part in text.split(",") if part.strip()]


def _date(text: str) -> datetime.date | None:
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if not match:
        return None
    try:
        return datetime.date.fromisoformat(match.group(0))
    except ValueError:
        return None


_READERS: dict[str, Callable[[EpubBook], ImportedWork]] = {
    "ao3": _read_ao3,
    "ao3-flattened": _read_ao3_flattened,
    "fanficfare": _read_fanficfare,
    "fichub": _read_fichub,
    "other": _read_other,
}

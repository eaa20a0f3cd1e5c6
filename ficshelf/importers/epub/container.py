"""The book inside the archive: ``container.xml``, the package (OPF), its spine and its TOC."""

from __future__ import annotations

import codecs
import pathlib
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

import lxml.etree
from lxml.html import HtmlElement

from ficshelf.importers.ao3_markup import clean_text, element_text, parse_html_document
from ficshelf.importers.base import ImportFailed
from ficshelf.importers.epub.archive import Archive, open_zip, parse_xml, xpath_texts
from ficshelf.importers.epub.metadata import PackageMetadata, read_metadata

_CONTAINER_PATH = "META-INF/container.xml"
_HTML_MEDIA_TYPES = {"application/xhtml+xml", "text/html"}
_NCX_MEDIA_TYPE = "application/x-dtbncx+xml"


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
    with open_zip(path) as zip_file:
        archive = Archive(zip_file)
        opf_path = _package_path(archive)
        package = parse_xml(archive.read(opf_path), opf_path)
        manifest = _read_manifest(package, posixpath.dirname(opf_path))
        documents = _read_spine(archive, package, manifest)
        toc = _read_toc(archive, package, manifest)
        return EpubBook(read_metadata(package), documents, toc)


def _package_path(archive: Archive) -> str:
    if not archive.has(_CONTAINER_PATH):
        raise ImportFailed(
            f"this EPUB has no {_CONTAINER_PATH}, so its contents cannot be found "
            "(is it an EPUB at all?)"
        )
    container = parse_xml(archive.read(_CONTAINER_PATH), _CONTAINER_PATH)
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
    archive: Archive, package: lxml.etree._Element, manifest: dict[str, _ManifestItem]
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
    archive: Archive, package: lxml.etree._Element, manifest: dict[str, _ManifestItem]
) -> list[TocEntry]:
    """The table of contents from the EPUB 2 NCX, or else the EPUB 3 navigation document."""
    spine = package.find("{*}spine")
    ncx = manifest.get(spine.get("toc") or "") if spine is not None else None
    ncx = ncx or next((i for i in manifest.values() if i.media_type == _NCX_MEDIA_TYPE), None)
    if ncx is not None and archive.has(ncx.path):
        return _read_ncx(parse_xml(archive.read(ncx.path), ncx.path), ncx.path)
    nav = next((i for i in manifest.values() if "nav" in i.properties.split()), None)
    if nav is not None and archive.has(nav.path):
        return _read_nav(parse_html_document(_decode(archive.read(nav.path))), nav.path)
    return []


def _read_ncx(ncx: lxml.etree._Element, ncx_path: str) -> list[TocEntry]:
    entries = []
    for point in ncx.iter("{*}navPoint"):  # document order is reading order, nested or not
        label = clean_text(" ".join(xpath_texts(point, "*[local-name()='navLabel']//text()")))
        sources = xpath_texts(point, "*[local-name()='content']/@src")
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

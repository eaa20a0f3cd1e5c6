"""The package's (OPF) metadata, and filling from it what a producer's pages did not say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from ficshelf.importers.ao3_markup import clean_text, normalise_work_url
from ficshelf.importers.base import ImportedSeriesPart, ImportedWork
from ficshelf.importers.epub.archive import xpath_texts

_DC = "http://purl.org/dc/elements/1.1/"
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


def read_metadata(package: lxml.etree._Element) -> PackageMetadata:
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
            position = xpath_texts(
                metadata,
                "*[local-name()='meta'][@property='group-position'][@refines=$ref]/text()",
                ref=f"#{meta.get('id')}",
            )
            return clean_text(meta.text), _whole_number(position[0] if position else None)
    return "", None


def _whole_number(text: str | None) -> int | None:
    try:
        return int(float(text or ""))
    except ValueError:
        return None


def fill_from_package(work: ImportedWork, metadata: PackageMetadata) -> None:
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

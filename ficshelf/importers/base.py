"""The one value every importer returns, and the errors they raise.

Importers only parse: they turn a file into an ``ImportedWork`` and never touch the
database. ``ficshelf.importers.actions.save_imported_work`` turns that value into rows.
HTML fields hold the source's HTML as found (already unescaped, not yet sanitized);
the save step sanitizes them with the project's sanitizer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The file cannot be imported; the message says why, for a person to read."""


class ImportRefused(ImportFailed):
    """The file is readable but is not a work (an AO3 error page, an adult-content gate...)."""


class UnknownFormat(ImportFailed):
    """No importer claims the file: in a folder, it is not a work (a README, a cover image)
    and is skipped; named on its own, it is a failure."""


class ToolMissing(ImportFailed):
    """A format needs an external program that is not installed (calibre's ebook-convert)."""


@dataclass
class ImportedChapter:
    title: str = ""  # the chapter's own title, without the "Chapter N: " prefix
    summary_html: str = ""
    notes_html: str = ""
    end_notes_html: str = ""
    text_html: str = ""
    # The chapter's number in the whole work when the file says so (a saved chapter view
    # of chapter 13 holds only that one); None means "its place in the file".
    position: int | None = None


@dataclass
class ImportedSeriesPart:
    title: str
    position: int | None = None  # "Part 2 of ..." -> 2
    source_url: str = ""  # e.g. https://archiveofourown.org/series/46


@dataclass
class ImportedWork:
    title: str
    chapters: list[ImportedChapter]
    # Pseud names from the byline only; "orphan_account" stays as is.
    creators: list[str] = field(default_factory=list)
    rating: str = ""  # AO3's exact name, e.g. "Explicit"; "" when the file has none
    warnings: list[str] = field(default_factory=list)  # AO3's exact archive-warning names
    categories: list[str] = field(default_factory=list)  # "F/M", "Gen", ...
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)  # AO3's "Additional Tags"
    language: str = ""  # as AO3 shows it: "English", "中文-普通话 國語"
    series: list[ImportedSeriesPart] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    gift_recipients: list[str] = field(default_factory=list)
    summary_html: str = ""
    notes_html: str = ""
    end_notes_html: str = ""
    expected_chapter_count: int | None = None  # None means "?"
    published_on: datetime.date | None = None
    updated_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    # "https://archiveofourown.org/works/41588007": normalised (https, no chapter part,
    # no query) so re-imports of the same work match.
    source_url: str = ""
    source_format: str = ""  # "ao3-text", "ao3-html", "ao3-workpage", "epub", ...
    # The file holds only some chapters of the work (a saved chapter view): a re-import
    # then replaces those chapters and keeps the others.
    is_partial: bool = False
    # Things a person should know about this import ("tags pasted without separators
    # were kept as one tag: ..."). Printed by the import command.
    notices: list[str] = field(default_factory=list)

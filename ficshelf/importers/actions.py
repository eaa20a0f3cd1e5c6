"""Turning an ``ImportedWork`` into rows: one transaction per work.

Re-importing a work from the same source URL updates that work in place (its chapters,
tags and credits are replaced by the file's), so a newer download of a work in progress
never makes a duplicate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ficshelf.accounts.actions import ensure_default_pseud
from ficshelf.accounts.models import Pseud, User
from ficshelf.core.sanitizer import SANITIZER_VERSION, sanitize_html
from ficshelf.core.single_line import one_line
from ficshelf.core.wordcount import count_words_in_html
from ficshelf.importers.base import ImportedWork, ImportFailed
from ficshelf.tags.models import (
    ARCHIVE_WARNINGS,
    CATEGORIES,
    RATINGS,
    TAG_NAME_MAX_LENGTH,
    Tag,
    TagType,
)
from ficshelf.works.actions import language_named, tags_named, unique_names
from ficshelf.works.models import (
    Chapter,
    Collection,
    Creatorship,
    Gift,
    Language,
    Series,
    SeriesWork,
    Work,
)

# Names AO3 used before renaming these warnings; older downloads and pages carry them.
WARNING_ALIASES = {
    "Underage": "Underage Sex",
    "Choose Not To Use Archive Warnings": "Creator Chose Not To Use Archive Warnings",
}

# AO3's limit for titles (works, chapters, series), as the posting form has it.
TITLE_MAX = 255

# What AO3's own importer uses when a file does not say (otwarchive's ArchiveConfig).
DEFAULT_RATING = "Not Rated"
DEFAULT_WARNING = "Creator Chose Not To Use Archive Warnings"


@dataclass
class ImportResult:
    work: Work
    created: bool
    notices: list[str] = field(default_factory=list)


def pseud_for_import(name: str) -> Pseud:
    """The pseud ``--as NAME`` means: a user's default pseud, or an external creator."""
    user = User.objects.filter(username=name).first()
    if user is not None:
        return ensure_default_pseud(user)
    return external_pseud(name)


def external_pseud(name: str) -> Pseud:
    pseud, _ = Pseud.objects.get_or_create(name=name, user=None)
    return pseud


@transaction.atomic
def save_imported_work(
    imported: ImportedWork, *, fallback_pseud: Pseud | None, default_rating: str = DEFAULT_RATING
) -> ImportResult:
    """Create or update the work described by ``imported``; all of it or nothing.

    ``fallback_pseud`` is credited when the file names no creator; ``default_rating`` is
    used when it states no rating (the operator may know better than "Not Rated").
    """
    if not imported.chapters or not any(c.text_html.strip() for c in imported.chapters):
        raise ImportFailed("the file has no work text")
    imported = _single_lines(imported)
    if not imported.title:
        raise ImportFailed("the file has no title")
    pseuds = [external_pseud(clipped(name, 100)) for name in _unique(imported.creators)]
    if not pseuds:
        if fallback_pseud is None:
            raise ImportFailed("the file names no creator: say whose it is with --as NAME")
        pseuds = [fallback_pseud]

    notices = list(imported.notices)
    if len(imported.title) > TITLE_MAX:
        notices.append(f"the title is longer than {TITLE_MAX} characters: kept its beginning")
    existing = (
        Work.objects.select_for_update().filter(source_url=imported.source_url).first()
        if imported.source_url
        else None
    )
    work = existing or Work()
    _fill_work_fields(work, imported, keep_blank_fields=existing is not None)
    work.save()
    chapters = _build_chapters(work, imported)
    if existing is not None:
        replaced = work.chapters.all()
        if imported.is_partial:
            # A saved chapter view: replace the chapters it holds, keep the rest.
            replaced = replaced.filter(position__in=[c.position for c in chapters])
        replaced.delete()
        work.creatorships.all().delete()
        work.series_works.all().delete()
        work.gifts.all().delete()
        work.collections.clear()

    Chapter.objects.bulk_create(chapters)
    all_chapters = list(work.chapters.all())
    work.word_count = sum(c.word_count for c in all_chapters)
    work.is_complete = work.expected_chapter_count == len(all_chapters)
    work.save(update_fields=["word_count", "is_complete"])

    Creatorship.objects.bulk_create(
        Creatorship(work=work, pseud=pseud, position=i) for i, pseud in enumerate(pseuds)
    )
    work.tags.set(_tags_for(imported, notices, default_rating))
    _attach_series(work, imported)
    _attach_collections_and_gifts(work, imported)
    return ImportResult(work=work, created=existing is None, notices=notices)


def _fill_work_fields(work: Work, imported: ImportedWork, *, keep_blank_fields: bool) -> None:
    today = timezone.localdate()
    work.title = clipped(imported.title, TITLE_MAX)
    # A partial file (one chapter's page) may lack the work's notes; keep what we have.
    keep = keep_blank_fields and imported.is_partial
    for field_name, html in [
        ("summary", imported.summary_html),
        ("notes", imported.notes_html),
        ("end_notes", imported.end_notes_html),
    ]:
        if html.strip() or not keep:
            setattr(work, field_name, sanitize_html(html))
    work.sanitizer_version = SANITIZER_VERSION
    work.language = _language(imported.language)
    work.expected_chapter_count = _plausible(imported.expected_chapter_count)
    work.published_on = imported.published_on or today
    work.updated_on = _latest(work.published_on, imported.updated_on, imported.completed_on)
    work.completed_on = imported.completed_on
    work.is_posted = True
    work.source_url = imported.source_url
    work.imported_from = imported.source_format


def _build_chapters(work: Work, imported: ImportedWork) -> list[Chapter]:
    chapters: dict[int, Chapter] = {}
    for index, source in enumerate(imported.chapters, start=1):
        position = _plausible(source.position) or index
        text = sanitize_html(source.text_html)
        chapters[position] = Chapter(
            work=work,
            position=position,
            title=clipped(source.title, TITLE_MAX),
            summary=sanitize_html(source.summary_html),
            notes=sanitize_html(source.notes_html),
            end_notes=sanitize_html(source.end_notes_html),
            text=text,
            sanitizer_version=SANITIZER_VERSION,
            word_count=count_words_in_html(text),
            is_posted=True,
            published_on=work.published_on,
        )
    return list(chapters.values())


def _tags_for(imported: ImportedWork, notices: list[str], default_rating: str) -> list[Tag]:
    rating = imported.rating if imported.rating in RATINGS else default_rating
    if imported.rating and imported.rating not in RATINGS:
        notices.append(f"unknown rating {imported.rating!r}: rated {default_rating}")
    elif not imported.rating:
        notices.append(f"the file states no rating: rated {default_rating}")
    renamed = [WARNING_ALIASES.get(name, name) for name in imported.warnings]
    warnings = _known(renamed, ARCHIVE_WARNINGS, "archive warning", notices)
    categories = _known(imported.categories, CATEGORIES, "category", notices)
    names_by_type: list[tuple[str, list[str]]] = [
        (TagType.RATING, [rating]),
        (TagType.WARNING, warnings or [DEFAULT_WARNING]),
        (TagType.CATEGORY, categories),
        (TagType.FANDOM, _fitting(imported.fandoms, notices)),
        (TagType.RELATIONSHIP, _fitting(imported.relationships, notices)),
        (TagType.CHARACTER, _fitting(imported.characters, notices)),
        (TagType.FREEFORM, _fitting(imported.freeforms, notices)),
    ]
    return tags_named(names_by_type)


def _fitting(names: list[str], notices: list[str]) -> list[str]:
    """Tags that fit a tag's name. A longer one (run-together tags, a damaged file) is left
    out and named in a notice: a cut tag would be a wrong tag, and failing the whole import
    for one tag would lose the work. (More than AO3's 75 tags are kept, as AO3 kept works
    posted before its limit.)"""
    kept = []
    for name in names:
        if len(name) > TAG_NAME_MAX_LENGTH:
            notices.append(
                f"a tag of {len(name)} characters (at most {TAG_NAME_MAX_LENGTH}) was left out: "
                f"{name[:60]}..."
            )
        else:
            kept.append(name)
    return kept


def _known(names: list[str], allowed: list[str], label: str, notices: list[str]) -> list[str]:
    unknown = [n for n in names if n not in allowed]
    for name in unknown:
        notices.append(f"unknown {label} {name!r} left out")
    return [n for n in names if n in allowed]


def _language(name: str) -> Language | None:
    return language_named(name)


def _attach_series(work: Work, imported: ImportedWork) -> None:
    for part in imported.series:
        title = clipped(part.title, TITLE_MAX)
        if not title:
            continue
        if part.source_url:
            series, _ = Series.objects.get_or_create(
                source_url=part.source_url, defaults={"title": title}
            )
        else:
            series = Series.objects.filter(title=title, source_url="").first() or (
                Series.objects.create(title=title)
            )
        SeriesWork.objects.get_or_create(
            series=series, work=work, defaults={"position": _plausible(part.position) or 1}
        )


def _attach_collections_and_gifts(work: Work, imported: ImportedWork) -> None:
    for title in _unique(imported.collections):
        name = slugify(title)[:255] or "collection"
        collection, _ = Collection.objects.get_or_create(
            name=name, defaults={"title": clipped(title, TITLE_MAX)}
        )
        collection.works.add(work)
    Gift.objects.bulk_create(
        Gift(work=work, recipient_name=name[:255]) for name in _unique(imported.gift_recipients)
    )


# Chapter counts, chapter numbers and series parts beyond this come from a damaged or
# hostile file; they would overflow the database's integer columns (AO3 caps works at
# far fewer chapters), so they are treated as unknown.
MAX_PLAUSIBLE_NUMBER = 9999


def _single_lines(imported: ImportedWork) -> ImportedWork:
    """``imported`` with every one-line field on one line: a title or tag split over lines
    in the file's markup must not reach a mail subject or a feed that way."""

    def lines(names: list[str]) -> list[str]:
        return [one_line(n) for n in names]

    return replace(
        imported,
        title=one_line(imported.title),
        creators=lines(imported.creators),
        fandoms=lines(imported.fandoms),
        relationships=lines(imported.relationships),
        characters=lines(imported.characters),
        freeforms=lines(imported.freeforms),
        collections=lines(imported.collections),
        gift_recipients=lines(imported.gift_recipients),
        series=[replace(part, title=one_line(part.title)) for part in imported.series],
        chapters=[replace(c, title=one_line(c.title)) for c in imported.chapters],
    )


def clipped(text: str, length: int) -> str:
    """``text`` cut to ``length`` at a word's end where there is one, not in a word."""
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[: length + 1] else text[:length]
    return cut[:length].rstrip()


def _plausible(number: int | None) -> int | None:
    return number if number is not None and 1 <= number <= MAX_PLAUSIBLE_NUMBER else None


def _unique(names: list[str]) -> list[str]:
    return unique_names(names)


def _latest(*dates: datetime.date | None) -> datetime.date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None

"""What every download format carries, collected once from a work and its posted chapters.

The exporters only lay this value out; none of them reads the database. The fields follow
AO3's downloads: a preface (message, tag block, title, byline, summary, notes), the chapters
(heading, summary, notes, text, end notes) and an afterword (the work's end notes).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from django.urls import NoReverseMatch, reverse

from ficshelf.tags.models import TAG_BLOCK_ORDER, TagType
from ficshelf.works.display import chapter_credited_pseuds, credited_pseuds
from ficshelf.works.inspiration import related_to, source_line
from ficshelf.works.models import Chapter, Work

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# The tag block's labels, as AO3's downloads print them (plural since 2013).
TAG_LABELS = {
    TagType.RATING: "Rating",
    TagType.WARNING: "Archive Warnings",
    TagType.CATEGORY: "Categories",
    TagType.FANDOM: "Fandoms",
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}


@dataclass(frozen=True)
class Creator:
    name: str  # the pseud, what the EPUB's dc:creator holds
    byline: str  # "pseud (user)" as AO3 shows a secondary pseud
    url: str


@dataclass(frozen=True)
class TagGroup:
    label: str
    names: list[str]


@dataclass(frozen=True)
class SeriesPart:
    title: str
    position: int
    url: str


@dataclass(frozen=True)
class RelatedWork:
    """A work this one was inspired by, or one inspired by it, as downloads name it."""

    title: str
    creator: str
    url: str  # "" when it is not public (a restricted or hidden work, a deleted one)
    language: str = ""  # a translation's


@dataclass(frozen=True)
class ChapterDocument:
    position: int
    title: str
    heading: str  # "Chapter 2: Title" or "Chapter 2"
    summary_html: str
    notes_html: str
    end_notes_html: str
    text_html: str
    # A chapter credited to its own creators (``works.display.chapter_credited_pseuds``)
    # names them under its heading; empty for one credited to the work's creators.
    creators: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkDocument:
    work_id: int
    title: str
    work_url: str
    site_name: str
    site_url: str
    creators: list[Creator]
    tag_groups: list[TagGroup]
    language_name: str
    language_code: str  # a BCP 47 tag, as HTML's lang and EPUB's dc:language want it
    series: list[SeriesPart]
    collections: list[str]
    published_on: datetime.date | None
    updated_on: datetime.date | None
    completed_on: datetime.date | None
    word_count: int
    chapter_count_display: str  # "3/3", "2/?"
    summary_html: str
    notes_html: str
    end_notes_html: str
    chapters: list[ChapterDocument]
    modified_at: datetime.datetime
    # "Inspired by" (or "A translation of") the source, and the works inspired by this
    # one: as the public sees them, since one file serves every reader.
    source_verb: str = ""
    source: RelatedWork | None = None
    inspired: list[RelatedWork] = field(default_factory=list)
    translations: list[RelatedWork] = field(default_factory=list)

    @property
    def tag_names(self) -> list[str]:
        return [name for group in self.tag_groups for name in group.names]

    @property
    def has_chapter_headings(self) -> bool:
        # AO3 prints no heading for a one-chapter work; a lone chapter with a title or
        # notes of its own keeps its heading here so they survive a re-import.
        return len(self.chapters) > 1 or any(
            chapter.title or chapter.summary_html or chapter.notes_html or chapter.end_notes_html
            for chapter in self.chapters
        )

    @property
    def fandom_names(self) -> str:
        return ", ".join(
            name for group in self.tag_groups if group.label == "Fandoms" for name in group.names
        )

    @property
    def stats(self) -> list[tuple[str, str]]:
        """AO3's stats line, in its order: "Published", "Updated"/"Completed", "Words"..."""
        stats = []
        if self.published_on:
            stats.append(("Published", self.published_on.isoformat()))
        if self.completed_on:
            stats.append(("Completed", self.completed_on.isoformat()))
        elif self.updated_on and self.updated_on != self.published_on:
            stats.append(("Updated", self.updated_on.isoformat()))
        stats.append(("Words", f"{self.word_count:,}"))
        stats.append(("Chapters", self.chapter_count_display))
        return stats

    @property
    def byline(self) -> str:
        return ", ".join(creator.byline for creator in self.creators) or "Anonymous"


def build_work_document(
    work: Work, chapters: list[Chapter], *, work_url: str, site_url: str, site_name: str
) -> WorkDocument:
    """Collect a work for download; ``chapters`` are the ones the reader may download."""
    language = work.language
    return WorkDocument(
        work_id=work.pk,
        title=work.title,
        work_url=work_url,
        site_name=site_name,
        site_url=site_url,
        creators=[
            Creator(
                name=pseud.name,
                byline=pseud.byline,
                url=_creator_url(site_url, pseud.user.username if pseud.user else ""),
            )
            for pseud in credited_pseuds(work)
        ],
        tag_groups=[
            TagGroup(TAG_LABELS[tag_type], [tag.name for tag in tags])
            for tag_type in TAG_BLOCK_ORDER
            if (tags := work.tags_of_type(tag_type))
        ],
        language_name=language.name if language else "English",
        language_code=language_tag(language.short) if language else "en",
        series=[
            SeriesPart(sw.series.title, sw.position, sw.series.source_url)
            for sw in work.series_works.all()
        ],
        collections=[collection.title for collection in work.shown_collections],
        published_on=work.published_on,
        updated_on=work.updated_on,
        completed_on=work.completed_on if work.is_complete else None,
        word_count=work.word_count,
        chapter_count_display=_chapter_count(work, chapters),
        summary_html=work.summary,
        notes_html=work.notes,
        end_notes_html=work.end_notes,
        chapters=[
            ChapterDocument(
                position=chapter.position,
                title=chapter.title,
                heading=chapter.heading,
                summary_html=chapter.summary,
                notes_html=chapter.notes,
                end_notes_html=chapter.end_notes,
                text_html=chapter.text,
                creators=[p.byline for p in chapter_credited_pseuds(work, chapter) or []],
            )
            for chapter in chapters
        ],
        modified_at=work.modified_at,
        **_related_works(work, site_url),
    )


def _related_works(work: Work, site_url: str) -> dict[str, Any]:
    line = source_line(work, None)
    source = None
    if line is not None:
        url = urljoin(site_url, line.url) if line.url else ""
        source = RelatedWork(line.title, line.creator, url)
    related = related_to(work, None)
    inspired = [
        RelatedWork(
            child.title,
            child.byline,
            urljoin(site_url, child.get_absolute_url()),
        )
        for child in related.inspired
    ]
    translations = [
        RelatedWork(
            child.title,
            child.byline,
            urljoin(site_url, child.get_absolute_url()),
            child.language.name if child.language else "",
        )
        for child in related.translations
    ]
    return {
        "source_verb": line.verb if line else "",
        "source": source,
        "inspired": inspired,
        "translations": translations,
    }


def _chapter_count(work: Work, chapters: list[Chapter]) -> str:
    expected = "?" if work.expected_chapter_count is None else work.expected_chapter_count
    return f"{len(chapters)}/{expected}"


def _creator_url(site_url: str, username: str) -> str:
    if not username:
        # An external creator (imported) has no page here; the site is the honest target.
        return site_url
    try:
        path = reverse("users:profile", args=[username])
    except NoReverseMatch:  # members' pages not mounted (yet)
        path = f"/users/{username}/"
    return site_url.rstrip("/") + path


def language_tag(code: str) -> str:
    """A well-formed BCP 47 tag from AO3's language codes ("en", "ptBR" -> "pt-BR")."""
    code = (code or "").strip().replace("_", "-")
    if re.fullmatch(r"[a-z]{2}[A-Z]{2}", code):
        code = f"{code[:2]}-{code[2:]}"
    return code if _LANGUAGE_TAG.match(code) else "und"

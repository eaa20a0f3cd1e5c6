"""What the API answers, as OpenAPI schemas (django-ninja makes them from these classes).

Plain pydantic models: django-ninja's ``Schema`` reads each nested object through a Django
attribute getter, which cost a listing of 20 works about a third of its time.

HTML fields (summaries, notes, chapter text, comments, bookmark notes) are the sanitized HTML
the archive stores and shows, as stored: a client shows them as it would any HTML.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel as Schema
from pydantic import Field


class Message(Schema):
    """Every refusal and error: what went wrong, for a person to read."""

    detail: str | list[dict[str, object]]


class TagRef(Schema):
    id: int
    name: str
    type: str
    url: str


class Creator(Schema):
    pseud: str
    username: str | None = Field(description="None for an imported creator with no account.")
    pseud_id: int


class SeriesPart(Schema):
    series_id: int
    title: str
    position: int


class Counts(Schema):
    """From the work's stored counters, the one source every page reads."""

    kudos: int
    hits: int
    comments: int
    bookmarks: int


class WorkSummary(Schema):
    id: int
    url: str
    api_url: str
    title: str
    summary: str
    # Empty for a work in an anonymous collection (``works.display.credited_pseuds``).
    creators: list[Creator]
    is_anonymous: bool = Field(description="True when the archive names no creator.")
    language: str | None
    rating: TagRef | None
    warnings: list[TagRef]
    categories: list[TagRef]
    fandoms: list[TagRef]
    relationships: list[TagRef]
    characters: list[TagRef]
    freeforms: list[TagRef]
    words: int
    chapters: str = Field(description="Posted/expected, as AO3 writes it: “2/?”.")
    is_complete: bool
    is_restricted: bool = Field(description="Shown to members only.")
    published_on: datetime.date | None
    updated_on: datetime.date | None
    series: list[SeriesPart]
    counts: Counts


class FacetTag(Schema):
    tag: TagRef
    count: int


class WorkListing(Schema):
    works: list[WorkSummary]
    total: int
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    notices: list[str] = Field(description="What the query ignored: unknown tag names.")
    facets: dict[str, list[FacetTag]] | None = Field(
        description="With ?facets=true: the most frequent tags of each type."
    )
    facets_are_estimates: bool


class Chapter(Schema):
    id: int
    position: int
    title: str
    summary: str
    notes: str
    end_notes: str
    text: str
    words: int
    is_posted: bool
    published_on: datetime.date | None


class CollectionRef(Schema):
    name: str
    title: str


class Work(WorkSummary):
    is_posted: bool = Field(description="False for a draft (only its creators see it).")
    notes: str
    end_notes: str
    collections: list[CollectionRef]
    gifted_to: list[str]
    comment_permission: str
    work_chapters: list[Chapter]


class Tag(Schema):
    id: int
    name: str
    type: str
    url: str
    is_canonical: bool
    canonical: TagRef | None = Field(description="The tag this one is a synonym of.")
    synonyms: list[TagRef]
    parents: list[TagRef]
    children: list[TagRef]


class Series(Schema):
    id: int
    title: str
    summary: str
    notes: str
    is_complete: bool
    url: str
    works_url: str


class Collection(Schema):
    name: str
    title: str
    summary: str
    parent: str | None
    is_open: bool
    is_moderated: bool
    is_anonymous: bool
    is_unrevealed: bool
    work_count: int
    url: str
    works_url: str


class Pseud(Schema):
    id: int
    name: str
    description: str
    is_default: bool


class User(Schema):
    username: str
    joined: datetime.date
    pseuds: list[Pseud]
    url: str
    works_url: str


class PseudInFull(Pseud):
    username: str | None = Field(description="None for an imported creator with no account.")
    url: str = Field(description="The page of the member, or of the imported creator.")
    works_url: str


class PseudList(Schema):
    username: str
    pseuds: list[Pseud]


class CreatorWorks(Schema):
    """An imported creator's works the reader may see, newest first."""

    pseud: PseudInFull
    works: list[WorkSummary]
    total: int
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")


class Bookmark(Schema):
    id: int
    work_id: int | None
    series_id: int | None
    bookmarker: str
    notes: str
    tags: list[str]
    is_rec: bool
    is_private: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class BookmarkPage(Schema):
    bookmarks: list[Bookmark]
    next_cursor: str | None


class Comment(Schema):
    id: int
    chapter_id: int
    parent_id: int | None
    author: str
    text: str
    is_deleted: bool
    is_approved: bool
    created_at: datetime.datetime
    edited_at: datetime.datetime | None


class CommentPage(Schema):
    comments: list[Comment]
    next_cursor: str | None


class KudosCount(Schema):
    work_id: int
    kudos: int


class BookmarkIn(Schema):
    notes: str = ""
    tags: str = Field("", description="Comma-separated.")
    is_private: bool = False
    is_rec: bool = False


class CommentIn(Schema):
    text: str
    parent_id: int | None = Field(None, ge=1, le=2**62)


class CommentEdit(Schema):
    text: str


class Done(Schema):
    detail: str


class Subscription(Schema):
    id: int
    work_id: int | None
    series_id: int | None
    username: str | None


class MarkedForLater(Schema):
    work_id: int
    is_marked_for_later: bool


class ReadingListIn(Schema):
    name: str
    is_public: bool = False


class ReadingList(Schema):
    id: int
    name: str
    is_public: bool
    work_ids: list[int]


# ---- Posting and editing works and chapters (the site's work and chapter forms) ----

TextFormat = Literal["html", "plain"]
CommentPolicy = Literal["everyone", "registered", "nobody"]


class WorkFields(Schema):
    """The work form's fields, by the names the work's reads use. Tag lists are names (new
    ones are made, as on the site); HTML fields go through the archive's sanitizer."""

    title: str | None = None
    summary: str | None = None
    notes: str | None = Field(None, description="Notes at the beginning.")
    end_notes: str | None = None
    rating: str | None = Field(
        None, description="General Audiences, Teen And Up Audiences, Mature, Explicit or Not Rated."
    )
    warnings: list[str] | None = Field(None, description="Archive warnings, at least one.")
    categories: list[str] | None = None
    fandoms: list[str] | None = None
    relationships: list[str] | None = None
    characters: list[str] | None = None
    freeforms: list[str] | None = Field(None, description="Additional tags.")
    language: str | None = Field(None, description="A language's short code (en, zh) or name.")
    series_id: int | None = Field(None, ge=1, le=2**62, description="One of your series.")
    new_series_title: str | None = Field(None, description="Or start a new series.")
    series_position: int | None = None
    collections: list[str] | None = Field(None, description="Collection names.")
    gift_recipients: list[str] | None = Field(None, description="Names the work is gifted to.")
    co_creators: list[str] | None = Field(
        None, description="Pseuds or user names to invite; credited once they accept."
    )
    inspired_by_url: str | None = None
    inspired_by_title: str | None = None
    inspired_by_creator: str | None = None
    is_translation: bool | None = None
    is_restricted: bool | None = Field(None, description="Only registered users see it.")
    comment_permission: CommentPolicy | None = None
    moderated_comments: bool | None = None
    expected_chapter_count: int | None = None
    is_complete: bool | None = None
    published_on: datetime.date | None = Field(None, description="A backdate.")
    chapter_title: str | None = Field(None, description="The first chapter's.")
    chapter_summary: str | None = None
    chapter_notes: str | None = None
    chapter_end_notes: str | None = None
    text: str | None = Field(None, description="The first chapter's text.")
    text_format: TextFormat | None = Field(
        None, description="html (the default) or plain: a blank line starts a paragraph."
    )


class WorkIn(WorkFields):
    """A new work and its first chapter. Required as on the site's form: title, rating,
    warnings, fandoms, text."""

    pseud_id: int | None = Field(
        None, ge=1, le=2**62, description="Which of your pseuds to post as (your default)."
    )
    post: bool = Field(False, description="Post it now; otherwise it is saved as a draft.")


class WorkEdit(WorkFields):
    """What to change (a merge patch): a field left out stays as it is; null empties it
    (``series_id``: out of the series). ``language`` and ``text_format`` cannot be empty."""


class ChapterFields(Schema):
    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    text: str | None = None
    text_format: TextFormat | None = None


class ChapterIn(ChapterFields):
    post: bool = Field(True, description="Post it now; otherwise it is saved unposted.")


class ChapterEdit(ChapterFields):
    """What to change (a merge patch): a field left out stays as it is; null empties it."""

    post: bool = Field(False, description="Also post it, when it is unposted.")

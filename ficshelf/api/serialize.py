"""Models as the API shows them: what the site's pages show, read the way they read it
(credits through ``works.display.credited_pseuds``, counts from the works' counters)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ficshelf.social.models import ANONYMOUS_CREATOR
from ficshelf.social.models import Bookmark as BookmarkModel
from ficshelf.social.models import Comment as CommentModel
from ficshelf.tags.models import Tag, TagType
from ficshelf.tags.naming import tag_page_url
from ficshelf.works.display import credited_pseuds
from ficshelf.works.models import Chapter
from ficshelf.works.models import Work as WorkModel

_TYPE_FIELDS = {
    TagType.WARNING: "warnings",
    TagType.CATEGORY: "categories",
    TagType.FANDOM: "fandoms",
    TagType.RELATIONSHIP: "relationships",
    TagType.CHARACTER: "characters",
    TagType.FREEFORM: "freeforms",
}


class Urls:
    """Tag page addresses, built once per tag per response without a URL lookup
    (``tags.naming.tag_page_url``, as listings build theirs: a listing names hundreds)."""

    def __init__(self) -> None:
        self._tags: dict[int, str] = {}
        # "/api/v1/", or under the prefix the archive is mounted at.
        self.api_root = api_root()

    def tag(self, tag: Tag) -> str:
        url = self._tags.get(tag.pk)
        if url is None:
            url = self._tags[tag.pk] = tag_page_url(tag.name)
        return url


def api_root() -> str:
    return reverse("api-v1:api-root")


def tag_ref(tag: Tag, urls: Urls) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "type": tag.type, "url": urls.tag(tag)}


def work_summary(work: WorkModel, urls: Urls) -> dict[str, Any]:
    """A work as its blurb shows it (``for_blurbs`` or ``with_everything_shown`` loaded)."""
    by_type: dict[str, list[Tag]] = {}
    for tag in sorted(work.tags.all(), key=lambda t: t.name):
        by_type.setdefault(tag.type, []).append(tag)
    ratings = by_type.get(TagType.RATING, [])
    named = credited_pseuds(work)
    summary: dict[str, Any] = {
        "id": work.pk,
        "url": work.get_absolute_url(),
        "api_url": f"{urls.api_root}works/{work.pk}",
        "title": work.title,
        "summary": work.summary,
        "creators": [
            {
                "pseud": pseud.name,
                "username": pseud.user.username if pseud.user is not None else None,
                "pseud_id": pseud.pk,
            }
            for pseud in named
        ],
        "is_anonymous": not named,
        "language": work.language.name if work.language is not None else None,
        "rating": tag_ref(ratings[0], urls) if ratings else None,
        "words": work.word_count,
        "chapters": work.chapter_count_display,
        "is_complete": work.is_complete,
        "is_restricted": work.is_restricted,
        "published_on": work.published_on,
        "updated_on": work.updated_on,
        "series": [
            {"series_id": part.series_id, "title": part.series.title, "position": part.position}
            for part in work.series_works.all()
        ],
        "counts": {
            "kudos": work.kudos_count,
            "hits": work.hits_count,
            "comments": work.comments_count,
            "bookmarks": work.bookmarks_count,
        },
    }
    for tag_type, field in _TYPE_FIELDS.items():
        summary[field] = [tag_ref(tag, urls) for tag in by_type.get(tag_type, [])]
    return summary


def work_in_full(work: WorkModel, chapters: list[Chapter], urls: Urls) -> dict[str, Any]:
    return {
        **work_summary(work, urls),
        "is_posted": work.is_posted,
        "notes": work.notes,
        "end_notes": work.end_notes,
        "collections": [{"name": c.name, "title": c.title} for c in work.shown_collections],
        "gifted_to": [gift.recipient_name for gift in work.gifts.all()],
        "comment_permission": work.comment_permission,
        "work_chapters": [chapter(one) for one in chapters],
    }


def chapter(found: Chapter) -> dict[str, Any]:
    return {
        "id": found.pk,
        "position": found.position,
        "title": found.title,
        "summary": found.summary,
        "notes": found.notes,
        "end_notes": found.end_notes,
        "text": found.text,
        "words": found.word_count,
        "is_posted": found.is_posted,
        "published_on": found.published_on,
    }


def bookmark(found: BookmarkModel) -> dict[str, Any]:
    return {
        "id": found.pk,
        "work_id": found.work_id,
        "series_id": found.series_id,
        "bookmarker": found.user.username,
        "notes": found.notes,
        "tags": found.tag_list,
        "is_rec": found.is_rec,
        "is_private": found.is_private,
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


def comment(found: CommentModel, *, anonymous_creator_ids: set[int]) -> dict[str, Any]:
    """``anonymous_creator_ids``: the work's creators when it is in an anonymous
    collection (their comments are "Anonymous Creator", as on the work page)."""
    author = found.author_name
    if found.user_id is not None and found.user_id in anonymous_creator_ids:
        author = ANONYMOUS_CREATOR
    return {
        "id": found.pk,
        "chapter_id": found.chapter_id,
        "parent_id": found.parent_id,
        "author": author,
        "text": found.text,
        "is_deleted": found.is_deleted,
        "is_approved": found.is_approved,
        "created_at": found.created_at,
        "edited_at": found.edited_at,
    }

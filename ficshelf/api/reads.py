"""The read endpoints. Each fetches through the site's access functions with the request
read as the token's member (or a guest): a work, chapter, tag, series or member the site
would answer 404 for answers 404 here, whoever asks."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.accounts.models import User as UserModel
from ficshelf.api import schemas
from ficshelf.api.auth import reader
from ficshelf.api.listing import WorkFilters, listing_json
from ficshelf.api.routes import router
from ficshelf.api.serialize import Urls, api_root, bookmark, comment, tag_ref, work_in_full
from ficshelf.collections.views import works_shown
from ficshelf.social.access import creator_user_ids, muted_user_ids
from ficshelf.social.models import Bookmark, Comment
from ficshelf.social.stored_html import refresh_bookmark_notes, refresh_comments
from ficshelf.tags.models import Tag
from ficshelf.works.access import (
    get_chapters_for_viewer,
    get_series_for_viewer,
    get_work_for_viewer,
)
from ficshelf.works.collection_models import COLLECTION_NAME_MAX
from ficshelf.works.models import Collection
from ficshelf.works.tag_access import visible_among

PAGE_SIZE = 50
# Names in paths, as long as the archive lets them be (longer ones are refused with a 422).
Username = Annotated[str, Path(max_length=150)]
CollectionName = Annotated[str, Path(max_length=COLLECTION_NAME_MAX)]
ERRORS: dict[int, Any] = {
    401: schemas.Message,
    403: schemas.Message,
    404: schemas.Message,
    422: schemas.Message,
    429: schemas.Message,
}
LISTING_ERRORS = {**ERRORS, 400: schemas.Message}


def _viewed_as(request: HttpRequest) -> HttpRequest:
    """The request, read as who the API says is asking (the access functions read
    ``request.user``)."""
    request.user = reader(request)
    return request


@router.get("/works", response={200: schemas.WorkListing, **LISTING_ERRORS}, tags=["read"])
def works(request: HttpRequest, filters: Query[WorkFilters]) -> Any:
    """Works, filtered, searched and sorted as the site's listings and search page."""
    text = listing_json(_viewed_as(request), filters)
    return HttpResponse(text, content_type="application/json; charset=utf-8")


@router.get("/works/{work_id}", response={200: schemas.Work, **ERRORS}, tags=["read"])
def work(request: HttpRequest, work_id: int) -> Any:
    """A work and its chapters (unposted chapters for its creators only)."""
    found = get_work_for_viewer(_viewed_as(request), _id(work_id))
    return work_in_full(found, get_chapters_for_viewer(request, found), Urls())


@router.get("/works/{work_id}/kudos", response={200: schemas.KudosCount, **ERRORS}, tags=["read"])
def kudos(request: HttpRequest, work_id: int) -> Any:
    found = get_work_for_viewer(_viewed_as(request), _id(work_id))
    return {"work_id": found.pk, "kudos": found.kudos_count}


@router.get(
    "/works/{work_id}/bookmarks",
    response={200: schemas.BookmarkPage, **LISTING_ERRORS},
    tags=["read"],
)
def work_bookmarks(request: HttpRequest, work_id: int, cursor: int | None = None) -> Any:
    """The work's public bookmarks, newest first, as its bookmarks page lists them."""
    found = get_work_for_viewer(_viewed_as(request), _id(work_id))
    rows = (
        Bookmark.objects.filter(work=found, is_private=False)
        .exclude(user_id__in=muted_user_ids(request.user))
        .select_related("user")
        .order_by("-pk")
    )
    if cursor is not None:
        rows = rows.filter(pk__lt=_id(cursor))
    page = list(rows[: PAGE_SIZE + 1])
    refresh_bookmark_notes(page[:PAGE_SIZE])
    return {
        "bookmarks": [bookmark(b) for b in page[:PAGE_SIZE]],
        "next_cursor": str(page[PAGE_SIZE - 1].pk) if len(page) > PAGE_SIZE else None,
    }


@router.get(
    "/works/{work_id}/comments",
    response={200: schemas.CommentPage, **LISTING_ERRORS},
    tags=["read"],
)
def work_comments(request: HttpRequest, work_id: int, cursor: int | None = None) -> Any:
    """The comments the work page shows this reader, oldest first (replies name their
    parent): on chapters they may read, approved (or theirs, or every one for creators),
    none by members they muted."""
    found = get_work_for_viewer(_viewed_as(request), _id(work_id))
    chapters = get_chapters_for_viewer(request, found)
    creators = creator_user_ids(found)
    rows = (
        Comment.objects.filter(chapter__in=chapters)
        .shown_to(request.user, creators)
        .select_related("user")
        .order_by("pk")
    )
    if cursor is not None:
        rows = rows.filter(pk__gt=_id(cursor))
    page = list(rows[: PAGE_SIZE + 1])
    refresh_comments(page[:PAGE_SIZE])
    anonymous = creators if found.in_anonymous_collection else set()
    return {
        "comments": [comment(c, anonymous_creator_ids=anonymous) for c in page[:PAGE_SIZE]],
        "next_cursor": str(page[PAGE_SIZE - 1].pk) if len(page) > PAGE_SIZE else None,
    }


@router.get("/tags/{tag_id}", response={200: schemas.Tag, **ERRORS}, tags=["read"])
def tag(request: HttpRequest, tag_id: int) -> Any:
    """A tag the reader could meet (canonical, or on a work they may see), its canonical,
    synonyms, parents and children (only those they could meet too)."""
    user = _viewed_as(request).user
    found = visible_among(Tag.objects.select_related("merger").filter(pk=_id(tag_id)), user)
    if not found:
        raise Http404("No such tag.")
    shown = found[0]
    urls = Urls()

    def refs(tags: Any) -> list[dict[str, Any]]:
        return [tag_ref(t, urls) for t in visible_among(tags.order_by("name"), user)]

    canonical = shown.merger if shown.merger_id and shown.merger_id != shown.pk else None
    return {
        **tag_ref(shown, urls),
        "is_canonical": shown.is_canonical,
        "canonical": tag_ref(canonical, urls) if canonical is not None else None,
        "synonyms": refs(Tag.objects.filter(merger=shown).exclude(pk=shown.pk)),
        "parents": refs(Tag.objects.filter(child_taggings__child=shown)),
        "children": refs(Tag.objects.filter(parent_taggings__parent=shown)),
    }


@router.get("/series/{series_id}", response={200: schemas.Series, **ERRORS}, tags=["read"])
def series(request: HttpRequest, series_id: int) -> Any:
    """A series while one of its works is visible to the reader; its works are the listing's
    ``?series_id=``."""
    found = get_series_for_viewer(_viewed_as(request), _id(series_id))
    return {
        "id": found.pk,
        "title": found.title,
        "summary": found.summary,
        "notes": found.notes,
        "is_complete": found.is_complete,
        "url": reverse("works:series", args=[found.pk]),
        "works_url": f"{api_root()}works?series_id={found.pk}",
    }


@router.get("/collections/{name}", response={200: schemas.Collection, **ERRORS}, tags=["read"])
def collection(request: HttpRequest, name: CollectionName) -> Any:
    user = _viewed_as(request).user
    found = get_object_or_404(Collection.objects.select_related("parent"), name=name)
    return {
        "name": found.name,
        "title": found.title,
        "summary": found.summary,
        "parent": found.parent.name if found.parent is not None else None,
        "is_open": found.is_open,
        "is_moderated": found.is_moderated,
        "is_anonymous": found.is_anonymous,
        "is_unrevealed": found.is_unrevealed,
        "work_count": works_shown(found, user if isinstance(user, UserModel) else None).count(),
        "url": reverse("collections:profile", args=[found.name]),
        "works_url": f"{api_root()}works?{urlencode({'collection': found.name})}",
    }


@router.get("/users/{username}", response={200: schemas.User, **ERRORS}, tags=["read"])
def user(request: HttpRequest, username: Username) -> Any:
    """An active member and their pseuds; their works are the listing's ``?username=``."""
    _viewed_as(request)
    member = get_user_for_profile(username)
    pseuds = member.pseuds.order_by("-is_default", "name")
    return {
        "username": member.username,
        "joined": member.date_joined.date(),
        "pseuds": [
            {"id": p.pk, "name": p.name, "description": p.description, "is_default": p.is_default}
            for p in pseuds
        ],
        "url": reverse("users:profile", args=[member.username]),
        "works_url": f"{api_root()}works?{urlencode({'username': member.username})}",
    }


def _id(number: int) -> int:
    """Ids beyond what the database holds are simply not found (not a 500 from SQLite's
    integer overflow)."""
    if not 0 < number <= 2**62:
        raise Http404("Not found.")
    return number

"""The write endpoints: each checks its token's scope first (403, nothing looked up or
written), fetches what it acts on as the site's pages fetch it for the member, validates
with the site's own forms, and calls the same action the site's views call
(``social.actions``), so blocks, visibility, sanitizing, counters and notices apply alike.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.api import schemas
from ficshelf.api.auth import RateLimited, member_with
from ficshelf.api.models import Scope
from ficshelf.api.reads import ERRORS, Username, _id
from ficshelf.api.routes import router
from ficshelf.api.serialize import bookmark, comment
from ficshelf.core.ratelimit import attempt_all, give_back, limit_address
from ficshelf.social import actions
from ficshelf.social.access import get_comment_for_viewer, get_own_reading_list
from ficshelf.social.forms import BookmarkForm, CommentTextForm, ReadingListForm
from ficshelf.social.models import (
    Bookmark,
    Reading,
    ReadingList,
    ReadingListItem,
    Subscription,
)
from ficshelf.social.views.kudos_and_comments import COMMENTS_BY_ACCOUNT, COMMENTS_BY_ADDRESS
from ficshelf.works.access import get_chapter_for_viewer, get_series_for_viewer, get_work_for_viewer
from ficshelf.works.models import work_visible_to

WRITE_ERRORS = {**ERRORS, 400: schemas.Message}


class BadInput(Exception):
    """400: the site's form refused what was sent; ``messages`` say why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise BadInput([f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()])
    cleaned: dict[str, Any] = form.cleaned_data
    return cleaned


# ---- Kudos ----


@router.post(
    "/works/{work_id}/kudos", response={201: schemas.KudosCount, **WRITE_ERRORS}, tags=["write"]
)
def leave_kudos(request: HttpRequest, work_id: int) -> Any:
    member = member_with(request, Scope.KUDOS)
    work = get_work_for_viewer(request, _id(work_id))
    actions.leave_kudos(work, actor=member)
    work.refresh_from_db(fields=["kudos_count"])
    return Status(201, {"work_id": work.pk, "kudos": work.kudos_count})


# ---- Comments ----


@router.post(
    "/works/{work_id}/chapters/{chapter_id}/comments",
    response={201: schemas.Comment, **WRITE_ERRORS},
    tags=["write"],
)
def post_comment(
    request: HttpRequest, work_id: int, chapter_id: int, body: schemas.CommentIn
) -> Any:
    """A comment on a chapter (a reply with ``parent_id``), under the site's comment limits."""
    member = member_with(request, Scope.COMMENTS)
    work = get_work_for_viewer(request, _id(work_id))
    chapter = get_chapter_for_viewer(request, work, _id(chapter_id))
    parent = get_comment_for_viewer(request, _id(body.parent_id)) if body.parent_id else None
    # The text's own form, without the spam guard's honeypot and clock: a token is not a
    # form a bot fills in (post_comment still holds linky comments of untrusted members).
    text = _valid(CommentTextForm({"text": body.text}))["text"]
    verdict = attempt_all(
        [(COMMENTS_BY_ADDRESS, limit_address(request)), (COMMENTS_BY_ACCOUNT, str(member.pk))]
    )
    if not verdict:
        raise RateLimited(verdict)
    try:
        made = actions.post_comment(chapter, actor=member, text=text, parent=parent)
    except actions.ActionRefused:
        give_back(verdict)  # nothing was posted
        raise
    return Status(201, comment(made, anonymous_creator_ids=set()))


@router.put(
    "/comments/{comment_id}", response={200: schemas.Comment, **WRITE_ERRORS}, tags=["write"]
)
def edit_comment(request: HttpRequest, comment_id: int, body: schemas.CommentEdit) -> Any:
    member = member_with(request, Scope.COMMENTS)
    found = get_comment_for_viewer(request, _id(comment_id))
    text = _valid(CommentTextForm({"text": body.text}))["text"]
    edited = actions.edit_comment(found, actor=member, text=text)
    return comment(edited, anonymous_creator_ids=set())


@router.delete(
    "/comments/{comment_id}", response={200: schemas.Done, **WRITE_ERRORS}, tags=["write"]
)
def delete_comment(request: HttpRequest, comment_id: int) -> Any:
    member = member_with(request, Scope.COMMENTS)
    found = get_comment_for_viewer(request, _id(comment_id))
    actions.delete_comment(found, actor=member)
    return {"detail": "The comment is deleted."}


# ---- Bookmarks ----


@router.put(
    "/works/{work_id}/bookmark", response={200: schemas.Bookmark, **WRITE_ERRORS}, tags=["write"]
)
def bookmark_work(request: HttpRequest, work_id: int, body: schemas.BookmarkIn) -> Any:
    """Makes or changes the member's bookmark of the work."""
    member = member_with(request, Scope.BOOKMARKS)
    work = get_work_for_viewer(request, _id(work_id))
    fields = _valid(BookmarkForm(body.model_dump()))
    return bookmark(actions.save_bookmark(actor=member, work=work, **fields))


@router.put(
    "/series/{series_id}/bookmark", response={200: schemas.Bookmark, **WRITE_ERRORS}, tags=["write"]
)
def bookmark_series(request: HttpRequest, series_id: int, body: schemas.BookmarkIn) -> Any:
    member = member_with(request, Scope.BOOKMARKS)
    series = get_series_for_viewer(request, _id(series_id))
    fields = _valid(BookmarkForm(body.model_dump()))
    return bookmark(actions.save_bookmark(actor=member, series=series, **fields))


@router.delete(
    "/bookmarks/{bookmark_id}", response={200: schemas.Done, **WRITE_ERRORS}, tags=["write"]
)
def delete_bookmark(request: HttpRequest, bookmark_id: int) -> Any:
    member = member_with(request, Scope.BOOKMARKS)
    found = get_object_or_404(Bookmark, pk=_id(bookmark_id), user=member)
    actions.delete_bookmark(found, actor=member)
    return {"detail": "The bookmark is deleted."}


# ---- Subscriptions ----


def _subscription(found: Subscription) -> dict[str, Any]:
    return {
        "id": found.pk,
        "work_id": found.work_id,
        "series_id": found.series_id,
        "username": found.creator.username if found.creator is not None else None,
    }


@router.put(
    "/works/{work_id}/subscription",
    response={200: schemas.Subscription, **WRITE_ERRORS},
    tags=["write"],
)
def subscribe_work(request: HttpRequest, work_id: int) -> Any:
    member = member_with(request, Scope.SUBSCRIPTIONS)
    work = get_work_for_viewer(request, _id(work_id))
    return _subscription(actions.subscribe(actor=member, work=work))


@router.put(
    "/series/{series_id}/subscription",
    response={200: schemas.Subscription, **WRITE_ERRORS},
    tags=["write"],
)
def subscribe_series(request: HttpRequest, series_id: int) -> Any:
    member = member_with(request, Scope.SUBSCRIPTIONS)
    series = get_series_for_viewer(request, _id(series_id))
    return _subscription(actions.subscribe(actor=member, series=series))


@router.put(
    "/users/{username}/subscription",
    response={200: schemas.Subscription, **WRITE_ERRORS},
    tags=["write"],
)
def subscribe_creator(request: HttpRequest, username: Username) -> Any:
    member = member_with(request, Scope.SUBSCRIPTIONS)
    # The profile's own lookup: whoever has no profile shown cannot be subscribed to.
    creator = get_user_for_profile(username)
    return _subscription(actions.subscribe(actor=member, creator=creator))


@router.delete(
    "/subscriptions/{subscription_id}", response={200: schemas.Done, **WRITE_ERRORS}, tags=["write"]
)
def unsubscribe(request: HttpRequest, subscription_id: int) -> Any:
    member = member_with(request, Scope.SUBSCRIPTIONS)
    found = get_object_or_404(Subscription, pk=_id(subscription_id), user=member)
    actions.unsubscribe(found, actor=member)
    return {"detail": "You are unsubscribed."}


# ---- Marked for Later ----


def _marked(request: HttpRequest, work_id: int, *, is_marked: bool) -> dict[str, Any]:
    member = member_with(request, Scope.READING)
    work = get_work_for_viewer(request, _id(work_id))
    reading: Reading = actions.set_marked_for_later(work, actor=member, is_marked=is_marked)
    return {"work_id": work.pk, "is_marked_for_later": reading.is_marked_for_later}


@router.put(
    "/works/{work_id}/marked-for-later",
    response={200: schemas.MarkedForLater, **WRITE_ERRORS},
    tags=["write"],
)
def mark_for_later(request: HttpRequest, work_id: int) -> Any:
    return _marked(request, work_id, is_marked=True)


@router.delete(
    "/works/{work_id}/marked-for-later",
    response={200: schemas.MarkedForLater, **WRITE_ERRORS},
    tags=["write"],
)
def unmark_for_later(request: HttpRequest, work_id: int) -> Any:
    return _marked(request, work_id, is_marked=False)


# ---- Reading lists ----


def _reading_list(found: ReadingList) -> dict[str, Any]:
    # The works the member may still see, as the list's page shows them.
    items = ReadingListItem.objects.filter(work_visible_to(found.owner), reading_list=found)
    return {
        "id": found.pk,
        "name": found.name,
        "is_public": found.is_public,
        "work_ids": list(items.order_by("added_at", "pk").values_list("work_id", flat=True)),
    }


@router.post("/reading-lists", response={201: schemas.ReadingList, **WRITE_ERRORS}, tags=["write"])
def create_reading_list(request: HttpRequest, body: schemas.ReadingListIn) -> Any:
    member = member_with(request, Scope.READING)
    fields = _valid(ReadingListForm(body.model_dump()))
    made = actions.create_reading_list(
        actor=member, name=fields["name"], is_public=fields["is_public"]
    )
    return Status(201, _reading_list(made))


@router.put(
    "/reading-lists/{list_id}/works/{work_id}",
    response={200: schemas.ReadingList, **WRITE_ERRORS},
    tags=["write"],
)
def add_to_reading_list(request: HttpRequest, list_id: int, work_id: int) -> Any:
    member = member_with(request, Scope.READING)
    reading_list = get_own_reading_list(request, _id(list_id))
    work = get_work_for_viewer(request, _id(work_id))
    actions.add_to_reading_list(reading_list, work, actor=member)
    return _reading_list(reading_list)


@router.delete(
    "/reading-lists/{list_id}/works/{work_id}",
    response={200: schemas.ReadingList, **WRITE_ERRORS},
    tags=["write"],
)
def remove_from_reading_list(request: HttpRequest, list_id: int, work_id: int) -> Any:
    member = member_with(request, Scope.READING)
    reading_list = get_own_reading_list(request, _id(list_id))
    actions.remove_from_reading_list(reading_list, _id(work_id), actor=member)
    return _reading_list(reading_list)


@router.delete(
    "/reading-lists/{list_id}", response={200: schemas.Done, **WRITE_ERRORS}, tags=["write"]
)
def delete_reading_list(request: HttpRequest, list_id: int) -> Any:
    member = member_with(request, Scope.READING)
    reading_list = get_own_reading_list(request, _id(list_id))
    actions.delete_reading_list(reading_list, actor=member)
    return {"detail": "The list is deleted."}

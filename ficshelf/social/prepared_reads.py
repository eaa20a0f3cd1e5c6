"""The social app's hottest reads, with SQL compiled once per database connection.

A work page's footer asks for the chapters' comments and the latest kudos givers on every
view, and a member's bookmarks and inbox pages count and page their rows through the
visibility rule; Django built and compiled those querysets afresh each time, which cost more
than the database took to answer them (bench/RESULTS.md, issue 12). Each is built here once
per shape (the kind of viewer, a list's length) with the ordinary ORM code, and run with the
request's keys (``core.prepared_queries``), so every rule is still written once.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from ficshelf.accounts.models import User
from ficshelf.core.prepared_queries import PreparedQuery, PreparedRows, padded
from ficshelf.social.access import own_bookmarks
from ficshelf.social.models import Bookmark, Comment, InboxItem, Kudos
from ficshelf.works.models import Chapter, ViewerKind, viewer_kind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# A page shows one chapter, or every chapter of the entire work; longer works are read
# unprepared.
_CHAPTER_SIZES = (1, 2, 4, 8, 16, 32, 64)
_MEMBER_KINDS = (ViewerKind.MEMBER, ViewerKind.STAFF)


def _member(kind: ViewerKind, user_id: int) -> User:
    # Unsaved: the visibility rule and ``shown_to`` read only the viewer's kind and key.
    return User(pk=user_id, is_staff=kind == ViewerKind.STAFF)


# -- a work page's footer ----------------------------------------------------------------


def latest_kudos_givers(work_id: int, how_many: int) -> list[tuple[int, str]]:
    """The (user id, username) of the members who last left kudos on the work, newest
    first, at most ``how_many``."""
    rows = _latest_kudos(how_many).run(work_id=work_id)
    return [(row["user_id"], row["user__username"]) for row in rows]


@functools.cache
def _latest_kudos(how_many: int) -> PreparedQuery[Kudos]:
    def build(work_id: int) -> QuerySet[Kudos, Any]:
        return (
            Kudos.objects.filter(work_id=work_id, user__isnull=False)
            .order_by("-created_at", "-pk")
            .values("user_id", "user__username")[:how_many]
        )

    return PreparedQuery(build, ["work_id"])


class _CommentReader(enum.Enum):
    """The branches of ``CommentQuerySet.shown_to``."""

    GUEST = "guest"
    STAFF = "staff"
    MODERATOR = "moderator"  # a creator of the work or a moderator of its collection
    MEMBER = "member"


def comments_shown(
    chapters: list[Chapter], user: User | AnonymousUser | None, moderator_ids: Collection[int]
) -> list[Comment]:
    """``Comment.objects.filter(chapter__in=chapters).shown_to(user, moderator_ids)`` with
    each comment's member (``select_related("user")``), in the comments' order."""
    fitted = padded([chapter.pk for chapter in chapters], _CHAPTER_SIZES)
    if fitted is None:
        if not chapters:
            return []
        return list(_comments_of(chapters, user, moderator_ids))
    size, chapter_ids = fitted
    if user is None or not user.is_authenticated:
        return _comments_query(_CommentReader.GUEST, size).run(chapter_ids=chapter_ids)
    if user.is_staff:
        reader = _CommentReader.STAFF
    elif user.pk in moderator_ids:
        reader = _CommentReader.MODERATOR
    else:
        reader = _CommentReader.MEMBER
    return _comments_query(reader, size).run(chapter_ids=chapter_ids, user_id=user.pk)


def _comments_of(
    chapters: Collection[Chapter | int],
    user: User | AnonymousUser | None,
    moderator_ids: Collection[int],
) -> QuerySet[Comment]:
    shown = Comment.objects.filter(chapter__in=chapters).shown_to(user, moderator_ids)
    return shown.select_related("user")


@functools.cache
def _comments_query(reader: _CommentReader, size: int) -> PreparedQuery[Comment]:
    if reader is _CommentReader.GUEST:

        def for_guests(chapter_ids: list[int]) -> QuerySet[Comment]:
            return _comments_of(chapter_ids, None, ())

        return PreparedQuery(for_guests, ["chapter_ids"], sizes={"chapter_ids": size})

    def build(chapter_ids: list[int], user_id: int) -> QuerySet[Comment]:
        kind = ViewerKind.STAFF if reader is _CommentReader.STAFF else ViewerKind.MEMBER
        moderators = (user_id,) if reader is _CommentReader.MODERATOR else ()
        return _comments_of(chapter_ids, _member(kind, user_id), moderators)

    return PreparedQuery(build, ["chapter_ids", "user_id"], sizes={"chapter_ids": size})


# -- a member's bookmarks and inbox ------------------------------------------------------


def own_bookmark_pages(user: User) -> PreparedRows:
    """``own_bookmarks(user)`` with each bookmark's external work, for ``Paginator``: its
    count and its pages. Building the four visibility conditions twice, for the count and
    the page, cost a member's bookmarks page more than running them."""
    kind = viewer_kind(user)
    return PreparedRows(_OWN_BOOKMARKS[kind], _OWN_BOOKMARKS_COUNTED[kind], user_id=user.pk)


def _own_bookmarks_query(kind: ViewerKind) -> PreparedQuery[Bookmark]:
    def build(user_id: int) -> QuerySet[Bookmark]:
        return own_bookmarks(_member(kind, user_id)).select_related("external_work")

    return PreparedQuery(build, ["user_id"])


def _own_bookmarks_counted(kind: ViewerKind) -> PreparedQuery[Bookmark]:
    def build(user_id: int) -> QuerySet[Bookmark, Any]:
        return own_bookmarks(_member(kind, user_id)).order_by().values("pk")

    return PreparedQuery(build, ["user_id"])


_OWN_BOOKMARKS = {kind: _own_bookmarks_query(kind) for kind in _MEMBER_KINDS}
_OWN_BOOKMARKS_COUNTED = {kind: _own_bookmarks_counted(kind) for kind in _MEMBER_KINDS}


def inbox_pages(user: User, *, unread_only: bool) -> PreparedRows:
    """The member's inbox items about works they may still see (``about_works_visible_to``),
    all or the unread only, for ``Paginator``."""
    queries = _UNREAD_ITEMS if unread_only else _INBOX_ITEMS
    kind = viewer_kind(user)
    return PreparedRows(queries[kind][0], queries[kind][1], user_id=user.pk)


def _inbox_queries(
    kind: ViewerKind, unread_only: bool
) -> tuple[PreparedQuery[InboxItem], PreparedQuery[InboxItem]]:
    def items(user_id: int) -> QuerySet[InboxItem]:
        found = InboxItem.objects.filter(recipient_id=user_id).about_works_visible_to(
            _member(kind, user_id)
        )
        return found.filter(is_read=False) if unread_only else found

    def counted(user_id: int) -> QuerySet[InboxItem, Any]:
        return items(user_id).order_by().values("pk")

    return PreparedQuery(items, ["user_id"]), PreparedQuery(counted, ["user_id"])


_INBOX_ITEMS = {kind: _inbox_queries(kind, unread_only=False) for kind in _MEMBER_KINDS}
_UNREAD_ITEMS = {kind: _inbox_queries(kind, unread_only=True) for kind in _MEMBER_KINDS}

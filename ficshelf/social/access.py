"""Who may do what with the social parts of a work, and fetching objects for a viewer.

Everything starts from the visibility rule: a comment, bookmark or list item of a work
the viewer may not see answers 404, exactly like the work itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ficshelf.accounts.access import is_blocked
from ficshelf.accounts.models import Mute, User
from ficshelf.social.models import Bookmark, Comment, ReadingList
from ficshelf.social.stored_html import refresh_comments

# Who is credited on a work is the works app's to say; re-exported for the social code.
from ficshelf.works.access import comment_moderator_ids as comment_moderator_ids
from ficshelf.works.access import creator_user_ids as creator_user_ids
from ficshelf.works.access import get_chapter_for_viewer
from ficshelf.works.access import is_work_creator as is_work_creator
from ficshelf.works.models import (
    CommentPermission,
    Work,
    series_visible_to,
    work_visible_to,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Viewer = User | AnonymousUser | None


def has_blocked(blocker: User, blocked: Viewer) -> bool:
    """Has ``blocker`` blocked ``blocked``? (The accounts app owns the answer.)"""
    return is_blocked(by=blocker, other=blocked)


def creator_users(work: Work) -> list[User]:
    return [
        c.pseud.user for c in work.creatorships.all() if c.is_approved and c.pseud.user is not None
    ]


def is_blocked_by_a_creator(work: Work, user: Viewer) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return any(has_blocked(creator, user) for creator in creator_users(work))


def muted_user_ids(viewer: Viewer) -> QuerySet[Mute, int]:
    if viewer is None or not viewer.is_authenticated:
        return Mute.objects.none().values_list("muted_id", flat=True)
    return Mute.objects.filter(muter_id=viewer.pk).values_list("muted_id", flat=True)


def is_visible_to(work_id: int, user: Viewer) -> bool:
    return Work.objects.visible_to(user).filter(pk=work_id).exists()


def comment_refusal(work: Work, user: Viewer, parent: Comment | None = None) -> str | None:
    """Why ``user`` may not comment on ``work`` (a message for them), or None if they may."""
    signed_in = user is not None and user.is_authenticated
    if work.comment_permission == CommentPermission.NOBODY:
        return "Sorry, this work doesn't allow comments."
    if work.comment_permission == CommentPermission.REGISTERED and not signed_in:
        return "Sorry, this work doesn't allow non-Archive users to comment."
    if is_blocked_by_a_creator(work, user):
        return "Sorry, you have been blocked by one or more of this work's creators."
    if parent is not None and parent.user is not None and has_blocked(parent.user, user):
        return "Sorry, you have been blocked by that user."
    return None


def get_comment_for_viewer(request: HttpRequest, comment_id: int) -> Comment:
    """A comment the viewer can see: on a visible work, approved or theirs or their work's."""
    comment = get_object_or_404(
        Comment.objects.on_works_visible_to(request.user).select_related("work", "chapter", "user"),
        pk=comment_id,
    )
    work = comment.work
    moderators = comment_moderator_ids(work, request.user)
    if not Comment.objects.shown_to(request.user, moderators).filter(pk=comment.pk).exists():
        raise Http404("No such comment.")
    # The chapter too must be readable: comments on unposted chapters are the creators'.
    get_chapter_for_viewer(request, work, comment.chapter_id)
    refresh_comments([comment])
    return comment


def may_edit_comment(user: Viewer, comment: Comment) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and comment.user_id == user.pk
        and not comment.is_deleted
    )


def may_delete_comment(user: Viewer, comment: Comment, moderators: set[int] | None = None) -> bool:
    """Its author, one of the work's creators or its collections' moderators, or an admin
    (``moderators``, from ``comment_moderator_ids``, saves looking them up)."""
    if user is None or not user.is_authenticated or comment.is_deleted:
        return False
    if comment.user_id == user.pk or user.is_staff:
        return True
    if moderators is None:
        moderators = comment_moderator_ids(comment.work, user)
    return user.pk in moderators


def get_own_bookmark(request: HttpRequest, bookmark_id: int) -> Bookmark:
    return get_object_or_404(Bookmark, pk=bookmark_id, user_id=request.user.pk)


def get_reading_list_for_viewer(request: HttpRequest, list_id: int) -> ReadingList:
    reading_list = get_object_or_404(ReadingList.objects.select_related("owner"), pk=list_id)
    if not reading_list.is_public and reading_list.owner_id != request.user.pk:
        raise Http404("No such list.")
    return reading_list


def get_own_reading_list(request: HttpRequest, list_id: int) -> ReadingList:
    return get_object_or_404(ReadingList, pk=list_id, owner_id=request.user.pk)


def own_bookmarks(user: User) -> QuerySet[Bookmark]:
    """A member's bookmarks of works and series they may still see (a work hidden or made
    a draft since drops out; it comes back if it does). Bookmarks of works whose creator
    they muted stay: the list is theirs, and says the creator is muted. External works stay
    until an admin hides them."""
    muted = Exists(Work.objects.muted_for(user).filter(pk=OuterRef("work")))
    return Bookmark.objects.filter(user=user).filter(
        Q(work_visible_to(user))
        | Q(muted)
        | Q(series_visible_to(user))
        | Q(external_work__is_hidden_by_admin=False)
    )

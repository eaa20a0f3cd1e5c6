"""The social parts of the work page (and of the series page, a profile and the
dashboard), fetched for the viewer by inclusion tags.

``works/detail.html`` includes ``social/_work_actions.html`` and ``social/_work_footer.html``
with its own context (work, reading, chapter, request, user); these tags add what those
parts need, so the work view knows nothing about kudos or comments. The work in the
context was fetched through the visibility rule, so the viewer may see it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ficshelf.accounts.access import keeps_history
from ficshelf.accounts.models import User
from ficshelf.core.prepared_queries import PreparedQuery
from ficshelf.social.access import (
    comment_moderator_ids,
    comment_refusal,
    creator_user_ids,
    may_delete_comment,
    may_edit_comment,
    muted_user_ids,
    own_bookmarks,
)
from ficshelf.social.comment_html import ThreadOptions, threads_html
from ficshelf.social.comment_pages import page_of_threads
from ficshelf.social.forms import CommentForm, GuestCommentForm
from ficshelf.social.models import (
    Bookmark,
    Comment,
    InboxItem,
    Reading,
    ReadingList,
    Subscription,
)
from ficshelf.social.prepared_reads import comments_shown, latest_kudos_givers
from ficshelf.social.stored_html import refresh_comments
from ficshelf.works.models import Chapter, Series, ViewerKind, Work, viewer_kind

register = template.Library()


@dataclass
class CommentNode:
    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    may_edit: bool = False
    may_delete: bool = False
    may_approve: bool = False
    may_moderate: bool = False  # hide, freeze (the work's creators, its collections' moderators)


# AO3 names the latest givers and counts the rest: a work with 10,000 kudos must not fetch
# 10,000 names on every view.
KUDOS_NAMES_SHOWN = 50


def kudos_sentence(names: list[str], guests: int = 0, others: int = 0) -> str:
    """AO3's line: "X, Y and 3 guests left kudos on this work!" ("" when nobody did).
    ``others``: givers beyond the named ones, members and guests alike."""
    parts = list(names)
    if guests:
        parts.append(f"{guests:,} guest{'s' if guests != 1 else ''}")
    if others:
        parts.append(f"{others:,} more")
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{joined} left kudos on this work!"


def kudos_line(work: Work, viewer: Any) -> str:
    """The sentence from the stored count and the latest givers (one query at most)."""
    if not work.kudos_count:
        return ""
    latest = latest_kudos_givers(work.pk, KUDOS_NAMES_SHOWN + 1)
    muted = set(muted_user_ids(viewer)) if latest else set()
    names = [name for user_id, name in latest[:KUDOS_NAMES_SHOWN] if user_id not in muted]
    if len(latest) <= KUDOS_NAMES_SHOWN:  # every member who gave kudos is here: the rest are guests
        return kudos_sentence(names, guests=max(work.kudos_count - len(latest), 0))
    return kudos_sentence(names, others=max(work.kudos_count - len(names), 0))


def comment_threads(
    comments: list[Comment],
    request: HttpRequest,
    creators: set[int],
    moderators: set[int] | None = None,
) -> tuple[list[CommentNode], int]:
    """Threads from a flat list; replies whose parent is not shown (muted) are not shown.
    ``moderators``: who moderates these comments (``comment_moderator_ids``; the creators
    when not given)."""
    user = request.user
    moderators = creators if moderators is None else moderators
    is_creator = user.is_authenticated and user.pk in creators
    moderates = user.is_authenticated and (user.is_staff or user.pk in moderators)
    nodes = {
        c.pk: CommentNode(
            comment=c,
            may_edit=may_edit_comment(user, c),
            may_delete=may_delete_comment(user, c, moderators),
            may_approve=not c.is_approved and is_creator,
            may_moderate=moderates and not c.is_deleted,
        )
        for c in comments
    }
    roots: list[CommentNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)

    shown = 0

    def count(node: CommentNode) -> None:
        nonlocal shown
        shown += 0 if node.comment.is_deleted else 1
        for reply in node.replies:
            count(reply)

    for root in roots:
        count(root)
    return roots, shown


def _commented_chapters(context: template.Context) -> tuple[list[Chapter], Chapter | None]:
    """Chapters whose comments the page shows, and the chapter a new comment goes to."""
    reading = context.get("reading")
    chapter = context.get("chapter")
    if chapter is not None:
        return [chapter], chapter
    chapters = list(reading.shown) if reading is not None else []
    return chapters, (chapters[-1] if chapters else None)


@register.inclusion_tag("social/work/actions.html", takes_context=True)
def work_social_actions(context: template.Context) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    work: Work = context["work"]
    user = request.user
    data: dict[str, Any] = {
        "work": work,
        "reading": context.get("reading"),
        "user": user,
        "request": request,
        "messages": context.get("messages"),
        "next": request.get_full_path(),
        # The stored counts (social.counters), as every other surface shows them.
        "kudos_count": work.kudos_count,
        "hit_count": work.hits_count,
        "bookmark_count": work.bookmarks_count,
        "comment_count": work.comments_count,
        "is_creator": user.is_authenticated and user.pk in creator_user_ids(work),
    }
    if isinstance(user, User):
        state = _reader_state(request, work, user)
        data.update(state.flags)
        data["reading_lists"] = (
            list(ReadingList.objects.filter(owner_id=user.pk))
            if state.flags["has_reading_lists"]
            else []
        )
        if not data["is_creator"] and keeps_history(request):
            data["reading_place_url"] = reverse("social:reading_place", args=[work.pk])
            data["continue_reading"] = state.place
    return data


@dataclass(frozen=True)
class ReadingPlace:
    """Where "Continue reading" leads: the chapter's page, scrolled ``fraction`` down it
    (by ``reading-position.js``; without it, the address's anchor opens at the chapter)."""

    url: str
    position: int
    fraction: float

    @property
    def fraction_text(self) -> str:
        return f"{self.fraction:.4f}"


@dataclass(frozen=True)
class ReaderState:
    flags: dict[str, bool]
    place: ReadingPlace | None


# The request attribute keeping the reader's state: the bar at the end of the work reads it
# again without asking the database again.
_READER_STATE = "_ficshelf_reader_state"


def _reader_state(request: HttpRequest, work: Work, user: User) -> ReaderState:
    """What the action buttons say for this member (bookmarked, subscribed, marked for
    later, whether they have reading lists to offer, where they were in the work), asked in
    one query: a member's work page asks the database about twenty questions, each costing
    more in the ORM than in the database."""
    kept: ReaderState | None = getattr(request, _READER_STATE, None)
    if kept is not None:
        return kept
    rows: list[dict[str, Any]] = _READER_STATE_ROW.run(work_id=work.pk, user_id=user.pk)
    row = rows[0] if rows else {}
    state = ReaderState(
        flags={name: bool(row.get(name)) for name in _READER_FLAGS},
        place=_place(work, row),
    )
    setattr(request, _READER_STATE, state)
    return state


_READER_FLAGS = ("has_bookmark", "is_subscribed", "is_marked_for_later", "has_reading_lists")


def _reader_state_row(work_id: int, user_id: int) -> QuerySet[Work, Any]:
    this_work = OuterRef("pk")
    flags = {
        "has_bookmark": Bookmark.objects.filter(work=this_work, user_id=user_id),
        "is_subscribed": Subscription.objects.filter(work=this_work, user_id=user_id),
        "is_marked_for_later": Reading.objects.filter(
            work=this_work, user_id=user_id, is_marked_for_later=True
        ),
        "has_reading_lists": ReadingList.objects.filter(owner_id=user_id),
    }
    # The place in a chapter still posted (one made a draft since is nowhere to go).
    place = Reading.objects.filter(work=this_work, user_id=user_id, chapter__is_posted=True)
    places = {
        "place_chapter_id": Subquery(place.values("chapter_id")[:1]),
        "place_position": Subquery(place.values("chapter__position")[:1]),
        "place_fraction": Subquery(place.values("scroll_fraction")[:1]),
    }
    shown: QuerySet[Work, Any] = (
        Work.objects.filter(pk=work_id)
        .annotate(**{name: Exists(rows) for name, rows in flags.items()}, **places)
        .values(*flags, *places)
    )
    return shown


# Compiled once per connection (``core.prepared_queries``): building this query cost more
# than running it.
_READER_STATE_ROW = PreparedQuery(_reader_state_row, ["work_id", "user_id"])


def _place(work: Work, row: dict[str, Any]) -> ReadingPlace | None:
    chapter_id, position = row.get("place_chapter_id"), row.get("place_position")
    fraction = float(row.get("place_fraction") or 0.0)
    if chapter_id is None or position is None:
        return None
    if position == 1 and fraction < 0.01:
        return None  # still at the start: nothing to continue
    url = reverse("works:chapter", args=[work.pk, chapter_id]) + f"#chapter-{position}"
    return ReadingPlace(url=url, position=position, fraction=fraction)


@functools.cache
def empty_comment_fields(form_class: type[CommentForm]) -> SafeString:
    """The fields of an empty comment form of ``form_class``, rendered once per process:
    every work page shows one to each reader, and nothing in it depends on the request or
    the work (a field that did, such as a time stamp, would have to leave this cache)."""
    return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
        render_to_string("social/work/_comment_fields.html", {"form": form_class()})
    )


@register.inclusion_tag("social/work/footer.html", takes_context=True)
def work_social_footer(context: template.Context) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    work: Work = context["work"]
    user = request.user
    chapters, comment_chapter = _commented_chapters(context)
    creators = creator_user_ids(work)
    moderators = comment_moderator_ids(work, user)
    comments = comments_shown(chapters, user, moderators)
    # The page has the chapters already: joining them would copy a chapter's whole text into
    # every comment's row.
    chapters_by_id = {chapter.pk: chapter for chapter in chapters}
    for comment in comments:
        comment.chapter = chapters_by_id[comment.chapter_id]
    refresh_comments(comments)
    threads, comment_count = comment_threads(comments, request, creators, moderators)
    threads, comment_pages = page_of_threads(threads, request)

    refusal = comment_refusal(work, user)
    form: CommentForm | None = None
    if refusal is None and comment_chapter is not None:
        form = CommentForm() if user.is_authenticated else GuestCommentForm()
    options = ThreadOptions(
        reply_links=form is not None,
        span_chapters=len(chapters) > 1,
        csrf_token=context.get("csrf_token", ""),
        next_url=request.get_full_path(),
        anonymous_creators=frozenset(creators) if work.in_anonymous_collection else frozenset(),
    )
    # The end bar's Bookmark button says what the top one says, from the state the top bar
    # fetched for this request (no second query).
    is_creator = user.is_authenticated and user.pk in creators
    has_bookmark = isinstance(user, User) and _reader_state(request, work, user).flags.get(
        "has_bookmark", False
    )
    return {
        "work": work,
        "user": user,
        "request": request,
        "is_creator": is_creator,
        "has_bookmark": has_bookmark,
        "next": request.get_full_path(),
        "comment_fields": empty_comment_fields(type(form)) if form is not None else "",
        "kudos_sentence": kudos_line(work, user),
        "threads": threads,
        "threads_html": threads_html(threads, options),
        "comment_count": comment_count,
        "comment_pages": comment_pages,
        "comment_chapter": comment_chapter,
        "comments_span_chapters": len(chapters) > 1,
        "comment_form": form,
        "comment_refusal": refusal,
        "moderated": work.moderated_comments,
    }


@register.inclusion_tag("social/_subscribe_creator.html", takes_context=True)
def subscribe_to_creator_button(context: template.Context, creator: Any) -> dict[str, Any]:
    """For a member's profile page.

    ``{% load social %}{% subscribe_to_creator_button profile_user %}``
    """
    request: HttpRequest = context["request"]
    user = request.user
    shown = isinstance(user, User) and user.pk != creator.pk
    return {
        "creator": creator,
        "shown": shown,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "is_subscribed": isinstance(user, User)
        and Subscription.objects.filter(user=user, creator_id=creator.pk).exists(),
    }


@register.simple_tag(takes_context=True)
def unread_inbox_count(context: template.Context) -> int:
    """For the site header: ``{% load social %}{% unread_inbox_count as unread %}``."""
    request: HttpRequest | None = context.get("request")
    if request is None or not isinstance(request.user, User):
        return 0
    items = InboxItem.objects.filter(recipient=request.user, is_read=False)
    return items.about_works_visible_to(request.user).count()


@register.inclusion_tag("social/_series_actions.html", takes_context=True)
def series_social_actions(context: template.Context, series: Series) -> dict[str, Any]:
    """Subscribe and Bookmark for a series page: ``{% series_social_actions series %}``."""
    request: HttpRequest = context["request"]
    user = request.user if isinstance(request.user, User) else None
    return {
        "series": series,
        "is_member": user is not None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "is_subscribed": user is not None
        and Subscription.objects.filter(user=user, series=series).exists(),
        "bookmark": Bookmark.objects.filter(user=user, series=series).first() if user else None,
    }


@register.inclusion_tag("social/_dashboard_bookmarks.html")
def dashboard_bookmarks(user: User) -> dict[str, Any]:
    """The member's latest bookmarks on their dashboard: ``{% dashboard_bookmarks user %}``."""
    # As AO3's dashboard: the latest few, and a link to them all.
    bookmarks = _LATEST_BOOKMARKS[viewer_kind(user)].run(user_id=user.pk)
    return {"bookmarks": bookmarks, "user": user}


def _latest_bookmarks(kind: ViewerKind) -> PreparedQuery[Bookmark]:
    def build(user_id: int) -> QuerySet[Bookmark, Any]:
        # Unsaved: the visibility rule reads only the viewer's kind and key.
        member = User(pk=user_id, is_staff=kind == ViewerKind.STAFF)
        return own_bookmarks(member).select_related("work", "series", "external_work")[:5]

    return PreparedQuery(build, ["user_id"])


# Compiled once per connection and kind of member (``core.prepared_queries``): the three
# visibility conditions of ``own_bookmarks`` cost the dashboard more to build than to run.
_LATEST_BOOKMARKS = {
    kind: _latest_bookmarks(kind) for kind in (ViewerKind.MEMBER, ViewerKind.STAFF)
}

"""The parts of a work page's footer that most readers see alike, kept rendered.

The footer (kudos and comments) was the largest part of a work page's time: the comments
read and written as HTML for this reader, and the latest kudos givers (bench/RESULTS.md,
issue 12, step 9). Most readers see the same there. A guest, and a member who is neither one
of the work's creators, a moderator of a collection it is in nor an admin, who has no comment
in any state on the chapters shown and muted nobody who has, sees the public comments
(``Comment.objects.shown_to`` a guest: approved, neither hidden nor held, deleted ones with
replies as placeholders) with no Edit, Delete, Approve or moderation button, so with no CSRF
token and no return address in them. Those threads are kept in the shared cache, under:

- the work's page version and the shared one (``search.page_versions``, read through
  ``works.page_version_reader`` before the comments are): every comment saved or deleted
  recounts the work's comments and so moves its version, as a kudos does; a member's
  username changed, a ban or an account deleted moves the shared one;
- the chapters shown, the comment page asked for, whether the reader gets Reply links, the
  creators signed "Anonymous Creator" (a work in an anonymous collection);
- the active time zone and language (the dates), the URL prefix, and this code.

With them, the ids of every member with a comment on those chapters, whatever its state:
a reader among them, or one who muted any of them, gets threads written for them, as every
reader did before. The kudos line's latest givers are kept under the same versions; the
ones a reader muted are left out for that reader.

Without a version reader (the search app not installed) nothing is kept.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache as once
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from ficshelf.core.disk_full import skipped_if_full
from ficshelf.social.comment_html import ThreadOptions, threads_html
from ficshelf.social.comment_pages import PAGE_PARAM, CommentPages, page_of_threads
from ficshelf.social.models import Comment, Kudos
from ficshelf.social.stored_html import refresh_comments
from ficshelf.social.threads import comment_threads
from ficshelf.works.models import Chapter, Work
from ficshelf.works.page_version_reader import page_versions

KEPT_SECONDS = 60
# AO3 names the latest givers and counts the rest: a work with 10,000 kudos must not fetch
# 10,000 names on every view.
KUDOS_NAMES_SHOWN = 50


@dataclass(frozen=True)
class ShownComments:
    """The comment section's threads as one reader sees them."""

    threads_html: SafeString
    count: int  # comments shown, deleted placeholders aside
    pages: CommentPages
    has_threads: bool  # the page of threads asked for shows any


@dataclass(frozen=True)
class _PublicComments:
    shown: ShownComments
    # Every member with a comment on the chapters, in any state.
    commenter_ids: frozenset[int]


@dataclass(frozen=True)
class FooterVersions:
    """The work's page version and the shared one, read once for the footer's kept parts."""

    work_id: int
    own: int
    shared: int

    @classmethod
    def read(cls, work: Work) -> FooterVersions | None:
        read = page_versions([work.pk])
        if read is None:
            return None
        versions, shared = read
        return cls(work_id=work.pk, own=versions.get(work.pk, 0), shared=shared)


def shown_comments(
    request: HttpRequest,
    chapters: Sequence[Chapter],
    options: ThreadOptions,
    *,
    creators: Collection[int],
    moderators: Collection[int],
    muted: Collection[int],
    versions: FooterVersions | None,
) -> ShownComments:
    """The threads of ``chapters``' comments this reader sees, kept when they are the public
    ones (the module's docstring says when); ``muted``: the members the reader muted."""
    user = request.user
    if user.is_authenticated and (user.is_staff or user.pk in moderators):
        return _written_for(request, chapters, options, creators, moderators)
    key = _threads_key(versions, chapters, options, request) if versions else None
    public: _PublicComments | None = cache.get(key) if key else None
    if public is None:
        public = _public_comments(request, chapters, options)
        if key:
            with skipped_if_full("keeping comment threads"):
                cache.set(key, public, KEPT_SECONDS)
    commenters = public.commenter_ids
    if user.is_authenticated and (user.pk in commenters or not commenters.isdisjoint(muted)):
        return _written_for(request, chapters, options, creators, moderators)
    return public.shown


def latest_kudos_givers(work: Work, versions: FooterVersions | None) -> list[tuple[int, str]]:
    """The latest ``KUDOS_NAMES_SHOWN`` + 1 members who left kudos, (id, username), newest
    first (one more tells whether there are others), kept under the work's versions."""
    key = _key("kept-kudos-givers", versions) if versions else None
    if key:
        kept: list[tuple[int, str]] | None = cache.get(key)
        if kept is not None:
            return kept
    latest = list(
        Kudos.objects.filter(work=work, user__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("user_id", "user__username")[: KUDOS_NAMES_SHOWN + 1]
    )
    if key:
        with skipped_if_full("keeping kudos givers"):
            cache.set(key, latest, KEPT_SECONDS)
    return latest


def _written_for(
    request: HttpRequest,
    chapters: Sequence[Chapter],
    options: ThreadOptions,
    creators: Collection[int],
    moderators: Collection[int],
) -> ShownComments:
    """The threads written for this reader: their own comments in any state, the hidden and
    unreviewed ones for moderators, their buttons, no comment by anyone they muted."""
    comments = _comments_of(chapters, Comment.objects.shown_to(request.user, moderators))
    threads, count = comment_threads(comments, request.user, creators, moderators)
    threads, pages = page_of_threads(threads, request)
    return ShownComments(threads_html(threads, options), count, pages, bool(threads))


def _public_comments(
    request: HttpRequest, chapters: Sequence[Chapter], options: ThreadOptions
) -> _PublicComments:
    """The threads a guest sees, written with no reader's token or address in them."""
    guest = AnonymousUser()
    comments = _comments_of(chapters, Comment.objects.shown_to(guest, ()))
    commenter_ids = frozenset(
        Comment.objects.filter(chapter__in=chapters, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    threads, count = comment_threads(comments, guest, (), ())
    threads, pages = page_of_threads(threads, request)
    anonymous = ThreadOptions(
        reply_links=options.reply_links,
        span_chapters=options.span_chapters,
        csrf_token="",
        next_url="",
        anonymous_creators=options.anonymous_creators,
    )
    shown = ShownComments(threads_html(threads, anonymous), count, pages, bool(threads))
    return _PublicComments(shown=shown, commenter_ids=commenter_ids)


def _comments_of(chapters: Sequence[Chapter], shown: Any) -> list[Comment]:
    comments = list(shown.filter(chapter__in=chapters).select_related("user"))
    # The page has the chapters already: joining them would copy a chapter's whole text into
    # every comment's row.
    chapters_by_id = {chapter.pk: chapter for chapter in chapters}
    for comment in comments:
        comment.chapter = chapters_by_id[comment.chapter_id]
    refresh_comments(comments)
    return comments


def _threads_key(
    versions: FooterVersions,
    chapters: Sequence[Chapter],
    options: ThreadOptions,
    request: HttpRequest,
) -> str:
    return _key(
        "kept-comment-threads",
        versions,
        tuple(chapter.pk for chapter in chapters),
        request.GET.get(PAGE_PARAM, "1")[:12],
        options.reply_links,
        options.span_chapters,
        tuple(sorted(options.anonymous_creators)),
        get_current_timezone_name(),
        get_language(),
    )


def _key(kind: str, versions: FooterVersions, *parts: object) -> str:
    named = (versions.work_id, versions.own, versions.shared, get_script_prefix(), _code(), parts)
    return f"{kind}:{hashlib.sha256(repr(named).encode()).hexdigest()}"


@once
def _code() -> str:
    """A digest of the code that writes what is kept: a new release never serves an old
    rendering."""
    modules = ("ficshelf.social.comment_html", "ficshelf.social.threads", __name__)
    source = "".join(inspect.getsource(sys.modules[name]) for name in modules)
    return hashlib.sha256(source.encode()).hexdigest()[:16]

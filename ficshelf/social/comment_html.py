"""A work page's comment threads as HTML, built in Python rather than by a template included
once per comment: an entire work shows dozens of comments, and each include, with its date
filters and URL lookups, cost about a tenth of a millisecond more than this (an entire work
page's footer went from 9.9 to 7.8-8.7 ms, bench/RESULTS.md, issue 12).

Everything shown is escaped here (``escape``) except the comment's text, which is stored
sanitized (``social.stored_html``). Per comment, the URLs are filled into patterns reversed
once per page and the dates written without Django's date formatter (which parses its format
on every call): the footer of a chapter with forty comments 4.5 -> 1.5 ms.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language

from ficshelf.core.spam import SpamState
from ficshelf.social.models import ANONYMOUS_CREATOR, Comment

if TYPE_CHECKING:
    import datetime

    from ficshelf.social.templatetags.social import CommentNode

COMMENT_DATE = "D d M Y, H:i"  # as Django's date filter would write it (see _comment_date)
# Stands for a comment's id in URLs reversed once per page.
_ID_PLACEHOLDER = 918273645546372819
# Stands for a username in the profile URL reversed once per page; names of these
# characters only are put in as they are (``reverse`` would not quote any of them).
_NAME_PLACEHOLDER = "commenter-name-placeholder"
_NAME_AS_IT_IS = re.compile(r"[A-Za-z0-9_.@+-]+")


def escape(value: object) -> str:
    """What Django's ``escape`` gives (``html.escape`` of the text, quotes included),
    without its wrapper for lazy strings, which cost more than the escaping itself some
    ten times a comment."""
    return html.escape(str(value))


@dataclass(frozen=True)
class ThreadOptions:
    """What the page around the threads decides for every comment in them."""

    reply_links: bool  # the reader may comment here, so approved comments get "Reply"
    span_chapters: bool  # the page shows several chapters: each comment names its own
    # For the Approve and Delete buttons of those who have them; lazy, so a page without
    # them does not make a token.
    csrf_token: object
    next_url: str  # where those buttons come back to
    # The work's creators when it is in an anonymous collection: their comments are signed
    # "Anonymous Creator" (``Comment.public_author_name``).
    anonymous_creators: frozenset[int] = frozenset()


def threads_html(threads: Iterable[CommentNode], options: ThreadOptions) -> SafeString:
    """The ``<li>`` of each thread, its replies nested in ``<ol class="thread">``."""
    out: list[str] = []
    urls = _CommentUrls()
    for node in threads:
        _comment(node, options, urls, out)
    return mark_safe("".join(out))  # noqa: S308 - every part escaped


class _CommentUrls:
    """A comment's URLs by view name, reversed once per page (under this request's prefix)."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str] | None] = {}
        self._profiles: dict[str, str] = {}

    def __call__(self, name: str, comment_id: int) -> str:
        if name not in self._patterns:
            url = reverse(name, args=[_ID_PLACEHOLDER])
            before, found, after = url.partition(str(_ID_PLACEHOLDER))
            self._patterns[name] = (before, after) if found else None
        pattern = self._patterns[name]
        if pattern is None:  # a URL that does not show the id as it is: ask each time
            return reverse(name, args=[comment_id])
        return f"{pattern[0]}{comment_id}{pattern[1]}"

    def profile(self, username: str) -> str:
        """A commenter's profile (``users:profile``): the pattern reversed once per page,
        and names that ``reverse`` would quote reversed once per name."""
        if _NAME_AS_IT_IS.fullmatch(username):
            if "" not in self._profiles:
                self._profiles[""] = reverse("users:profile", args=[_NAME_PLACEHOLDER])
            return self._profiles[""].replace(_NAME_PLACEHOLDER, username, 1)
        if username not in self._profiles:
            self._profiles[username] = reverse("users:profile", args=[username])
        return self._profiles[username]

    def moderation(self, comment_id: int, change: str) -> str:
        """The Hide/Unhide/Freeze/Unfreeze button's URL (shown to moderators only)."""
        return reverse("social:moderate_comment", args=[comment_id, change])


def _comment(node: CommentNode, options: ThreadOptions, urls: _CommentUrls, out: list[str]) -> None:
    comment = node.comment
    states = "" if comment.is_approved else " unreviewed"
    states += " withheld" if comment.is_hidden or comment.spam_state else ""
    out.append(f'<li class="comment{states}" id="comment_{comment.pk}">')
    if comment.is_deleted:
        out.append('<p class="deleted-comment">(Previous comment deleted.)</p>')
    else:
        out.append(f'<article aria-label="Comment by {escape(_author(comment, options))}">')
        out.append(_heading(node, options, urls))
        if not comment.is_approved:
            out.append(
                '<p class="notice">This comment is awaiting approval by the work\'s creator.</p>'
            )
        out.extend(_state_notes(comment))
        # The text is stored sanitized.
        out.append(f'<blockquote class="userstuff comment-text">{comment.text}</blockquote>')
        if comment.edited_at:
            out.append(f'<p class="comment-edited">Last edited {_time(comment.edited_at, "")}</p>')
        out.append(_actions(node, options, urls))
        out.append("</article>")
    if node.replies:
        out.append('<ol class="thread">')
        for reply in node.replies:
            _comment(reply, options, urls, out)
        out.append("</ol>")
    out.append("</li>")


def _state_notes(comment: Comment) -> list[str]:
    """What only its author and moderators see: why the comment is not shown to others."""
    notes = []
    if comment.spam_state == SpamState.HELD:
        notes.append(
            '<p class="notice held-note">Held for moderation: only its author and the '
            "archive's moderators see this comment until a moderator approves it.</p>"
        )
    elif comment.spam_state:
        notes.append('<p class="notice held-note">Marked as spam: shown to nobody else.</p>')
    if comment.is_hidden:
        notes.append(
            '<p class="notice hidden-note">Hidden: only its author, the work\'s creators '
            "and moderators see this comment.</p>"
        )
    if comment.is_frozen:
        notes.append('<p class="frozen-note">Frozen: this thread takes no more replies.</p>')
    return notes


def _heading(node: CommentNode, options: ThreadOptions, urls: _CommentUrls) -> str:
    comment = node.comment
    parts: list[str] = [_author_html(comment, options, urls)]
    if comment.is_by_guest:
        parts.append(' <span class="guest-label">(Guest)</span>')
    if options.span_chapters:
        position = escape(comment.chapter.position)
        parts.append(f' <span class="comment-chapter">on Chapter {position}</span>')
    parts.append(" " + _time(comment.created_at, "comment-date"))
    return '<h4 class="comment-heading">' + "".join(parts) + "</h4>"


def _author_html(comment: Comment, options: ThreadOptions, urls: _CommentUrls) -> str:
    """The commenter's name, linked to their profile when they have one to show: a guest's
    name is not a member's, an anonymous creator is never named, and a closed account's
    profile is gone."""
    name = escape(_author(comment, options))
    user = comment.user if comment.user_id is not None else None
    if user is None or not user.is_active or comment.user_id in options.anonymous_creators:
        return f'<span class="comment-author">{name}</span>'
    return f'<a class="comment-author" href="{escape(urls.profile(user.username))}">{name}</a>'


def _author(comment: Comment, options: ThreadOptions) -> str:
    if comment.user_id is not None and comment.user_id in options.anonymous_creators:
        return ANONYMOUS_CREATOR
    return comment.author_name


def _time(moment: datetime.datetime, css_class: str) -> str:
    local = localtime(moment)  # as the template's date filter shows it
    class_attribute = f' class="{escape(css_class)}"' if css_class else ""
    return (
        f'<time{class_attribute} datetime="{escape(local.isoformat())}">'
        f"{escape(_comment_date(local))}</time>"
    )


def _comment_date(local: datetime.datetime) -> str:
    """``COMMENT_DATE`` as Django's ``date`` filter writes it ("Fri 05 Dec 2026, 09:30"),
    in the active language (the names are Django's own translations)."""
    weekdays, months = _day_and_month_names(get_language())
    weekday, month = weekdays[local.weekday()], months[local.month]
    return (
        f"{weekday} {local.day:02d} {month} {local.year:04d}, {local.hour:02d}:{local.minute:02d}"
    )


@functools.cache
def _day_and_month_names(language: str | None) -> tuple[list[str], dict[int, str]]:
    """The abbreviated names of the days and months in ``language``, the active one (looked
    up once per language rather than twice a comment)."""
    weekdays = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    return weekdays, months


def _actions(node: CommentNode, options: ThreadOptions, urls: _CommentUrls) -> str:
    comment = node.comment
    items: list[str] = []
    open_to_replies = not (comment.is_frozen or comment.is_hidden or comment.spam_state)
    if options.reply_links and comment.is_approved and open_to_replies:
        # ``comment-replies.js`` opens the reply form under the comment; without it the
        # link opens the reply page.
        reply_url = escape(urls("social:reply", comment.pk))
        items.append(f'<li><a href="{reply_url}" data-inline-reply="{comment.pk}">Reply</a></li>')
    if node.may_edit:
        items.append(_link(urls("social:edit_comment", comment.pk), "Edit"))
    if node.may_approve:
        items.append(_button(urls("social:approve_comment", comment.pk), "Approve", options))
    items.append(_link(urls("moderation:report_comment", comment.pk), "Report"))
    if node.may_moderate:
        hide = "unhide" if comment.is_hidden else "hide"
        freeze = "unfreeze" if comment.is_frozen else "freeze"
        for change, label in ((hide, hide.title()), (freeze, f"{freeze.title()} thread")):
            url = urls.moderation(comment.pk, change)
            items.append(_button(url, label, options))
    if node.may_delete:
        items.append(_button(urls("social:delete_comment", comment.pk), "Delete", options))
    return '<ul class="actions comment-actions">' + "".join(items) + "</ul>"


def _link(url: str, label: str) -> str:
    return f'<li><a href="{escape(url)}">{escape(label)}</a></li>'


def _button(url: str, label: str, options: ThreadOptions) -> str:
    return (
        f'<li><form method="post" action="{escape(url)}">'
        '<input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{escape(options.csrf_token)}">'
        f'<input type="hidden" name="next" value="{escape(options.next_url)}">'
        f'<button type="submit" class="link-button">{escape(label)}</button></form></li>'
    )

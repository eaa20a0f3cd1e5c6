"""A work page's comment threads as HTML, built in Python rather than by a template included
once per comment: an entire work shows dozens of comments, and each include, with its date
filters and URL lookups, cost about a tenth of a millisecond more than this (an entire work
page's footer went from 9.9 to 7.8-8.7 ms, bench/RESULTS.md, issue 12).

Everything shown is escaped here (``format_html``) except the comment's text, which is
stored sanitized (``social.stored_html``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

if TYPE_CHECKING:
    import datetime

    from ficshelf.social.templatetags.social import CommentNode

COMMENT_DATE = "D d M Y, H:i"


@dataclass(frozen=True)
class ThreadOptions:
    """What the page around the threads decides for every comment in them."""

    reply_links: bool  # the reader may comment here, so approved comments get "Reply"
    span_chapters: bool  # the page shows several chapters: each comment names its own
    # For the Approve and Delete buttons of those who have them; lazy, so a page without
    # them does not make a token.
    csrf_token: object
    next_url: str  # where those buttons come back to


def threads_html(threads: Iterable[CommentNode], options: ThreadOptions) -> SafeString:
    """The ``<li>`` of each thread, its replies nested in ``<ol class="thread">``."""
    out: list[str] = []
    for node in threads:
        _comment(node, options, out)
    return mark_safe("".join(out))  # noqa: S308 - every part escaped by format_html


def _comment(node: CommentNode, options: ThreadOptions, out: list[str]) -> None:
    comment = node.comment
    unreviewed = "" if comment.is_approved else " unreviewed"
    out.append(format_html('<li class="comment{}" id="comment_{}">', unreviewed, comment.pk))
    if comment.is_deleted:
        out.append('<p class="deleted-comment">(Previous comment deleted.)</p>')
    else:
        out.append(format_html('<article aria-label="Comment by {}">', comment.author_name))
        out.append(_heading(node, options))
        if not comment.is_approved:
            out.append(
                '<p class="notice">This comment is awaiting approval by the work\'s creator.</p>'
            )
        out.append(
            format_html(
                '<blockquote class="userstuff comment-text">{}</blockquote>',
                mark_safe(comment.text),  # noqa: S308 - stored sanitized
            )
        )
        if comment.edited_at:
            out.append(
                format_html(
                    '<p class="comment-edited">Last edited {}</p>', _time(comment.edited_at, "")
                )
            )
        out.append(_actions(node, options))
        out.append("</article>")
    if node.replies:
        out.append('<ol class="thread">')
        for reply in node.replies:
            _comment(reply, options, out)
        out.append("</ol>")
    out.append("</li>")


def _heading(node: CommentNode, options: ThreadOptions) -> str:
    comment = node.comment
    parts: list[str] = [format_html('<span class="comment-author">{}</span>', comment.author_name)]
    if comment.is_by_guest:
        parts.append(' <span class="guest-label">(Guest)</span>')
    if options.span_chapters:
        parts.append(
            format_html(
                ' <span class="comment-chapter">on Chapter {}</span>', comment.chapter.position
            )
        )
    parts.append(" " + _time(comment.created_at, "comment-date"))
    return '<h4 class="comment-heading">' + "".join(parts) + "</h4>"


def _time(moment: datetime.datetime, css_class: str) -> str:
    local = localtime(moment)  # as the template's date filter shows it
    if css_class:
        return format_html(
            '<time class="{}" datetime="{}">{}</time>',
            css_class,
            format_date(local, "c"),
            format_date(local, COMMENT_DATE),
        )
    return format_html(
        '<time datetime="{}">{}</time>', format_date(local, "c"), format_date(local, COMMENT_DATE)
    )


def _actions(node: CommentNode, options: ThreadOptions) -> str:
    comment = node.comment
    items: list[str] = []
    if options.reply_links and comment.is_approved:
        items.append(_link(reverse("social:reply", args=[comment.pk]), "Reply"))
    if node.may_edit:
        items.append(_link(reverse("social:edit_comment", args=[comment.pk]), "Edit"))
    if node.may_approve:
        items.append(
            _button(reverse("social:approve_comment", args=[comment.pk]), "Approve", options)
        )
    items.append(_link(reverse("moderation:report_comment", args=[comment.pk]), "Report"))
    if node.may_delete:
        items.append(
            _button(reverse("social:delete_comment", args=[comment.pk]), "Delete", options)
        )
    return '<ul class="actions comment-actions">' + "".join(items) + "</ul>"


def _link(url: str, label: str) -> str:
    return format_html('<li><a href="{}">{}</a></li>', url, label)


def _button(url: str, label: str, options: ThreadOptions) -> str:
    return format_html(
        '<li><form method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="link-button">{}</button></form></li>',
        url,
        options.csrf_token,
        options.next_url,
        label,
    )

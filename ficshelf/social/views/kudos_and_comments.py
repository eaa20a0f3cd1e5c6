"""Kudos and comments: leaving kudos, posting, replying to, editing, deleting and approving
comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.core.parsing import parse_id
from ficshelf.core.ratelimit import (
    RateLimit,
    Verdict,
    attempt_all,
    client_address,
    give_back,
    limit_address,
    with_retry_after,
)
from ficshelf.social import actions
from ficshelf.social.access import (
    comment_moderator_ids,
    comment_refusal,
    get_comment_for_viewer,
)
from ficshelf.social.actions import ActionRefused
from ficshelf.social.comment_pages import comment_url, url_on_its_page
from ficshelf.social.forms import CommentForm, CommentTextForm, GuestCommentForm
from ficshelf.social.models import Comment
from ficshelf.social.spam_checks import Sender
from ficshelf.social.views._common import _back
from ficshelf.works.access import get_chapter_for_viewer, get_work_for_viewer
from ficshelf.works.models import Work

# Per account and per address: enough for a lively discussion, too few for a spam run.
COMMENT_LIMIT_PER_ACCOUNT = 10
COMMENT_LIMIT_PER_ADDRESS = 20
COMMENT_LIMIT_WINDOW_SECONDS = 300
COMMENTS_BY_ACCOUNT = RateLimit(
    "comment-account", limit=COMMENT_LIMIT_PER_ACCOUNT, window_seconds=COMMENT_LIMIT_WINDOW_SECONDS
)
COMMENTS_BY_ADDRESS = RateLimit(
    "comment-address", limit=COMMENT_LIMIT_PER_ADDRESS, window_seconds=COMMENT_LIMIT_WINDOW_SECONDS
)
RATE_LIMITED_MESSAGE = "You've posted too many comments in a short time. Please try again {when}."


# ---- Kudos ----


@require_POST
def leave_kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    try:
        actions.leave_kudos(work, actor=request.user, guest=actions.guest_key(request))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Thank you for leaving kudos!")
    return _back(request, work.get_absolute_url())


# ---- Comments ----


def _comment_form_page(
    request: HttpRequest,
    form: CommentTextForm,
    *,
    action: str,
    heading: str,
    work: Work,
    parent: Comment | None = None,
    refusal: str = "",
    status: int = 200,
    keep_form: bool = False,
) -> HttpResponse:
    context = {
        "keep_form": keep_form,
        "form": form,
        "action": action,
        "heading": heading,
        "work": work,
        "parent": parent,
        "refusal": refusal,
    }
    return render(request, "social/comment_form.html", context, status=status)


def _empty_comment_form(request: HttpRequest, data: Any = None) -> CommentForm:
    return CommentForm(data) if request.user.is_authenticated else GuestCommentForm(data)


@require_POST
def post_comment(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    chapter = get_chapter_for_viewer(request, work, chapter_id)
    parent = None
    if raw_parent_id := request.POST.get("parent_id", ""):
        # A reply to a comment that cannot exist must not become a top-level comment.
        parent_id = parse_id(raw_parent_id)
        if parent_id is None:
            raise Http404("No such comment.")
        parent = get_comment_for_viewer(request, parent_id)
    action = reverse("social:post_comment", args=[work.pk, chapter.pk])
    heading = f"Reply to {parent.public_author_name}" if parent else f"Comment on {work.title}"
    form = _empty_comment_form(request, request.POST)
    page: dict[str, Any] = {"action": action, "heading": heading, "work": work, "parent": parent}

    refusal = comment_refusal(work, request.user, parent)
    if refusal:
        return _comment_form_page(request, form, refusal=refusal, status=403, **page)
    if not form.is_valid():
        return _comment_form_page(request, form, status=400, **page)
    verdict = _count_comment(request)
    if not verdict:
        refusal = RATE_LIMITED_MESSAGE.format(when=verdict.retry_in_words)
        # The form stays, with what was typed, to send again later.
        response = _comment_form_page(
            request, form, refusal=refusal, status=429, keep_form=True, **page
        )
        return with_retry_after(response, verdict)
    try:
        comment = actions.post_comment(
            chapter,
            actor=request.user,
            text=form.cleaned_data["text"],
            parent=parent,
            guest_name=form.cleaned_data.get("guest_name", ""),
            guest_email=form.cleaned_data.get("guest_email", ""),
            sender=Sender(
                address=client_address(request),
                burst_key=limit_address(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
                site=request.build_absolute_uri("/"),
            ),
        )
    except ActionRefused as error:
        give_back(verdict)  # nothing was posted
        return _comment_form_page(request, form, refusal=str(error), status=403, **page)
    if comment.spam_state:
        messages.success(
            request,
            "Your comment was received and is held for moderation: it will appear once a "
            "moderator approves it.",
        )
        # A guest cannot see it: back to the chapter, not to the comment's address.
        return redirect(reverse("works:chapter", args=[work.pk, chapter.pk]) + "#comments")
    elif comment.is_approved:
        messages.success(request, "Comment created!")
    else:
        messages.success(request, "Your comment was received; it will appear once approved.")
    return redirect(comment_url(comment))


def _count_comment(request: HttpRequest) -> Verdict:
    """Count a comment against its address and, for a member, their account."""
    attempts = [(COMMENTS_BY_ADDRESS, limit_address(request))]
    if request.user.is_authenticated:
        attempts.append((COMMENTS_BY_ACCOUNT, str(request.user.pk)))
    return attempt_all(attempts)


@require_safe
def reply_form(request: HttpRequest, comment_id: int) -> HttpResponse:
    parent = get_comment_for_viewer(request, comment_id)
    work = get_work_for_viewer(request, parent.work_id)
    refusal = comment_refusal(work, request.user, parent) or ""
    if parent.is_frozen:
        refusal = "Sorry, this thread is frozen: it takes no more replies."
    elif parent.is_deleted or not parent.is_approved or parent.is_hidden or parent.spam_state:
        refusal = "Sorry, you can't reply to that comment."
    return _comment_form_page(
        request,
        _empty_comment_form(request),
        action=reverse("social:post_comment", args=[work.pk, parent.chapter_id]),
        heading=f"Reply to {parent.public_author_name}",
        work=work,
        parent=parent,
        refusal=refusal,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    work = get_work_for_viewer(request, comment.work_id)
    page: dict[str, Any] = {
        "action": reverse("social:edit_comment", args=[comment.pk]),
        "heading": "Edit your comment",
        "work": work,
    }
    if request.method != "POST":
        form = CommentTextForm(initial={"text": comment.text})
        if comment.user_id != request.user.pk or comment.is_deleted:
            return _comment_form_page(
                request, form, refusal="Sorry, you can't edit that comment.", status=403, **page
            )
        return _comment_form_page(request, form, **page)
    form = CommentTextForm(request.POST)
    if not form.is_valid():
        return _comment_form_page(request, form, status=400, **page)
    try:
        actions.edit_comment(comment, actor=request.user, text=form.cleaned_data["text"])
    except ActionRefused as error:
        return _comment_form_page(request, form, refusal=str(error), status=403, **page)
    messages.success(request, "Comment was successfully updated.")
    return redirect(comment_url(comment))


@require_safe
def comment_permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's address: the chapter page its thread is on, for this reader."""
    comment = get_comment_for_viewer(request, comment_id)
    moderators = comment_moderator_ids(comment.work, request.user)
    on_chapter = Comment.objects.filter(chapter_id=comment.chapter_id)
    shown = list(on_chapter.shown_to(request.user, moderators))  # the footer's order
    return redirect(url_on_its_page(comment, shown))


@login_required
@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    default = reverse("works:chapter", args=[comment.work_id, comment.chapter_id]) + "#comments"
    try:
        actions.delete_comment(comment, actor=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
        return HttpResponse(str(error), status=403)
    messages.success(request, "Comment deleted.")
    return _back(request, default)


@login_required
@require_POST
def approve_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    try:
        actions.approve_comment(comment, actor=request.user)
    except ActionRefused as error:
        return HttpResponse(str(error), status=403)
    messages.success(request, "Comment approved.")
    return _back(request, reverse("works:chapter", args=[comment.work_id, comment.chapter_id]))

"""The spam queue (``/moderation/spam/``): every held post, oldest first, with Approve,
Spam, and Spam and suspend; the accounts marked as spam, with Not spam. Open to members
with the ``moderation.review_spam`` permission (declared on ``SpamMark``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.moderation import spam_actions
from ficshelf.moderation.models import SpamMark
from ficshelf.moderation.spam_actions import SpamActionRefused, authors
from ficshelf.social.models import Comment
from ficshelf.works.models import Work

PERMISSION = "moderation.review_spam"
SHOWN_PER_PAGE = 50
KINDS: dict[str, type[Work] | type[Comment]] = {"comment": Comment, "work": Work}
DECISIONS = ("approve", "spam", "spam_and_suspend")


def _reviewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm(PERMISSION):
        raise PermissionDenied("Only the archive's spam reviewers can see this page.")
    return user


@login_required
@require_safe
def spam_queue(request: HttpRequest) -> HttpResponse:
    _reviewer(request)
    comments = (
        Comment.objects.filter(spam_state=SpamState.HELD)
        .select_related("work", "user")
        .order_by("created_at", "pk")
    )
    works = (
        Work.objects.filter(spam_state=SpamState.HELD)
        .prefetch_related("creatorships__pseud__user")
        .order_by("created_at", "pk")
    )
    comment_page = Paginator(comments, SHOWN_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "comments": comment_page,
        "comment_total": comment_page.paginator.count,
        "works": list(works[:SHOWN_PER_PAGE]),
        "work_total": works.count(),
        "marks": SpamMark.objects.filter(lifted_at__isnull=True).select_related("user"),
    }
    for work in context["works"]:
        work.member_names = [
            c.pseud.user.get_username()
            for c in work.creatorships.all()
            if c.is_approved and c.pseud.user is not None
        ]
    return render(request, "moderation/spam_queue.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor = _reviewer(request)
    model = KINDS.get(kind)
    decision = request.POST.get("decision", "")
    if model is None or decision not in DECISIONS:
        raise Http404("No such decision.")
    post: Work | Comment = get_object_or_404(model, pk=pk)  # type: ignore[assignment]
    reason = request.POST.get("reason", "")
    try:
        with transaction.atomic():
            if decision == "approve":
                spam_actions.approve(post, actor=actor, reason=reason)
                done = "Approved: it is published."
            else:
                spam_actions.mark_spam(post, actor=actor, reason=reason)
                done = "Marked as spam."
                if decision == "spam_and_suspend":
                    members = authors(post)
                    if not members:
                        raise SpamActionRefused(
                            "A guest's comment has no account to suspend: mark it as spam."
                        )
                    for member in members:
                        spam_actions.mark_account_spam(
                            member, actor=actor, reason=reason, and_suspend=True
                        )
                    names = ", ".join(member.get_username() for member in members)
                    done = f"Marked as spam; {names} marked as a spammer and suspended."
    except SpamActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("moderation:spam_queue"))
    messages.success(request, done)
    return redirect(reverse("moderation:spam_queue"))


@login_required
@require_POST
def not_spam(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _reviewer(request)
    member = get_object_or_404(User, pk=user_id)
    try:
        restored = spam_actions.lift_account_spam(
            member, actor=actor, reason=request.POST.get("reason", "")
        )
    except SpamActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, f"{member.get_username()} is not a spammer: {restored} posts shown again."
        )
    return redirect(reverse("moderation:spam_queue"))

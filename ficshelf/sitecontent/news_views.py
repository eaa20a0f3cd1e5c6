"""News: the listing (with a tag filter), a post with its comments, posting and editing,
and the Atom feed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import attempt_all, limit_address, with_retry_after
from ficshelf.core.sanitizer import Profile, refresh_if_stale
from ficshelf.sitecontent import actions
from ficshelf.sitecontent.forms import NewsCommentForm, NewsPostForm
from ficshelf.sitecontent.markup import xml_safe
from ficshelf.sitecontent.models import NewsComment, NewsPost, NewsTag, WhoMayComment
from ficshelf.social.views.kudos_and_comments import (
    COMMENTS_BY_ACCOUNT,
    COMMENTS_BY_ADDRESS,
    RATE_LIMITED_MESSAGE,
)

POSTS_PER_PAGE = 10
FEED_SIZE = 20


def _can_publish(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_perm(actions.PUBLISH_NEWS)


def _posts() -> Any:
    return NewsPost.objects.prefetch_related(
        Prefetch("tags", queryset=NewsTag.objects.order_by("name"))
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    # (A query with a count loses the model's ordering: it is asked again.)
    posts = _posts().annotate(comment_count=Count("comments")).order_by("-published_at", "-pk")
    tag = None
    if tag_name := request.GET.get("tag", "").strip():
        tag = NewsTag.objects.filter(name__iexact=tag_name[:100]).first()
        posts = posts.filter(tags=tag) if tag is not None else posts.none()
    shown = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "posts": shown,
        "tag": tag,
        "tag_name": tag_name,
        "all_tags": NewsTag.objects.filter(posts__isnull=False).distinct().order_by("name"),
        "can_publish": _can_publish(request),
    }
    return render(request, "sitecontent/news_index.html", context)


def comment_refusal(post: NewsPost, user: User | Any) -> str:
    """Why this reader may not comment on ``post`` ("" when they may)."""
    if post.who_may_comment == WhoMayComment.NOBODY:
        return "Comments on this post are closed."
    if post.who_may_comment == WhoMayComment.MEMBERS and not user.is_authenticated:
        return "Only members can comment on this post. Sign in to comment."
    return ""


def _post_page(
    request: HttpRequest, post: NewsPost, form: NewsCommentForm | None = None, status: int = 200
) -> HttpResponse:
    refresh_if_stale(post, ["html"])
    comments = list(post.comments.select_related("user"))
    for comment in comments:
        refresh_if_stale(comment, ["text"], Profile.COMMENT)
    refusal = comment_refusal(post, request.user)
    if form is None and not refusal:
        form = NewsCommentForm(is_guest=not request.user.is_authenticated)
    context = {
        "post": post,
        "comments": comments,
        "form": form,
        "refusal": refusal,
        "can_publish": _can_publish(request),
    }
    return render(request, "sitecontent/news_post.html", context, status=status)


@require_safe
def show(request: HttpRequest, post_id: int) -> HttpResponse:
    return _post_page(request, get_object_or_404(_posts(), pk=post_id))


@require_POST
def comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(_posts(), pk=post_id)
    if refusal := comment_refusal(post, request.user):
        messages.error(request, refusal)
        return _post_page(request, post, status=403)
    form = NewsCommentForm(request.POST, is_guest=not request.user.is_authenticated)
    if not form.is_valid():
        return _post_page(request, post, form, status=400)
    attempts = [(COMMENTS_BY_ADDRESS, limit_address(request))]
    if request.user.is_authenticated:
        attempts.append((COMMENTS_BY_ACCOUNT, str(request.user.pk)))
    verdict = attempt_all(attempts)
    if not verdict:
        # What was typed stays in the form, to send again later.
        form.add_error(None, RATE_LIMITED_MESSAGE.format(when=verdict.retry_in_words))
        return with_retry_after(_post_page(request, post, form, status=429), verdict)
    user = request.user if isinstance(request.user, User) else None
    added = actions.add_comment(
        post,
        user=user,
        guest_name=form.cleaned_data.get("name", ""),
        text=form.cleaned_data["text"],
    )
    messages.success(request, "Comment posted.")
    return redirect(f"{post.get_absolute_url()}#comment-{added.pk}")


@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    found = get_object_or_404(NewsComment, pk=comment_id)
    post_url = reverse("sitecontent:news_post", args=[found.post_id])
    reason = request.POST.get("reason", "").strip()
    own = request.user.is_authenticated and found.user_id == request.user.pk
    if not own and not _can_publish(request):
        raise PermissionDenied("Only its writer or a news publisher can delete a comment.")
    if not own and not reason:
        messages.error(request, "Say why the comment is deleted (the audit log keeps it).")
        return redirect(post_url)
    actions.delete_comment(found, actor=request.user, reason=reason)
    messages.success(request, "Comment deleted.")
    return redirect(post_url)


def _form_page(
    request: HttpRequest, form: NewsPostForm, post: NewsPost | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "post": post}
    return render(request, "sitecontent/news_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_post(request: HttpRequest) -> HttpResponse:
    if not _can_publish(request):
        raise PermissionDenied("Publishing news needs the permission to.")
    if request.method != "POST":
        initial = {"text_format": "markdown", "who_may_comment": WhoMayComment.MEMBERS}
        return _form_page(request, NewsPostForm(initial=initial), None)
    form = NewsPostForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, None, status=400)
    data = form.cleaned_data
    post = actions.publish_news(
        actor=request.user,
        title=data["title"],
        source=data["source"],
        text_format=data["text_format"],
        tag_names=data["tags"],
        who_may_comment=data["who_may_comment"],
    )
    messages.success(request, "Published.")
    return redirect(post.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(_posts(), pk=post_id)
    if not _can_publish(request):
        raise PermissionDenied("Editing news needs the permission to.")
    if request.method != "POST":
        initial = {
            "title": post.title,
            "text_format": post.text_format,
            "source": post.source,
            "tags": ", ".join(tag.name for tag in post.tags.all()),
            "who_may_comment": post.who_may_comment,
        }
        return _form_page(request, NewsPostForm(initial=initial), post)
    if request.POST.get("delete") == "yes":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, "Say why the post is deleted (the audit log keeps it).")
            return redirect(reverse("sitecontent:news_edit", args=[post.pk]))
        actions.delete_news(post, actor=request.user, reason=reason)
        messages.success(request, "News post deleted.")
        return redirect("sitecontent:news")
    form = NewsPostForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, post, status=400)
    data = form.cleaned_data
    actions.edit_news(
        post,
        actor=request.user,
        title=data["title"],
        source=data["source"],
        text_format=data["text_format"],
        tag_names=data["tags"],
        who_may_comment=data["who_may_comment"],
    )
    messages.success(request, "Saved.")
    return redirect(post.get_absolute_url())


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """The newest news posts as Atom (the same for everyone: news is public)."""
    posts = list(_posts()[:FEED_SIZE])
    news_url = request.build_absolute_uri(reverse("sitecontent:news"))
    atom = Atom1Feed(
        title=xml_safe(f"{settings.SITE_NAME} news"),
        link=news_url,
        description="",
        feed_url=request.build_absolute_uri(reverse("sitecontent:news_feed")),
        feed_guid=news_url,
        language="en",
    )
    for post in posts:
        refresh_if_stale(post, ["html"])
        url = request.build_absolute_uri(post.get_absolute_url())
        atom.add_item(
            title=xml_safe(post.title),
            link=url,
            description=xml_safe(post.html),
            unique_id=url,
            pubdate=post.published_at,
            updateddate=post.edited_at or post.published_at,
            categories=[xml_safe(tag.name) for tag in post.tags.all()],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response

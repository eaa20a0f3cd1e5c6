"""Thin views for what readers do: each fetches through the access functions (404 for what
the viewer may not see), calls one action, and redirects back or renders a small page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ficshelf.accounts.models import User
from ficshelf.core.parsing import parse_id
from ficshelf.core.ratelimit import allow, client_address
from ficshelf.social import actions
from ficshelf.social.access import (
    comment_refusal,
    get_comment_for_viewer,
    get_own_bookmark,
    get_own_reading_list,
    get_reading_list_for_viewer,
    muted_user_ids,
)
from ficshelf.social.actions import ActionRefused
from ficshelf.social.forms import BookmarkForm, CommentForm, GuestCommentForm, ReadingListForm
from ficshelf.social.models import (
    Bookmark,
    Comment,
    InboxItem,
    Reading,
    ReadingList,
    ReadingListItem,
    Subscription,
)
from ficshelf.works.access import get_chapter_for_viewer, get_series_for_viewer, get_work_for_viewer
from ficshelf.works.models import Series, SeriesWork, Work

PER_PAGE = 20
# Per account and per address: enough for a lively discussion, too few for a spam run.
COMMENT_LIMIT_PER_ACCOUNT = 10
COMMENT_LIMIT_PER_ADDRESS = 20
COMMENT_LIMIT_WINDOW_SECONDS = 300
RATE_LIMITED_MESSAGE = (
    "You've posted too many comments in a short time. Please wait a few minutes and try again."
)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(default)


def _me(request: HttpRequest) -> User:
    """The signed-in user of a @login_required view."""
    assert isinstance(request.user, User)
    return request.user


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


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
    form: CommentForm,
    *,
    action: str,
    heading: str,
    work: Work,
    parent: Comment | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
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
    heading = f"Reply to {parent.author_name}" if parent else f"Comment on {work.title}"
    form = _empty_comment_form(request, request.POST)
    page: dict[str, Any] = {"action": action, "heading": heading, "work": work, "parent": parent}

    refusal = comment_refusal(work, request.user, parent)
    if refusal:
        return _comment_form_page(request, form, refusal=refusal, status=403, **page)
    if not form.is_valid():
        return _comment_form_page(request, form, status=400, **page)
    if not _comment_allowed_now(request):
        return _comment_form_page(request, form, refusal=RATE_LIMITED_MESSAGE, status=429, **page)
    try:
        comment = actions.post_comment(
            chapter,
            actor=request.user,
            text=form.cleaned_data["text"],
            parent=parent,
            guest_name=form.cleaned_data.get("guest_name", ""),
            guest_email=form.cleaned_data.get("guest_email", ""),
        )
    except ActionRefused as error:
        return _comment_form_page(request, form, refusal=str(error), status=403, **page)
    if comment.is_approved:
        messages.success(request, "Comment created!")
    else:
        messages.success(request, "Your comment was received; it will appear once approved.")
    return redirect(chapter.get_absolute_url() + f"#comment_{comment.pk}")


def _comment_allowed_now(request: HttpRequest) -> bool:
    window = COMMENT_LIMIT_WINDOW_SECONDS
    by_address = allow(
        "comment-address",
        client_address(request),
        limit=COMMENT_LIMIT_PER_ADDRESS,
        per_seconds=window,
    )
    if not request.user.is_authenticated:
        return by_address
    by_account = allow(
        "comment-account", str(request.user.pk), limit=COMMENT_LIMIT_PER_ACCOUNT, per_seconds=window
    )
    return by_address and by_account


@require_GET
def reply_form(request: HttpRequest, comment_id: int) -> HttpResponse:
    parent = get_comment_for_viewer(request, comment_id)
    work = get_work_for_viewer(request, parent.work_id)
    refusal = comment_refusal(work, request.user, parent) or ""
    if parent.is_deleted or not parent.is_approved:
        refusal = "Sorry, you can't reply to that comment."
    return _comment_form_page(
        request,
        _empty_comment_form(request),
        action=reverse("social:post_comment", args=[work.pk, parent.chapter_id]),
        heading=f"Reply to {parent.author_name}",
        work=work,
        parent=parent,
        refusal=refusal,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    work = get_work_for_viewer(request, comment.work_id)
    page: dict[str, Any] = {
        "action": reverse("social:edit_comment", args=[comment.pk]),
        "heading": "Edit your comment",
        "work": work,
    }
    if request.method == "GET":
        form = CommentForm(initial={"text": comment.text})
        if comment.user_id != request.user.pk or comment.is_deleted:
            return _comment_form_page(
                request, form, refusal="Sorry, you can't edit that comment.", status=403, **page
            )
        return _comment_form_page(request, form, **page)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_form_page(request, form, status=400, **page)
    try:
        actions.edit_comment(comment, actor=request.user, text=form.cleaned_data["text"])
    except ActionRefused as error:
        return _comment_form_page(request, form, refusal=str(error), status=403, **page)
    messages.success(request, "Comment was successfully updated.")
    return redirect(
        reverse("works:chapter", args=[comment.work_id, comment.chapter_id])
        + f"#comment_{comment.pk}"
    )


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


# ---- Bookmarks ----


def _bookmark_form_page(
    request: HttpRequest,
    *,
    target: Work | Series,
    existing: Bookmark | None,
    action: str,
) -> HttpResponse:
    if request.method == "POST":
        form = BookmarkForm(request.POST)
        if form.is_valid():
            target_kwargs: dict[str, Any] = (
                {"work": target} if isinstance(target, Work) else {"series": target}
            )
            actions.save_bookmark(actor=_me(request), **target_kwargs, **form.cleaned_data)
            messages.success(request, "Bookmark was successfully saved.")
            return redirect("social:my_bookmarks")
    elif existing is not None:
        form = BookmarkForm(
            initial={
                "notes": existing.notes,
                "tags": existing.tags,
                "is_private": existing.is_private,
                "is_rec": existing.is_rec,
            }
        )
    else:
        form = BookmarkForm()
    context = {"form": form, "target": target, "existing": existing, "action": action}
    return render(request, "social/bookmark_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bookmark_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    existing = Bookmark.objects.filter(work=work, user=_me(request)).first()
    action = reverse("social:bookmark_work", args=[work.pk])
    return _bookmark_form_page(request, target=work, existing=existing, action=action)


@login_required
@require_http_methods(["GET", "POST"])
def bookmark_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    existing = Bookmark.objects.filter(series=series, user=_me(request)).first()
    action = reverse("social:bookmark_series", args=[series.pk])
    return _bookmark_form_page(request, target=series, existing=existing, action=action)


@login_required
@require_POST
def delete_bookmark(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_own_bookmark(request, bookmark_id)
    actions.delete_bookmark(bookmark, actor=_me(request))
    messages.success(request, "Bookmark was successfully deleted.")
    return _back(request, reverse("social:my_bookmarks"))


@login_required
@require_GET
def my_bookmarks(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    visible = Work.objects.visible_to(user).values("pk")
    visible_series = Series.objects.filter(series_works__work__in=visible).values("pk")
    bookmarks = Bookmark.objects.filter(user=user).filter(
        Q(work__in=visible) | Q(series__in=visible_series)
    )
    page = _page(request, bookmarks)
    _attach_targets(page.object_list, user)
    context = {"page": page, "bookmarks": page.object_list, "heading": "My Bookmarks"}
    return render(request, "social/bookmarks.html", context)


@require_GET
def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """The public bookmarks of a work, without those of users the viewer muted."""
    work = get_work_for_viewer(request, work_id)
    bookmarks = (
        Bookmark.objects.filter(work=work, is_private=False)
        .exclude(user_id__in=muted_user_ids(request.user))
        .select_related("user")
    )
    page = _page(request, bookmarks)
    context = {"page": page, "bookmarks": page.object_list, "work": work}
    return render(request, "social/work_bookmarks.html", context)


def _attach_targets(bookmarks: Any, user: Any) -> None:
    """Give each bookmark its blurb-ready work (or its series' visible works)."""
    bookmarks = list(bookmarks)
    work_ids = {b.work_id for b in bookmarks if b.work_id}
    series_ids = {b.series_id for b in bookmarks if b.series_id}
    works = {w.pk: w for w in Work.objects.visible_to(user).for_blurbs().filter(pk__in=work_ids)}
    series = {s.pk: s for s in Series.objects.filter(pk__in=series_ids)}
    # One query for the visible parts of every bookmarked series, not one per bookmark.
    parts = (
        SeriesWork.objects.filter(
            series_id__in=series_ids, work__in=Work.objects.visible_to(user).values("pk")
        )
        .select_related("work")
        .only("series_id", "position", "work__id", "work__title")
        .order_by("series_id", "position", "pk")
    )
    works_of_series: dict[int, list[Work]] = defaultdict(list)
    for part in parts:
        works_of_series[part.series_id].append(part.work)
    for bookmark in bookmarks:
        bookmark.shown_work = works.get(bookmark.work_id) if bookmark.work_id else None
        bookmark.shown_series = series.get(bookmark.series_id) if bookmark.series_id else None
        if bookmark.shown_series is not None:
            bookmark.shown_series_works = works_of_series.get(bookmark.series_id, [])


# ---- Subscriptions and the inbox ----


def _toggle_subscription(request: HttpRequest, **target: Any) -> None:
    user = _me(request)
    if request.POST.get("subscribe", "1") == "0":
        Subscription.objects.filter(user=user, **target).delete()
        messages.success(request, "You have unsubscribed.")
        return
    try:
        actions.subscribe(actor=user, **target)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You are now subscribed. New chapters will show in your inbox.")


@login_required
@require_POST
def subscribe_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    _toggle_subscription(request, work=work)
    return _back(request, work.get_absolute_url())


@login_required
@require_POST
def subscribe_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    _toggle_subscription(request, series=series)
    return _back(request, reverse("social:my_subscriptions"))


@login_required
@require_POST
def subscribe_creator(request: HttpRequest, username: str) -> HttpResponse:
    creator = get_object_or_404(User, username=username, is_active=True)
    _toggle_subscription(request, creator=creator)
    return _back(request, reverse("social:my_subscriptions"))


@login_required
@require_GET
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    visible = Work.objects.visible_to(request.user).values("pk")
    subscriptions = (
        Subscription.objects.filter(user=_me(request))
        .exclude(work__isnull=False, work__in=Work.objects.exclude(pk__in=visible).values("pk"))
        .select_related("work", "series", "creator")
        .order_by("-created_at")
    )
    return render(request, "social/subscriptions.html", {"subscriptions": subscriptions})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    # Items about works the reader can no longer see (hidden, restricted, muted) drop out.
    items = InboxItem.objects.filter(recipient=me).about_works_visible_to(me)
    unread = items.filter(is_read=False)
    page = _page(request, unread if request.GET.get("filter") == "unread" else items)
    context = {
        "page": page,
        "items": page.object_list,
        "unread_count": unread.count(),
        "only_unread": request.GET.get("filter") == "unread",
    }
    return render(request, "social/inbox.html", context)


@login_required
@require_POST
def mark_inbox_read(request: HttpRequest) -> HttpResponse:
    ids = None
    if "all" not in request.POST:
        ids = [i for i in map(parse_id, request.POST.getlist("item")) if i is not None]
    actions.mark_inbox_items_read(actor=_me(request), item_ids=ids)
    return redirect("social:inbox")


# ---- History, Marked for Later, reading lists ----


@login_required
@require_POST
def mark_for_later(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    is_marked = request.POST.get("marked", "1") != "0"
    actions.set_marked_for_later(work, actor=_me(request), is_marked=is_marked)
    if is_marked:
        messages.success(request, "This work was added to your Marked for Later list.")
    else:
        messages.success(request, "This work was removed from your Marked for Later list.")
    return _back(request, work.get_absolute_url())


def _readings_page(request: HttpRequest, *, later: bool) -> HttpResponse:
    visible = Work.objects.visible_to(request.user).values("pk")
    readings = Reading.objects.filter(user=_me(request), work__in=visible).select_related("chapter")
    if later:
        readings = readings.filter(is_marked_for_later=True)
    page = _page(request, readings)
    works = {
        w.pk: w
        for w in Work.objects.visible_to(request.user)
        .for_blurbs()
        .filter(pk__in=[r.work_id for r in page])
    }
    rows = [(r, works[r.work_id]) for r in page if r.work_id in works]
    heading = "Marked for Later" if later else "History"
    context = {"page": page, "rows": rows, "heading": heading, "later": later}
    return render(request, "social/history.html", context)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    return _readings_page(request, later=False)


@login_required
@require_GET
def marked_for_later(request: HttpRequest) -> HttpResponse:
    return _readings_page(request, later=True)


@login_required
@require_POST
def delete_reading(request: HttpRequest, reading_id: int) -> HttpResponse:
    reading = get_object_or_404(Reading, pk=reading_id, user=_me(request))
    actions.delete_reading(reading, actor=_me(request))
    messages.success(request, "Work successfully deleted from your history.")
    return _back(request, reverse("social:history"))


@login_required
@require_http_methods(["GET", "POST"])
def my_lists(request: HttpRequest) -> HttpResponse:
    form = ReadingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading_list = actions.create_reading_list(
                actor=_me(request),
                name=form.cleaned_data["name"],
                is_public=form.cleaned_data["is_public"],
            )
        except ActionRefused as error:
            form.add_error("name", str(error))
        else:
            return redirect("social:list_detail", list_id=reading_list.pk)
    lists = ReadingList.objects.filter(owner=_me(request))
    return render(
        request,
        "social/lists.html",
        {"lists": lists, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = get_reading_list_for_viewer(request, list_id)
    items = ReadingListItem.objects.filter(
        reading_list=reading_list, work__in=Work.objects.visible_to(request.user).values("pk")
    )
    page = _page(request, items)
    works = {
        w.pk: w
        for w in Work.objects.visible_to(request.user)
        .for_blurbs()
        .filter(pk__in=[i.work_id for i in page])
    }
    context = {
        "reading_list": reading_list,
        "page": page,
        "works": [works[i.work_id] for i in page if i.work_id in works],
        "is_owner": reading_list.owner_id == request.user.pk,
    }
    return render(request, "social/list_detail.html", context)


@login_required
@require_POST
def add_to_list(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    user = _me(request)
    try:
        new_name = request.POST.get("new_list_name", "").strip()
        list_id = parse_id(request.POST.get("list_id"))
        if new_name:
            reading_list = actions.create_reading_list(actor=user, name=new_name)
        elif list_id is not None:
            reading_list = get_own_reading_list(request, list_id)
        else:
            raise ActionRefused("Please choose a list or name a new one.")
        actions.add_to_reading_list(reading_list, work, actor=user)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Added to your list “{reading_list.name}”.")
    return _back(request, work.get_absolute_url())


@login_required
@require_POST
def remove_from_list(request: HttpRequest, list_id: int, work_id: int) -> HttpResponse:
    reading_list = get_own_reading_list(request, list_id)
    actions.remove_from_reading_list(reading_list, work_id, actor=_me(request))
    messages.success(request, "Removed from the list.")
    return redirect("social:list_detail", list_id=reading_list.pk)


@login_required
@require_POST
def delete_list(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = get_own_reading_list(request, list_id)
    actions.delete_reading_list(reading_list, actor=_me(request))
    messages.success(request, "List deleted.")
    return redirect("social:my_lists")

"""Bookmarks of works and series: saving, deleting and listing them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.access import preferences_for
from ficshelf.accounts.models import User
from ficshelf.social import actions
from ficshelf.social.access import get_own_bookmark, muted_user_ids
from ficshelf.social.forms import BookmarkForm
from ficshelf.social.models import Bookmark
from ficshelf.social.prepared_reads import own_bookmark_pages
from ficshelf.social.stored_html import refresh_bookmark_notes, refresh_external_summaries
from ficshelf.social.views._common import _back, _me, _page
from ficshelf.works.access import MutedWork, get_series_for_viewer, get_work_for_viewer
from ficshelf.works.kept_blurbs import blurbs_of
from ficshelf.works.models import Creatorship, Series, SeriesWork, Work, work_visible_to
from ficshelf.works.prepared_reads import visible_works_for_blurbs

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
        refresh_bookmark_notes([existing])
        form = BookmarkForm(
            initial={
                "notes": existing.notes,
                "tags": existing.tags,
                "is_private": existing.is_private,
                "is_rec": existing.is_rec,
            }
        )
    else:
        # A new bookmark starts private when the member chose so in their preferences.
        preference = preferences_for(request)
        private = preference is not None and preference.private_bookmarks_by_default
        form = BookmarkForm(initial={"is_private": private})
    context = {"form": form, "target": target, "existing": existing, "action": action}
    return render(request, "social/bookmark_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bookmark_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    existing = Bookmark.objects.filter(work=work, user=_me(request)).first()
    action = reverse("social:bookmark_work", args=[work.pk])
    return _bookmark_form_page(request, target=work, existing=existing, action=action)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def my_bookmarks(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    page = _page(request, own_bookmark_pages(user))
    refresh_bookmark_notes(page.object_list)
    _attach_targets(page.object_list, request)
    refresh_external_summaries(b.shown_external for b in page.object_list if b.shown_external)
    context = {"page": page, "bookmarks": page.object_list, "heading": "My Bookmarks"}
    return render(request, "social/bookmarks.html", context)


@require_safe
def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """The public bookmarks of a work, without those of users the viewer muted."""
    work = get_work_for_viewer(request, work_id)
    bookmarks = (
        Bookmark.objects.public()
        .filter(work=work)
        .exclude(user_id__in=muted_user_ids(request.user))
        .select_related("user")
    )
    page = _page(request, bookmarks)
    refresh_bookmark_notes(page.object_list)
    context = {"page": page, "bookmarks": page.object_list, "work": work}
    return render(request, "social/work_bookmarks.html", context)


def _attach_targets(bookmarks: Any, request: HttpRequest) -> None:
    """Give each bookmark its work and the work's blurb (``shown_blurb``, all the page's
    blurbs made at once: ``works.kept_blurbs``), or its series' visible works."""
    user: Any = request.user  # a guest too, on public bookmark listings
    bookmarks = list(bookmarks)
    work_ids = {b.work_id for b in bookmarks if b.work_id}
    series_ids = {b.series_id for b in bookmarks if b.series_id}
    # Without their tags, credits and series: a blurb kept loads none of them.
    found = visible_works_for_blurbs(user, sorted(work_ids), with_relations=False)
    works = {w.pk: w for w in found}
    blurbs = dict(zip(works, blurbs_of(found, preferences_for(request)), strict=True))
    muted = _muted_works(user, work_ids - works.keys())
    series: dict[int, Series] = {}
    works_of_series: dict[int, list[Work]] = defaultdict(list)
    if series_ids:  # (the visibility condition costs more to build than to run)
        series = {s.pk: s for s in Series.objects.filter(pk__in=series_ids)}
        # One query for the visible parts of every bookmarked series, not one per bookmark.
        parts = (
            SeriesWork.objects.filter(work_visible_to(user), series_id__in=series_ids)
            .select_related("work")
            .only("series_id", "position", "work__id", "work__title")
            .order_by("series_id", "position", "pk")
        )
        for part in parts:
            works_of_series[part.series_id].append(part.work)
    for bookmark in bookmarks:
        bookmark.shown_work = works.get(bookmark.work_id) if bookmark.work_id else None
        bookmark.shown_blurb = blurbs.get(bookmark.work_id) if bookmark.shown_work else None
        # A work by a creator the reader muted: its title and who, never its blurb.
        bookmark.muted_work = muted.get(bookmark.work_id) if bookmark.work_id else None
        bookmark.shown_series = series.get(bookmark.series_id) if bookmark.series_id else None
        if bookmark.shown_series is not None:
            bookmark.shown_series_works = works_of_series.get(bookmark.series_id, [])
        # An external work's row came with the bookmark (select_related), hidden or not.
        bookmark.shown_external = (
            bookmark.external_work
            if bookmark.external_work_id and not bookmark.external_work.is_hidden_by_admin
            else None
        )


def _muted_works(user: User, work_ids: set[int]) -> dict[int, MutedWork]:
    """Those of ``work_ids`` that the reader's mutes alone keep from them, with the muted
    creators in name order."""
    if not work_ids:
        return {}
    muted_works = Work.objects.muted_for(user).filter(pk__in=work_ids).only("pk", "title")
    credits = (
        Creatorship.objects.filter(work__in=muted_works, pseud__user__muted_by__muter=user)
        .select_related("pseud__user")
        .order_by("pseud__user__username")
    )
    creators: dict[int, list[User]] = defaultdict(list)
    for credit in credits:
        muted_user = credit.pseud.user
        if muted_user is not None and muted_user not in creators[credit.work_id]:
            creators[credit.work_id].append(muted_user)
    return {work.pk: MutedWork(work, creators[work.pk]) for work in muted_works}

"""Bookmarks for finding recs: a member's public bookmarks, bookmark search across the
archive, and bookmarks of works hosted elsewhere (external works)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from ficshelf.accounts.access import get_user_for_profile, has_muted, preferences_for
from ficshelf.social import actions
from ficshelf.social.bookmark_counting import CountedListing, count_matches
from ficshelf.social.bookmark_filter_form import BookmarkFilterForm
from ficshelf.social.bookmark_listing import SORT_LABELS, facet_groups, find_bookmarks
from ficshelf.social.external_works import bookmark_external_work
from ficshelf.social.forms import BookmarkForm, ExternalWorkBookmarkForm
from ficshelf.social.models import Bookmark, ExternalWork
from ficshelf.social.stored_html import refresh_bookmark_notes, refresh_external_summaries
from ficshelf.social.views._common import _me, _page
from ficshelf.social.views.bookmarks import _attach_targets


@require_safe
def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    """A member's bookmarks as others see them (their private ones too, for themself)."""
    member = get_user_for_profile(username)
    context: dict[str, Any] = {"member": member, "is_me": member.pk == request.user.pk}
    if has_muted(by=request.user, other=member):
        # A muted member's bookmarks are kept from the reader, as their works are.
        return render(request, "social/user_bookmarks.html", {**context, "is_muted": True})
    form = BookmarkFilterForm(request.GET, viewer=request.user)
    form.is_valid()
    query = form.to_query(bookmarker_id=member.pk)
    return _listing(request, "social/user_bookmarks.html", form, query, context)


@require_safe
def bookmark_search(request: HttpRequest) -> HttpResponse:
    """AO3's bookmark search: the bookmarker, notes, their tags, rec, and the work's fields."""
    form = BookmarkFilterForm(request.GET, viewer=request.user)
    form.is_valid()
    context: dict[str, Any] = {"is_search": True}
    if not form.has_search():
        context.update({"form": form, "sort_choices": list(SORT_LABELS.items())})
        return render(request, "social/bookmark_search.html", context)
    return _listing(request, "social/bookmark_search.html", form, form.to_query(), context)


def _listing(
    request: HttpRequest, template: str, form: BookmarkFilterForm, query: Any, context: Any
) -> HttpResponse:
    bookmarks = find_bookmarks(request.user, query)
    counted = count_matches(bookmarks)
    shown_rows = bookmarks.select_related("user", "external_work")
    page = _page(request, CountedListing(shown_rows, counted))
    shown = list(page.object_list)
    refresh_bookmark_notes(shown)
    _attach_targets(shown, request)
    refresh_external_summaries([b.external_work for b in shown if b.external_work is not None])
    context.update(
        {
            "form": form,
            "page": page,
            "bookmarks": shown,
            "facet_groups": facet_groups(request.user, counted, query),
            "counted": counted,
            "sort_choices": list(SORT_LABELS.items()),
            "current_sort": query.sort,
            "has_results": True,
        }
    )
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bookmark_new_external_work(request: HttpRequest) -> HttpResponse:
    """ "Bookmark external work": the work's details and the bookmark's, in one form."""
    if request.method == "POST":
        form = ExternalWorkBookmarkForm(request.POST)
        if form.is_valid():
            try:
                _bookmark, is_new = bookmark_external_work(
                    actor=_me(request), details=form.details(), **form.bookmark_fields()
                )
            except actions.ActionRefused as refusal:
                form.add_error("url", str(refusal))
            else:
                if not is_new:
                    messages.info(
                        request,
                        "That work was already bookmarked here: your bookmark uses the "
                        "details its first bookmarker gave.",
                    )
                messages.success(request, "Bookmark was successfully saved.")
                return redirect("social:user_bookmarks", _me(request).username)
    else:
        preference = preferences_for(request)
        private = preference is not None and preference.private_bookmarks_by_default
        form = ExternalWorkBookmarkForm(initial={"is_private": private})
    return render(
        request,
        "social/external_bookmark_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bookmark_external_work_again(request: HttpRequest, external_work_id: int) -> HttpResponse:
    """Bookmark an external work already here, or edit one's bookmark of it."""
    external = get_object_or_404(ExternalWork.objects.shown(), pk=external_work_id)
    existing = Bookmark.objects.filter(external_work=external, user=_me(request)).first()
    if request.method == "POST":
        form = BookmarkForm(request.POST)
        if form.is_valid():
            actions.save_bookmark(actor=_me(request), external_work=external, **form.cleaned_data)
            messages.success(request, "Bookmark was successfully saved.")
            return redirect("social:user_bookmarks", _me(request).username)
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
        form = BookmarkForm()
    refresh_external_summaries([external])
    context = {
        "form": form,
        "target": external,
        "is_external": True,
        "existing": existing,
        "action": reverse("social:bookmark_external_work", args=[external.pk]),
    }
    return render(request, "social/bookmark_form.html", context, status=400 if form.errors else 200)

"""What a reader has read and means to read: history, Marked for Later, reading lists."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.access import keeps_history
from ficshelf.core.parsing import parse_id
from ficshelf.social import actions
from ficshelf.social.access import get_own_reading_list, get_reading_list_for_viewer
from ficshelf.social.actions import ActionRefused
from ficshelf.social.forms import ReadingListForm
from ficshelf.social.models import Reading, ReadingList, ReadingListItem
from ficshelf.social.views._common import _back, _me, _page
from ficshelf.works.access import get_chapter_for_viewer, get_work_for_viewer
from ficshelf.works.models import Work, work_visible_to

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
    readings = Reading.objects.filter(work_visible_to(request.user), user=_me(request))
    readings = readings.select_related("chapter")
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
    context = {
        "page": page,
        "rows": rows,
        "heading": heading,
        "later": later,
        # "Continue reading" on Marked for Later: only while history (and places) are kept.
        "keeps_history": keeps_history(request),
    }
    return render(request, "social/history.html", context)


@login_required
@require_POST
def reading_place(request: HttpRequest, work_id: int) -> HttpResponse:
    """Where the reader is in the work (``reading-position.js``, debounced as they scroll):
    a chapter they may read and how far down it, 0 to 1. Kept only with history on."""
    work = get_work_for_viewer(request, work_id)
    chapter_id = parse_id(request.POST.get("chapter"))
    try:
        fraction = float(request.POST.get("fraction", ""))
    except ValueError:
        fraction = math.nan
    if chapter_id is None or not 0.0 <= fraction <= 1.0:  # NaN fails both comparisons
        return HttpResponseBadRequest(
            "Send the chapter's id and how far down it you are, from 0 to 1.",
            content_type="text/plain",
        )
    chapter = get_chapter_for_viewer(request, work, chapter_id)
    actions.record_reading_place(request, work, chapter, fraction)
    return HttpResponse(status=204)


@login_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    return _readings_page(request, later=False)


@login_required
@require_safe
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
@require_POST
def clear_history(request: HttpRequest) -> HttpResponse:
    cleared = actions.clear_history(actor=_me(request))
    messages.success(request, f"Your reading history was cleared ({cleared} works).")
    return _back(request, reverse("social:history"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
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


@require_safe
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = get_reading_list_for_viewer(request, list_id)
    items = ReadingListItem.objects.filter(work_visible_to(request.user), reading_list=reading_list)
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

"""The dashboard's scheduled items: move a work's or chapter's time, or take it off the
schedule (posting it now is the Post button's own page, ``posting_views.post_work``)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from ficshelf.accounts.models import User
from ficshelf.works import scheduling
from ficshelf.works.access import get_chapter_for_creator, get_work_for_creator
from ficshelf.works.actions import PostingError
from ficshelf.works.forms.schedule import PostAtField


def when(moment: datetime.datetime) -> str:
    """ "on 7 December 2026 at 14:00 (Europe/Paris)", in the reader's zone."""
    local = timezone.localtime(moment)
    zone = timezone.get_current_timezone_name()
    return f"on {date_format(local, 'j F Y')} at {local:%H:%M} ({zone})"


def scheduled_context(user: User) -> dict[str, object]:
    works, chapters = scheduling.scheduled_for(user.pk)
    return {
        "scheduled_works": works,
        "scheduled_chapters": chapters,
        "scheduled_count": len(works) + len(chapters),
        # Their posts wait while they are suspended; the dashboard says so.
        "schedule_waits": user.suspended_now(),
    }


class RescheduleForm(PostAtField):
    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean()
        if not cleaned.get("post_at") and "post_at" not in self.errors:
            self.add_error("post_at", "Choose when to post it.")
        return cleaned


def _new_time(request: HttpRequest) -> datetime.datetime:
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        raise PostingError(" ".join(str(error) for error in form.errors["post_at"]))
    post_at: datetime.datetime = form.cleaned_data["post_at"]
    return post_at


@login_required
@require_POST
def schedule_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    if request.POST.get("unschedule"):
        scheduling.unschedule_work(work)
        messages.success(request, f"“{work.title}” is no longer scheduled: it stays a draft.")
        return redirect("works:dashboard")
    try:
        work = scheduling.schedule_work(work, post_at=_new_time(request))
    except PostingError as refusal:
        messages.error(request, f"“{work.title}”: {refusal}")
        return redirect("works:dashboard")
    assert work.post_at is not None
    messages.success(request, f"“{work.title}” will be posted {when(work.post_at)}.")
    return redirect("works:dashboard")


@login_required
@require_POST
def schedule_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_creator(request, work_id, chapter_id)
    name = f"{chapter.heading} of “{chapter.work.title}”"
    if request.POST.get("unschedule"):
        scheduling.unschedule_chapter(chapter)
        messages.success(request, f"{name} is no longer scheduled: it stays a draft.")
        return redirect("works:dashboard")
    try:
        chapter = scheduling.schedule_chapter(chapter, post_at=_new_time(request))
    except PostingError as refusal:
        messages.error(request, f"{name}: {refusal}")
        return redirect("works:dashboard")
    assert chapter.post_at is not None
    messages.success(request, f"{name} will be posted {when(chapter.post_at)}.")
    return redirect("works:dashboard")

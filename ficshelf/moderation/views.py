"""Reporting what is shown (works, chapters, comments, bookmarks, tags, profiles) and the
contact form. Anyone who can see a thing can report it; each form is limited per address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit, limit_address, with_retry_after
from ficshelf.moderation.actions import file_report
from ficshelf.moderation.forms import ContactForm, ReportForm
from ficshelf.moderation.models import ReportReason
from ficshelf.social.access import get_comment_for_viewer
from ficshelf.social.models import Bookmark
from ficshelf.works.access import get_chapter_for_viewer, get_series_for_viewer, get_work_for_viewer
from ficshelf.works.models import Chapter, Work
from ficshelf.works.tag_access import visible_tags

# Enough for someone reporting several works in an evening, not enough to flood the queue.
REPORTS_PER_HOUR = 10
REPORTS_BY_ADDRESS = RateLimit("report", limit=REPORTS_PER_HOUR, window_seconds=60 * 60)
CONTACT_BY_ADDRESS = RateLimit("contact", limit=5, window_seconds=60 * 60)


def report_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    return _report(
        request,
        {"work": work},
        heading=f"Report a problem with “{work.title}”",
        back=work.get_absolute_url(),
    )


def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    return _report(
        request,
        {"work": comment.work, "comment": comment},
        heading=f"Report a comment on “{comment.work.title}”",
        back=comment.work.get_absolute_url(),
        quoted=comment.text,
    )


def report_chapter(request: HttpRequest, chapter_id: int) -> HttpResponse:
    found = get_object_or_404(Chapter.objects.select_related("work"), pk=chapter_id)
    work = get_work_for_viewer(request, found.work_id)
    chapter = get_chapter_for_viewer(request, work, chapter_id)
    return _report(
        request,
        {"work": work, "chapter": chapter},
        heading=f"Report chapter {chapter.position} of “{work.title}”",
        back=chapter.get_absolute_url(),
    )


def report_bookmark(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = _visible_bookmark(request, bookmark_id)
    return _report(
        request,
        {"bookmark": bookmark},
        heading=f"Report a bookmark by {bookmark.user.get_username()}",
        back=_bookmark_back(bookmark),
        quoted=bookmark.notes,
    )


def report_tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(visible_tags(request.user), pk=tag_id)
    return _report(request, {"tag": tag}, heading=f"Report the tag “{tag.name}”", back="/tags/")


def report_profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    return _report(
        request,
        {"profile": member},
        heading=f"Report {member.get_username()}'s profile",
        back=f"/users/{member.get_username()}/",
    )


def _visible_bookmark(request: HttpRequest, bookmark_id: int) -> Bookmark:
    """A bookmark the reader may see: public (or theirs), by an active member, of a work or
    series the reader may see, or of an external work no admin hid."""
    viewer = request.user
    shown = (
        Q(is_private=False) | Q(user_id=viewer.pk)
        if viewer.is_authenticated
        else Q(is_private=False)
    )
    bookmark = get_object_or_404(
        Bookmark.objects.select_related("user", "external_work").filter(
            shown, user__is_active=True
        ),
        pk=bookmark_id,
    )
    if bookmark.work_id is not None:
        if not Work.objects.visible_to(viewer).filter(pk=bookmark.work_id).exists():
            raise Http404("No such bookmark.")
    elif bookmark.series_id is not None:
        get_series_for_viewer(request, bookmark.series_id)
    elif bookmark.external_work is None or bookmark.external_work.is_hidden_by_admin:
        raise Http404("No such bookmark.")
    return bookmark


def _bookmark_back(bookmark: Bookmark) -> str:
    if bookmark.work_id is not None:
        return f"/works/{bookmark.work_id}/bookmarks/"
    if bookmark.series_id is not None:
        return f"/series/{bookmark.series_id}/"
    return f"/users/{bookmark.user.get_username()}/bookmarks/"


def _limited(request: HttpRequest, limit: RateLimit) -> tuple[bool, dict[str, Any], Any]:
    verdict = limit.attempt(limit_address(request))
    return (not verdict, {"limited": True, "retry_in_words": verdict.retry_in_words}, verdict)


def _report(
    request: HttpRequest,
    about: dict[str, Any],
    *,
    heading: str,
    back: str,
    quoted: str = "",
) -> HttpResponse:
    is_guest = not request.user.is_authenticated
    context = {"heading": heading, "back": back, "quoted": quoted}
    form = ReportForm(request.POST or None, is_guest=is_guest)
    if request.method == "POST" and form.is_valid():
        refused, shown, verdict = _limited(request, REPORTS_BY_ADDRESS)
        if refused:
            page = render(
                request, "moderation/report.html", {**context, "form": form, **shown}, status=429
            )
            return with_retry_after(page, verdict)
        file_report(
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            reporter_email=form.cleaned_data.get("reporter_email", ""),
            actor=None if is_guest else request.user,  # type: ignore[arg-type]
            **about,
        )
        messages.success(request, "Thank you. Your report went to the archive's admins.")
        return redirect(back)
    return render(request, "moderation/report.html", {**context, "form": form})


def contact(request: HttpRequest) -> HttpResponse:
    """Write to the admins (guests too); the message joins the report queue."""
    member = request.user if isinstance(request.user, User) else None
    form = ContactForm(request.POST or None, member_email=member.email if member else "")
    if request.method == "POST" and form.is_valid():
        refused, shown, verdict = _limited(request, CONTACT_BY_ADDRESS)
        if refused:
            page = render(request, "moderation/contact.html", {"form": form, **shown}, status=429)
            return with_retry_after(page, verdict)
        file_report(
            reason=ReportReason.CONTACT,
            subject=form.cleaned_data["subject"],
            details=form.cleaned_data["details"],
            reporter_email=form.cleaned_data["email"],
            actor=member,
        )
        messages.success(request, "Thank you. Your message went to the archive's admins.")
        return redirect("moderation:contact")
    return render(request, "moderation/contact.html", {"form": form})

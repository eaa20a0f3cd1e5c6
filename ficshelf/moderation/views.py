from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ficshelf.core.ratelimit import RateLimit, limit_address, with_retry_after
from ficshelf.moderation.actions import file_report
from ficshelf.moderation.forms import ReportForm
from ficshelf.social.access import get_comment_for_viewer
from ficshelf.social.models import Comment
from ficshelf.works.access import get_work_for_viewer
from ficshelf.works.models import Work

# Enough for someone reporting several works in an evening, not enough to flood the queue.
REPORTS_PER_HOUR = 10
REPORTS_BY_ADDRESS = RateLimit("report", limit=REPORTS_PER_HOUR, window_seconds=60 * 60)


def report_work(request: HttpRequest, work_id: int) -> HttpResponse:
    return _report(request, get_work_for_viewer(request, work_id), comment=None)


def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment_for_viewer(request, comment_id)
    return _report(request, comment.work, comment=comment)


def _report(request: HttpRequest, work: Work, *, comment: Comment | None) -> HttpResponse:
    is_guest = not request.user.is_authenticated
    context = {"work": work, "comment": comment}
    form = ReportForm(request.POST or None, is_guest=is_guest)
    if request.method == "POST" and form.is_valid():
        verdict = REPORTS_BY_ADDRESS.attempt(limit_address(request))
        if not verdict:
            limited = {"form": form, "limited": True, "retry_in_words": verdict.retry_in_words}
            page = render(request, "moderation/report.html", {**context, **limited}, status=429)
            return with_retry_after(page, verdict)
        file_report(
            work=work,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            reporter_email=form.cleaned_data.get("reporter_email", ""),
            actor=None if is_guest else request.user,  # type: ignore[arg-type]
            comment=comment,
        )
        messages.success(request, "Thank you. Your report went to the archive's admins.")
        return redirect(work)
    return render(request, "moderation/report.html", {**context, "form": form})

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ficshelf.core.ratelimit import allow, client_address
from ficshelf.moderation.actions import file_report
from ficshelf.moderation.forms import ReportForm
from ficshelf.works.access import get_work_for_viewer

# Enough for someone reporting several works in an evening, not enough to flood the queue.
REPORTS_PER_HOUR = 10


def report_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    is_guest = not request.user.is_authenticated
    form = ReportForm(request.POST or None, is_guest=is_guest)
    if request.method == "POST" and form.is_valid():
        if not allow("report", client_address(request), limit=REPORTS_PER_HOUR, per_seconds=3600):
            return render(
                request, "moderation/report.html", {"work": work, "form": form, "limited": True},
                status=429,
            )  # fmt: skip
        file_report(
            work=work,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            reporter_email=form.cleaned_data.get("reporter_email", ""),
            actor=None if is_guest else request.user,  # type: ignore[arg-type]
        )
        messages.success(request, "Thank you. Your report went to the archive's admins.")
        return redirect(work)
    return render(request, "moderation/report.html", {"work": work, "form": form})

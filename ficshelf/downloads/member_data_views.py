"""The member's "Download my data" page: ask for the zip, watch it being packed, download
it. Each export is theirs alone: another member (or a guest) gets a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit
from ficshelf.downloads import made_files, member_data, tasks
from ficshelf.downloads.models import DataExport
from ficshelf.downloads.names import content_disposition

# Packing a member's data is the worker's longest job: a few a day are plenty.
NEW_EXPORTS = RateLimit("member-data-export", limit=3, window_seconds=24 * 60 * 60)
REFRESH_SECONDS = 3


@login_required
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    exports = list(user.data_exports.all()[:5])
    waiting = any(e.state in (DataExport.State.QUEUED, DataExport.State.PACKING) for e in exports)
    context = {
        "exports": exports,
        "waiting": waiting,
        "refresh_seconds": REFRESH_SECONDS,
        "keep_days": member_data.KEEP_DAYS,
        "max_rows": f"{member_data.MAX_ROWS:,}",
        "max_works": f"{member_data.MAX_WORKS:,}",
    }
    response = render(request, "downloads/my_data.html", context)
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
@require_POST
def request_my_data(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    already = user.data_exports.filter(
        state__in=[DataExport.State.QUEUED, DataExport.State.PACKING]
    ).exists()
    if already:
        messages.info(request, "Your data is already being packed.")
        return redirect("downloads:my_data")
    verdict = NEW_EXPORTS.attempt(f"user:{user.pk}")
    if not verdict:
        messages.error(
            request,
            "You have asked for your data several times today; the zips you already have "
            "are below. Please try again tomorrow.",
        )
        return redirect("downloads:my_data")
    export = member_data.request_export(user)
    site_url = request.build_absolute_uri("/")
    transaction.on_commit(
        lambda: tasks.pack_member_data.enqueue(export.pk, site_url, settings.SITE_NAME)
    )
    messages.success(
        request,
        "Your data is being packed. You will find it here, and a notice in your inbox, "
        "when it is ready.",
    )
    return redirect("downloads:my_data")


@login_required
@require_safe
def download_my_data(request: HttpRequest, export_id: int) -> HttpResponseBase:
    export = get_object_or_404(
        DataExport, pk=export_id, user=_me(request), state=DataExport.State.READY
    )
    made = made_files.find(export.file.name) if export.file is not None else None
    if made is None:
        raise Http404("This zip has expired.")
    name = f"{request.user.get_username()} data {export.requested_at:%Y-%m-%d}.zip"
    return made_files.file_response(
        request,
        made,
        content_type="application/zip",
        content_disposition=content_disposition(name),
        private=True,
    )


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user

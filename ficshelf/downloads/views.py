from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ficshelf.downloads import made_files
from ficshelf.downloads.access import get_work_for_download
from ficshelf.downloads.document import WorkDocument, build_work_document
from ficshelf.downloads.files import open_download, version_key
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION, DownloadFormat
from ficshelf.downloads.names import content_disposition, download_filename
from ficshelf.downloads.tasks import prepare_download
from ficshelf.works.models import Work

# How often the "being prepared" page reloads itself, in seconds.
REFRESH_SECONDS = 3


@require_safe
def download_work(
    request: HttpRequest, work_id: int, slug: str, extension: str
) -> HttpResponseBase:
    """One work as a file. The slug is cosmetic (AO3 ignores it too); the extension picks
    the format. AO3 lets downloads past the adult-content notice, and so do we.

    EPUB, HTML and TXT are made in the request. PDF, AZW3 and MOBI take seconds, so the
    worker makes them: the first request queues the file and answers a page that reloads
    itself until the file is there; later requests, on any server, get the kept file at
    once (``made_files``).
    """
    download_format = FORMATS_BY_EXTENSION.get(extension)
    if download_format is None or not download_format.is_available:
        raise Http404("No such download format.")
    variant = download_format.variant_for(request.GET.get("paper"))
    if variant is None:
        raise Http404("No such paper size.")
    work, chapters = get_work_for_download(request, work_id)
    work_url = request.build_absolute_uri(work.get_absolute_url())
    site_url = request.build_absolute_uri("/")
    site_name = settings.SITE_NAME
    key = version_key(work, chapters, work_url=work_url, site_name=site_name)

    disposition = content_disposition(download_filename(work, download_format.extension))
    if download_format.is_made_by_worker:
        name = made_files.work_file_name(work.pk, key, download_format.filename(variant))
        made = made_files.find(name)
        if made is not None:
            return made_files.file_response(
                request,
                made,
                content_type=download_format.content_type,
                content_disposition=disposition,
                private=work.is_restricted,
            )
        if made_files.failed_recently(name):
            return _could_not_be_made(request, work, download_format)
        if made_files.claim_preparation(name):
            prepare_download.enqueue(
                work.pk, key, extension, variant, work_url, site_url, site_name
            )
        response: HttpResponse = render(
            request,
            "downloads/preparing.html",
            {"work": work, "format": download_format, "refresh_seconds": REFRESH_SECONDS},
            status=202,
        )
        patch_cache_control(response, no_store=True)
        return response

    def build() -> WorkDocument:
        return build_work_document(
            work, chapters, work_url=work_url, site_url=site_url, site_name=site_name
        )

    file = open_download(work.pk, key, download_format, build, variant)
    file_response = FileResponse(file, content_type=download_format.content_type)
    file_response["Content-Disposition"] = disposition
    if work.is_restricted:
        # A shared cache must not hand a registered-users-only work to a guest.
        patch_cache_control(file_response, private=True)
    return file_response


def _could_not_be_made(
    request: HttpRequest, work: Work, download_format: DownloadFormat
) -> HttpResponse:
    """Making the file failed on the worker: say so, offer the formats made at once, and
    say when it will be tried again (``made_files.record_failure``)."""
    context = {
        "work": work,
        "format": download_format,
        "retry_minutes": made_files.PREPARATION_TIMEOUT_SECONDS // 60,
    }
    response = render(request, "downloads/could_not_be_made.html", context, status=500)
    patch_cache_control(response, no_store=True)
    return response

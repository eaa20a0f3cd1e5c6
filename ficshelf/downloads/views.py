from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ficshelf.downloads.access import get_work_for_download
from ficshelf.downloads.document import WorkDocument, build_work_document
from ficshelf.downloads.files import open_download, version_key
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.names import content_disposition, download_filename


@require_safe
def download_work(request: HttpRequest, work_id: int, slug: str, extension: str) -> FileResponse:
    """One work as a file. The slug is cosmetic (AO3 ignores it too); the extension picks
    the format. AO3 lets downloads past the adult-content notice, and so do we."""
    download_format = FORMATS_BY_EXTENSION.get(extension)
    if download_format is None or not download_format.is_available:
        raise Http404("No such download format.")
    work, chapters = get_work_for_download(request, work_id)
    work_url = request.build_absolute_uri(work.get_absolute_url())
    site_url = request.build_absolute_uri("/")
    site_name = settings.SITE_NAME

    def build() -> WorkDocument:
        return build_work_document(
            work, chapters, work_url=work_url, site_url=site_url, site_name=site_name
        )

    key = version_key(work, chapters, work_url=work_url, site_name=site_name)
    file = open_download(work.pk, key, download_format, build)
    filename = download_filename(work, download_format.extension)
    response = FileResponse(file, content_type=download_format.content_type)
    response["Content-Disposition"] = content_disposition(filename)
    if work.is_restricted:
        # A shared cache must not hand a registered-users-only work to a guest.
        patch_cache_control(response, private=True)
    return response

"""Making a download file outside the request: what the worker runs for the slow formats."""

from __future__ import annotations

from ficshelf.downloads.document import build_work_document
from ficshelf.downloads.files import record_failure, release_preparation, store, version_key
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION, DownloadFormat
from ficshelf.works.models import Work


def prepare_download(
    work_id: int, key: str, extension: str, variant: str, *, work_url: str, site_url: str,
    site_name: str,
) -> bool:  # fmt: skip
    """Make and store one file for the version ``key``; False when there is nothing to make.

    The view checked who asked; a download holds only posted chapters, so the worker
    reads those. When the work changed since the request (another version key), nothing
    is made: the next request asks for the new version.
    """
    download_format = FORMATS_BY_EXTENSION[extension]
    filename = download_format.filename(variant)
    try:
        made = _make(work_id, key, download_format, variant, work_url, site_url, site_name)
    except Exception:
        # Readers asking for it are told it could not be made (the worker logs why).
        record_failure(work_id, key, filename)
        raise
    finally:
        release_preparation(work_id, key, filename)
    return made


def _make(
    work_id: int, key: str, download_format: DownloadFormat, variant: str, work_url: str,
    site_url: str, site_name: str,
) -> bool:  # fmt: skip
    work = Work.objects.filter(pk=work_id, is_posted=True, is_hidden_by_admin=False).first()
    if work is None:
        return False
    chapters = [c for c in work.chapters.all() if c.is_posted]
    if not chapters:
        return False
    if version_key(work, chapters, work_url=work_url, site_name=site_name) != key:
        return False
    doc = build_work_document(
        work, chapters, work_url=work_url, site_url=site_url, site_name=site_name
    )
    filename = download_format.filename(variant)
    store(work_id, key, filename, download_format.export(doc, variant)).close()
    return True

"""Making a download file outside the request: what the worker runs for the slow formats."""

from __future__ import annotations

from ficshelf.downloads import made_files
from ficshelf.downloads.document import build_work_document
from ficshelf.downloads.files import version_key
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION, DownloadFormat
from ficshelf.works.models import Work


def prepare_download(
    work_id: int, key: str, extension: str, variant: str, *, work_url: str, site_url: str,
    site_name: str,
) -> bool:  # fmt: skip
    """Make and keep one file for the version ``key``; False when there is nothing to make.

    The view checked who asked; a download holds only posted chapters, so the worker
    reads those. When the work changed since the request (another version key), nothing
    is made: the next request asks for the new version. The file is kept in the database
    (``made_files``), so the server the reader asked serves it, wherever this runs.
    """
    download_format = FORMATS_BY_EXTENSION[extension]
    name = made_files.work_file_name(work_id, key, download_format.filename(variant))
    try:
        made = _make(work_id, key, download_format, variant, work_url, site_url, site_name)
    except Exception:
        # Readers asking for it are told it could not be made (the worker logs why).
        made_files.record_failure(name)
        raise
    finally:
        made_files.release_preparation(name)
    return made


def _make(
    work_id: int, key: str, download_format: DownloadFormat, variant: str, work_url: str,
    site_url: str, site_name: str,
) -> bool:  # fmt: skip
    work = Work.objects.filter(pk=work_id, is_posted=True).not_withheld().first()
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
    name = made_files.work_file_name(work_id, key, download_format.filename(variant))
    made_files.store(name, download_format.export(doc, variant), work_id=work_id, version=key)
    return True

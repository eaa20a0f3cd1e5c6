"""Downloads made in the request (EPUB, HTML, TXT), kept in the data folder per work
version, and the version key every download file is kept under.

A file is built once per version of a work and format and served from
``DATA_DIR/downloads/<work id>/<version key>/``. The key changes whenever anything a
download shows changes: the work row (``modified_at``), any posted chapter (its
``modified_at``, position or removal), tags, creators, series, collections and language
(their names: renaming a tag changes no work row), the archive's name and address, and
``EXPORT_VERSION``. Older versions of the work are removed when a new one is written.

This folder is each server's own cache: any server makes these files again in a request.
What the worker makes is kept in the database instead, for every server (``made_files``).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from ficshelf.core.disk_full import is_disk_full, note_disk_full
from ficshelf.downloads.document import WorkDocument
from ficshelf.downloads.formats import DownloadFormat
from ficshelf.works.display import chapter_credited_pseuds, credited_pseuds
from ficshelf.works.inspiration import related_works_stamp
from ficshelf.works.models import Chapter, Work

# Raise when an exporter's output changes, so cached files are made again.
EXPORT_VERSION = 1


def downloads_dir() -> Path:
    return Path(settings.DATA_DIR) / "downloads"


def version_key(work: Work, chapters: list[Chapter], *, work_url: str, site_name: str) -> str:
    facts = {
        "export": EXPORT_VERSION,
        "url": work_url,
        "site": site_name,
        "work": work.modified_at.isoformat(),
        "chapters": [[c.pk, c.position, c.modified_at.isoformat()] for c in chapters],
        # Chapters credited to their own creators name them in their headings.
        "chapter_creators": [
            [c.pk, [p.byline for p in chapter_credited_pseuds(work, c) or []]] for c in chapters
        ],
        "tags": sorted([t.pk, t.name, t.type] for t in work.tags.all()),
        "creators": [[pseud.pk, pseud.byline] for pseud in credited_pseuds(work)],
        "series": [[sw.series_id, sw.position, sw.series.title] for sw in work.series_works.all()],
        "collections": sorted(c.title for c in work.shown_collections),
        "language": [work.language.short, work.language.name] if work.language else [],
        # The "Inspired by" line and the afterword's list change with other works.
        "related": related_works_stamp(work),
    }
    encoded = json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


def version_folder(work_id: int, key: str) -> Path:
    return downloads_dir() / str(work_id) / key


def _open_kept(work_id: int, key: str, filename: str) -> BinaryIO | None:
    try:
        return (version_folder(work_id, key) / filename).open("rb")
    except FileNotFoundError:
        return None


def store(work_id: int, key: str, filename: str, data: bytes) -> BinaryIO:
    """Keep ``data`` as this version's file and drop the work's older versions.

    Files are opened before older versions are pruned, and an open file stays readable
    after another request removed its folder, so a download never breaks half-way.
    """
    folder = version_folder(work_id, key)
    path = folder / filename
    part: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a concurrent request never reads half a file.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
            part = Path(handle.name)
            handle.write(data)
        part.replace(path)
        opened = path.open("rb")
    except FileNotFoundError:
        # A request for a newer version pruned this (now stale) one meanwhile.
        return io.BytesIO(data)
    except OSError as error:
        if not is_disk_full(error):
            raise
        # A full disk: the reader gets the file all the same, made again next time.
        note_disk_full(error, "keeping a download")
        if part is not None:
            part.unlink(missing_ok=True)
        return io.BytesIO(data)
    _remove_other_versions(folder)
    return opened


def open_download(
    work_id: int,
    key: str,
    download_format: DownloadFormat,
    build: Callable[[], WorkDocument],
    variant: str = "",
) -> BinaryIO:
    """The file for this version, opened for reading; made first when it is not there yet."""
    variant = variant or download_format.variants[0]
    filename = download_format.filename(variant)
    kept = _open_kept(work_id, key, filename)
    if kept is not None:
        return kept
    return store(work_id, key, filename, download_format.export(build(), variant))


def _remove_other_versions(current: Path) -> None:
    for sibling in current.parent.iterdir():
        if sibling != current and sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)

"""Packing many works into one zip, in the worker.

The view decides which works go in (the visibility rule, or the creator's own works for a
backup) and names each file; the worker takes every file from the per-work cache
(``files.open_download``, so a file made for a zip serves the single download too),
writes the zip into a file of its own in the data folder, then keeps it in the database
(``made_files``), where every server finds it; its progress is kept in the cache for the
"Packing…" page.

A zip is keyed by everything it holds: the works' version keys, their file names and the
formats. Any change to any work gives a new key, hence a new zip; old zips are removed
after ``KEEP_SECONDS``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from django.core.cache import cache

from ficshelf.downloads import made_files
from ficshelf.downloads.document import WorkDocument, build_work_document
from ficshelf.downloads.files import downloads_dir, open_download
from ficshelf.downloads.files import version_key as work_version_key
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.names import _safe, _shorten, download_filename
from ficshelf.works.models import Chapter, Work

logger = logging.getLogger(__name__)

# A zip is kept this long after it was made; a bulk download is a one-off.
KEEP_SECONDS = 24 * 60 * 60
PROGRESS_SECONDS = 60 * 60
# EPUBs are zips already; compressing them again only costs time.
_STORED_EXTENSIONS = {"epub"}


@dataclass(frozen=True)
class Entry:
    """One work in a zip: its id, the version the requester saw, and its file name stem."""

    work_id: int
    version: str
    stem: str  # "01 - Title - creator"; the format's extension is added per file


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def works_with_download_facts(works: Iterable[Work] | None = None) -> list[Work]:
    """Prefetch what a version key and a download document read, for many works at once."""
    queryset = Work.objects.with_everything_shown()
    if works is None:
        return list(queryset)
    ids = [w.pk for w in works]
    by_id = {w.pk: w for w in queryset.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def chapters_for(work: Work, *, include_unposted: bool) -> list[Chapter]:
    return [c for c in work.chapters.all() if c.is_posted or include_unposted]


def work_url(site_url: str, work: Work) -> str:
    return urljoin(site_url, work.get_absolute_url())


def entry_for(
    work: Work, *, prefix: str, include_unposted: bool, site_url: str, site_name: str
) -> Entry | None:
    """The work's entry, or None when it has no chapter to download."""
    chapters = chapters_for(work, include_unposted=include_unposted)
    if not chapters:
        return None
    version = work_version_key(
        work, chapters, work_url=work_url(site_url, work), site_name=site_name
    )
    stem = download_filename(work, "x").removesuffix(".x")
    return Entry(work.pk, version, f"{prefix}{stem}")


def zip_key(kind: str, entries: list[Entry], extensions: list[str], site_url: str) -> str:
    facts = [kind, site_url, extensions, [[e.work_id, e.version, e.stem] for e in entries]]
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()[:32]


def bulk_dir() -> Path:
    """Where zips and books are written before they are kept in the database."""
    return downloads_dir() / "bulk"


def zip_name(key: str) -> str:
    return made_files.bulk_file_name(key, "zip")


def book_name(key: str) -> str:
    """The name the omnibus EPUB for ``key`` is kept under (``bulk.omnibus``)."""
    return made_files.bulk_file_name(key, "epub")


def set_progress(key: str, done: int) -> None:
    cache.set(_progress_key(key), done, timeout=PROGRESS_SECONDS)


def _progress_key(key: str) -> str:
    return f"downloads-bulk-progress:{key}"


def get_progress(key: str, total: int) -> Progress:
    stored = cache.get(_progress_key(key))
    return Progress(int(stored), total) if stored is not None else Progress(0, total)


def _claim_name(key: str) -> str:
    return f"{made_files.BULK_PREFIX}{key}"


def claim_packing(key: str) -> bool:
    """True for the one request (on any server) that should queue this zip; again after a
    lost task's ``PREPARATION_TIMEOUT_SECONDS``, so a crashed worker does not leave it
    waiting forever."""
    return made_files.claim_preparation(_claim_name(key))


def release_packing(key: str) -> None:
    made_files.release_preparation(_claim_name(key))


def record_packing_failure(key: str) -> None:
    made_files.record_failure(_claim_name(key))


def packing_failed(key: str) -> bool:
    """Whether packing this zip failed lately (the view then says so instead of showing a
    "Packing…" page that would refresh until the preparation timeout)."""
    return made_files.failed_recently(_claim_name(key))


@contextmanager
def made_in_place(key: str, name: str) -> Iterator[Path]:
    """A file in the data folder to write the zip or book for ``key`` into, kept in the
    database as ``name`` when the block ends well (a request never serves half a file)
    and removed either way; when it fails, the packing is recorded as failed (the view then
    says so). The claim is released either way: the next request finds the file."""
    bulk_dir().mkdir(parents=True, exist_ok=True)
    part = bulk_dir() / f"{key}.{uuid.uuid4().hex}.part"
    try:
        yield part
        with part.open("rb") as written:
            made_files.store(name, written)
    except BaseException as problem:
        if isinstance(problem, Exception):
            record_packing_failure(key)
        raise
    finally:
        part.unlink(missing_ok=True)
        release_packing(key)


def safe_stem(text: str) -> str:
    """``text`` as a file name stem by the rules of single downloads (``names``)."""
    return _shorten(_safe(text))


def pack_zip(
    key: str,
    *,
    heading: str,
    entries: list[Entry],
    extensions: list[str],
    include_unposted: bool,
    site_url: str,
    site_name: str,
) -> int:
    """Write the zip for ``key``; the number of works in it.

    The view checked who asked and which works; the worker only skips works that left
    the archive meanwhile (deleted, or for shared zips no longer posted or now hidden).
    """
    name = zip_name(key)
    if made_files.find(name) is not None:
        release_packing(key)
        return len(entries)
    works = {w.pk: w for w in works_with_download_facts(_works(entries, include_unposted))}
    set_progress(key, 0)
    packed: list[tuple[Entry, Work]] = []
    unmade: list[Work] = []
    with made_in_place(key, name) as part, zipfile.ZipFile(part, "w") as archive:
        for done, entry in enumerate(entries, start=1):
            work = works.get(entry.work_id)
            if work is not None:
                try:
                    added = _add_work(
                        archive, entry, work, extensions, include_unposted, site_url, site_name
                    )
                except Exception:
                    # One work that cannot be made must not cost the reader the rest.
                    logger.exception("Work %s could not be made for zip %s", work.pk, key)
                    unmade.append(work)
                    added = False
                if added:
                    packed.append((entry, work))
            set_progress(key, done)
        archive.writestr(
            "README.txt",
            readme(heading, packed, extensions, site_url, site_name, unmade=unmade),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    remove_old_zips()
    return len(packed)


def _works(entries: list[Entry], include_unposted: bool) -> list[Work]:
    works = Work.objects.filter(pk__in=[e.work_id for e in entries])
    if not include_unposted:
        works = works.filter(is_posted=True).not_withheld()
    return list(works.only("pk"))


def _add_work(
    archive: zipfile.ZipFile,
    entry: Entry,
    work: Work,
    extensions: list[str],
    include_unposted: bool,
    site_url: str,
    site_name: str,
) -> bool:
    chapters = chapters_for(work, include_unposted=include_unposted)
    if not chapters:
        return False
    url = work_url(site_url, work)
    # The current version: the work may have changed since the request, and the cache
    # must never hold a file under a key that does not describe it.
    version = work_version_key(work, chapters, work_url=url, site_name=site_name)

    def build() -> WorkDocument:
        return build_work_document(
            work, chapters, work_url=url, site_url=site_url, site_name=site_name
        )

    files = {}
    for extension in extensions:  # all made before any is written: a work is whole or absent
        download_format = FORMATS_BY_EXTENSION[extension]
        with open_download(work.pk, version, download_format, build) as file:
            files[extension] = file.read()
    for extension, data in files.items():
        compress = zipfile.ZIP_STORED if extension in _STORED_EXTENSIONS else zipfile.ZIP_DEFLATED
        archive.writestr(f"{entry.stem}.{extension}", data, compress_type=compress)
    return True


def readme(
    heading: str,
    packed: list[tuple[Entry, Work]],
    extensions: list[str],
    site_url: str,
    site_name: str,
    *,
    unmade: Iterable[Work] = (),
) -> str:
    today = datetime.date.today().isoformat()
    lines = [heading, f"Downloaded from {site_name} ({site_url}) on {today}.", ""]
    lines.append(f"{len(packed)} work{'s' if len(packed) != 1 else ''}:")
    for entry, work in packed:
        states = [
            label
            for label, applies in [
                ("draft", not work.is_posted),
                ("hidden by an admin", work.is_hidden_by_admin),
                ("held for moderation", bool(work.spam_state)),
            ]
            if applies
        ]
        lines.append("")
        lines.append(f"{work.title} by {work.byline}")
        if states:
            lines.append(f"  ({', '.join(states)})")
        lines.append(f"  {work_url(site_url, work)}")
        lines.append("  " + ", ".join(f"{entry.stem}.{extension}" for extension in extensions))
    unmade = list(unmade)
    if unmade:
        lines += ["", "Could not be made this time (the archive's log says why; try again later):"]
        for work in unmade:
            lines += ["", work.title, f"  {work_url(site_url, work)}"]
    return "\n".join(lines) + "\n"


def remove_old_zips() -> None:
    """Zips and omnibus EPUBs older than ``KEEP_SECONDS``."""
    made_files.remove_older_than(made_files.BULK_PREFIX, KEEP_SECONDS)

"""A series or a reading list as one EPUB (an omnibus), packed by the worker like a zip.

The view decides which works go in and in what order (``bulk.views``); the book is keyed,
kept, shown in progress and retried exactly as a zip is (``bulk.actions``). Each work is
laid out as its own download would be (preface, chapters, afterword), in one book with a
contents page and a two-level table of contents.
"""

from __future__ import annotations

import logging

from ficshelf.downloads import made_files
from ficshelf.downloads.bulk.actions import (
    Entry,
    book_name,
    chapters_for,
    made_in_place,
    release_packing,
    remove_old_zips,
    set_progress,
    work_url,
    works_with_download_facts,
)
from ficshelf.downloads.document import WorkDocument, build_work_document
from ficshelf.downloads.exporters.epub import export_omnibus
from ficshelf.works.models import Work

logger = logging.getLogger(__name__)


def pack_book(
    key: str,
    *,
    title: str,
    source_url: str,
    description: str,
    entries: list[Entry],
    site_url: str,
    site_name: str,
) -> int:
    """Write the omnibus EPUB for ``key``; the number of works in it.

    Works that left the archive since the request (deleted, no longer posted, hidden) are
    left out, as from a zip; so is a work whose document cannot be made (logged).
    """
    name = book_name(key)
    if made_files.find(name) is not None:
        release_packing(key)
        return len(entries)
    visible = Work.objects.filter(
        pk__in=[entry.work_id for entry in entries], is_posted=True
    ).not_withheld()
    works = {work.pk: work for work in works_with_download_facts(visible.only("pk"))}
    set_progress(key, 0)
    docs: list[WorkDocument] = []
    for done, entry in enumerate(entries, start=1):
        work = works.get(entry.work_id)
        chapters = chapters_for(work, include_unposted=False) if work else []
        if work is not None and chapters:
            url = work_url(site_url, work)
            try:
                doc = build_work_document(
                    work, chapters, work_url=url, site_url=site_url, site_name=site_name
                )
            except Exception:
                logger.exception("Work %s could not be made for book %s", work.pk, key)
            else:
                docs.append(doc)
        set_progress(key, done)
    with made_in_place(key, name) as part:
        if not docs:
            raise ValueError("None of the works could be put in the book.")
        part.write_bytes(export_omnibus(title, source_url, docs, description=description))
    remove_old_zips()
    return len(docs)

"""Which works and chapters a visitor may download.

Downloads follow the one visibility rule (``get_work_for_viewer``: restricted works for
signed-in readers only) and, as issue 5 asks, are stricter for creators: drafts and works
hidden by an admin cannot be downloaded at all, and only posted chapters go into a file.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from ficshelf.works.access import get_chapters_for_viewer, get_work_for_viewer
from ficshelf.works.models import Chapter, Work


def get_work_for_download(request: HttpRequest, work_id: int) -> tuple[Work, list[Chapter]]:
    work = get_work_for_viewer(request, work_id)
    if not work.is_posted or work.is_withheld:
        raise Http404("No such work.")
    chapters = [c for c in get_chapters_for_viewer(request, work) if c.is_posted]
    if not chapters:
        raise Http404("No such work.")
    return work, chapters

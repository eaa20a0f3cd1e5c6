"""The works' page versions, for the parts of pages kept under them (blurbs, comment threads).

A work's page version counts the committed changes to what its page shows; the shared
version counts the changes many works' pages show (a renamed tag, a banned member). The
search app keeps them (``search.page_versions``), and neither this app nor the social app
may import it: it registers its reader here when it is ready (``read_page_versions_with``).
Without a reader (a process where the search app is not installed), ``page_versions``
answers None and callers key what they keep on what they loaded instead, or keep nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# The page versions of works by id, and the version every work's page shares.
PageVersionReader = Callable[[Sequence[int]], tuple[Mapping[int, int], int]]
_readers: list[PageVersionReader] = []


def read_page_versions_with(reader: PageVersionReader) -> None:
    """Called once, when the app that keeps the works' page versions is ready."""
    _readers[:] = [reader]


def page_versions(work_ids: Sequence[int]) -> tuple[Mapping[int, int], int] | None:
    """The versions of ``work_ids`` (0 for a work never changed) and the shared one, in one
    query; None without a reader."""
    if not _readers:
        return None
    return _readers[0](work_ids)

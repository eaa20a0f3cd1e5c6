"""The interface every search backend implements, and what it answers."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import WorkQuery


@dataclass(frozen=True)
class FacetCount:
    tag_id: int
    count: int


@dataclass(frozen=True)
class SearchResult:
    work_ids: list[int]  # this page, in order
    total: int  # over all pages
    # tag type -> the most frequent filter tags in the whole result set, biggest first
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    # Counted over a fixed sample of a broad result set and scaled up: show them as "about".
    facets_are_estimates: bool = False


class SearchBackend(Protocol):
    def search(self, query: WorkQuery) -> SearchResult: ...

    def update(self, documents: Sequence[WorkDocument], removed_ids: Collection[int]) -> None:
        """Add or replace ``documents`` and drop ``removed_ids``, in one commit."""

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        """Replace the whole index with ``documents``; searches keep answering from the old
        index until the new one is complete. ``on_progress(n)`` after each n documents."""


@runtime_checkable
class LeavesPartialBuilds(Protocol):
    """A backend whose rebuild writes beside the live index, so a rebuild killed half-way
    leaves files behind (the embedded index's folders)."""

    def remove_abandoned_builds(self) -> list[str]:
        """Remove what rebuilds that are no longer running left; one line per removal."""


class SearchUnavailable(Exception):
    """The backend cannot answer (index missing or corrupt, server down): listings say so."""

"""A backend that records what it was asked, for tests of the queue and reindexing."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from ficshelf.search.backends.base import SearchResult, SearchUnavailable
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import WorkQuery


class RecordingBackend:
    instances: list[RecordingBackend] = []

    def __init__(self, location: str) -> None:
        self.location = location
        self.documents: dict[int, WorkDocument] = {}
        self.fail_next_update = False
        RecordingBackend.instances.append(self)

    def search(self, query: WorkQuery) -> SearchResult:
        ids = sorted(self.documents, reverse=True)
        return SearchResult(
            work_ids=ids[query.offset : query.offset + query.per_page], total=len(ids)
        )

    def update(self, documents: Sequence[WorkDocument], removed_ids: Collection[int]) -> None:
        if self.fail_next_update:
            self.fail_next_update = False
            raise SearchUnavailable("the index is locked")
        for work_id in removed_ids:
            self.documents.pop(work_id, None)
        for document in documents:
            self.documents[document.work_id] = document

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        fresh = {}
        for document in documents:
            fresh[document.work_id] = document
            if on_progress:
                on_progress(1)
        self.documents = fresh


RECORDING = "tests.search.fakes.RecordingBackend"

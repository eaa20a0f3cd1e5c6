"""The embedded search backend: a tantivy index in the data folder (docs/design.md, "Search
and filtering").

The worker is the only writer; web processes read. Each search reads two tiny files, the
pointer to the current folder and the commit mark the writer renews after each commit, and
reloads only when one changed, so readers see the worker's changes on their next request.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from ficshelf.search.backends.base import SearchResult, SearchUnavailable
from ficshelf.search.backends.embedded.facet_cache import FacetCache, facet_key
from ficshelf.search.backends.embedded.facets import FacetCounts, count_facets
from ficshelf.search.backends.embedded.schema import (
    ENGLISH,
    SCHEMA_VERSION,
    build_schema,
    english_analyzer,
    to_tantivy,
)
from ficshelf.search.backends.embedded.storage import (
    FOLDER_PREFIX,
    POINTER,
    IndexBusy,
    Pointer,
    bump_commit_mark,
    new_folder,
    read_commit_mark,
    read_pointer,
    remove_abandoned_folders,
    remove_other_folders,
    write_pointer,
    writer_lock,
)
from ficshelf.search.backends.embedded.translate import sort_field, to_tantivy_query
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import WorkQuery

__all__ = ["IndexBusy", "TantivyBackend"]

# Memory for the worker's small batches, and for a rebuild's millions of documents.
UPDATE_HEAP_BYTES = 64_000_000
REBUILD_HEAP_BYTES = 256_000_000
PROGRESS_EVERY = 1000
DEEP_PAGE_OFFSET = 100_000
OLD_SCHEMA_MESSAGE = (
    "The search index was built by another version of Ficshelf; run `ficshelf reindex`."
)


def _count_of(answer: tantivy.SearchResult) -> int:
    # Searches here always ask for the count; the type stubs leave the attribute out.
    return int(getattr(answer, "count", None) or 0)


@dataclass
class _OpenIndex:
    pointer: Pointer
    index: tantivy.Index
    commit_mark: str | None


@dataclass(frozen=True)
class _CountedAt:
    """The index state a search ran on, for the facet cache's key."""

    folder: Path
    commit: str | None


class TantivyBackend:
    # The index lives in this server's data folder and only this server's worker writes it:
    # servers sharing a database would each answer from an index of their own
    # (``ficshelf check --deploy`` says so, ``checks.check_several_servers``).
    is_per_server = True

    def __init__(self, location: str) -> None:
        self.location = Path(location)
        self.schema = build_schema()
        self.analyzer = english_analyzer()
        self._open: _OpenIndex | None = None
        self._reopen_lock = threading.Lock()
        self._facet_cache = FacetCache()

    # Reading

    def generation(self) -> str | None:
        """Changes whenever the index does (a commit rewrites tantivy's meta.json, a rebuild
        switches folders): what caches of rendered results are keyed on. None: no index."""
        pointer = read_pointer(self.location)
        if pointer is None:
            return None
        return f"{pointer.folder.name}:{read_commit_mark(self.location)}"

    def search(self, query: WorkQuery) -> SearchResult:
        pointer = read_pointer(self.location)
        if pointer is None:
            return SearchResult(work_ids=[], total=0)
        try:
            index, commit = self._current_index(pointer)
            counted_at = _CountedAt(pointer.folder, commit)
            return self._search(index.searcher(), query, counted_at=counted_at)
        except ValueError as problem:  # tantivy reports I/O and corruption as ValueError
            raise SearchUnavailable(f"The search index could not be read: {problem}") from problem

    def _search(
        self, searcher: tantivy.Searcher, query: WorkQuery, *, counted_at: _CountedAt
    ) -> SearchResult:
        tantivy_query = to_tantivy_query(query, self.schema, self.analyzer)
        by_field = sort_field(query)
        order = tantivy.Order.Desc if query.descending or by_field is None else tantivy.Order.Asc
        if query.offset > DEEP_PAGE_OFFSET:
            # tantivy keeps offset + per_page hits in memory: count first, so a made-up
            # page number far past the end costs a count instead of gigabytes.
            total = self._count(searcher, tantivy_query)
            if query.offset >= total:
                facets = self._facets(searcher, tantivy_query, query, total, counted_at)
                return SearchResult(
                    work_ids=[],
                    total=total,
                    facets=facets.by_type,
                    facets_are_estimates=facets.are_estimates,
                )
        page = searcher.search(
            tantivy_query,
            limit=max(query.per_page, 1),
            count=True,
            order_by_field=by_field,
            offset=query.offset,
            order=order,
        )
        addresses = [address for _, address in page.hits][: max(query.per_page, 0)]
        work_ids = [
            int(v) for v in searcher.fast_field_values("work_id", addresses) if v is not None
        ]
        total = _count_of(page)
        facets = self._facets(searcher, tantivy_query, query, total, counted_at)
        return SearchResult(
            work_ids=work_ids,
            total=total,
            facets=facets.by_type,
            facets_are_estimates=facets.are_estimates,
        )

    @staticmethod
    def _count(searcher: tantivy.Searcher, tantivy_query: tantivy.Query) -> int:
        return _count_of(searcher.search(tantivy_query, limit=1, count=True))

    def _facets(
        self,
        searcher: tantivy.Searcher,
        tantivy_query: tantivy.Query,
        query: WorkQuery,
        total: int,
        counted_at: _CountedAt,
    ) -> FacetCounts:
        if query.facet_limit <= 0:
            return FacetCounts()
        if total == 0:
            return FacetCounts({tag_type: [] for tag_type in query.facet_types})
        key = facet_key(query, counted_at.folder, total=total, commit=counted_at.commit)
        facets = self._facet_cache.get(key)
        if facets is None:
            facets = count_facets(
                searcher,
                self.schema,
                tantivy_query,
                query.facet_types,
                query.facet_limit,
                total=total,
                exact=query.exact_facets,
            )
            self._facet_cache.put(key, facets)
        return facets

    def _current_index(self, pointer: Pointer) -> tuple[tantivy.Index, str | None]:
        if pointer.schema_version != SCHEMA_VERSION:
            raise SearchUnavailable(OLD_SCHEMA_MESSAGE)
        with self._reopen_lock:
            opened = self._open
            if opened is None or opened.pointer.folder != pointer.folder:
                opened = self._open = _OpenIndex(pointer, self._open_folder(pointer.folder), None)
            # Read the mark before reloading: a commit landing in between is then seen now
            # or, at the latest, on the next search (its mark differs from the one kept).
            commit_mark = read_commit_mark(self.location)
            if commit_mark is None or commit_mark != opened.commit_mark:
                opened.index.reload()
                opened.commit_mark = commit_mark
            # The searcher sees this commit or a later one, never an earlier one.
            return opened.index, commit_mark

    def _open_folder(self, folder: Path) -> tantivy.Index:
        try:
            index = tantivy.Index.open(str(folder))
        except ValueError as problem:
            raise SearchUnavailable(f"The search index in {folder} cannot be opened.") from problem
        index.register_tokenizer(ENGLISH, self.analyzer)
        # Reloads happen on our own check above, not on tantivy's timer, so a search right
        # after a commit sees it.
        index.config_reader(reload_policy="manual")
        return index

    # Writing (the worker, ``reindex``)

    def update(self, documents: Sequence[WorkDocument], removed_ids: Collection[int]) -> None:
        if not documents and not removed_ids:
            return
        with writer_lock(self.location):
            pointer = read_pointer(self.location)
            if pointer is None:
                folder = self._create_index(documents, UPDATE_HEAP_BYTES, threads=1)
                write_pointer(self.location, folder)
                bump_commit_mark(self.location)
                return
            if pointer.schema_version != SCHEMA_VERSION:
                # Writing a handful of works into a fresh index would quietly empty every
                # listing; the batch stays queued until ``reindex`` builds the new shape.
                raise SearchUnavailable(OLD_SCHEMA_MESSAGE)
            self._apply_changes(pointer.folder, documents, removed_ids)

    def _apply_changes(
        self, folder: Path, documents: Sequence[WorkDocument], removed_ids: Collection[int]
    ) -> None:
        writer = self._writer(self._open_folder(folder), UPDATE_HEAP_BYTES, threads=1)
        try:
            replaced = sorted({*removed_ids, *(d.work_id for d in documents)})
            # By query, not by term: tantivy-py makes a signed term from a Python int, which
            # never matches a u64 field, so a delete by term silently removes nothing.
            writer.delete_documents_by_query(
                tantivy.Query.term_set_query(self.schema, "work_id", replaced)
            )
            for document in documents:
                writer.add_document(to_tantivy(document, self.schema))
            writer.commit()
            bump_commit_mark(self.location)
        except BaseException:
            writer.rollback()  # nothing half-written: the batch goes back on the queue
            raise
        finally:
            writer.wait_merging_threads()  # also releases tantivy's lock before ours

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        # The lock is held throughout: the worker's updates meanwhile fail with IndexBusy
        # and stay queued, so they reach the new index instead of the one being replaced.
        with writer_lock(self.location):
            folder = self._create_index(
                documents, REBUILD_HEAP_BYTES, threads=0, on_progress=on_progress
            )
            write_pointer(self.location, folder)
            bump_commit_mark(self.location)
            remove_other_folders(self.location, keep=folder)

    def remove_abandoned_builds(self) -> list[str]:
        if not (self.location / POINTER).exists() and not any(
            self.location.glob(f"{FOLDER_PREFIX}*")
        ):
            return []
        try:
            with writer_lock(self.location, wait_seconds=0):
                return remove_abandoned_folders(self.location)
        except IndexBusy:
            return []  # a rebuild (or an update) is running: its folder is not abandoned

    def _create_index(
        self,
        documents: Iterable[WorkDocument],
        heap_bytes: int,
        *,
        threads: int,
        on_progress: Callable[[int], None] | None = None,
    ) -> Path:
        folder = new_folder(self.location)
        try:
            index = tantivy.Index(self.schema, path=str(folder))
            index.register_tokenizer(ENGLISH, self.analyzer)
            # threads=0 lets tantivy pick; a rebuild may use every core.
            writer = self._writer(index, heap_bytes, threads=threads)
            try:
                self._add_all(writer, documents, on_progress)
                writer.commit()
            finally:
                # Also stops tantivy's threads, which would otherwise go on writing
                # files into the folder removed below.
                writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # the live index is untouched
            raise
        return folder

    def _add_all(
        self,
        writer: tantivy.IndexWriter,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None,
    ) -> None:
        since_progress = 0
        for document in documents:
            writer.add_document(to_tantivy(document, self.schema))
            since_progress += 1
            if on_progress is not None and since_progress == PROGRESS_EVERY:
                on_progress(since_progress)
                since_progress = 0
        if on_progress is not None and since_progress:
            on_progress(since_progress)

    def _writer(self, index: tantivy.Index, heap_bytes: int, threads: int) -> tantivy.IndexWriter:
        try:
            return index.writer(heap_size=heap_bytes, num_threads=threads)
        except ValueError as problem:
            # Our lock is held, so tantivy's is held by a process not using it (an old
            # version, a tool): say so rather than wait.
            raise IndexBusy(f"The search index is locked by another writer: {problem}") from problem

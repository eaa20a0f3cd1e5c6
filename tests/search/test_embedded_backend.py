"""The tantivy backend, on documents built by hand (no database needed)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ficshelf.search.backends.base import FacetCount, SearchUnavailable
from ficshelf.search.backends.embedded import IndexBusy, TantivyBackend, storage
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import (
    AllOf,
    AnyOf,
    Crossover,
    DateRange,
    IntRange,
    Not,
    Sort,
    Words,
    WorkQuery,
)
from tests.search.conftest import work_document as doc

FANDOM_A, FANDOM_B, FANDOM_C = 100, 101, 102
GENERAL, MATURE, EXPLICIT = 1, 2, 3
NO_WARNINGS, VIOLENCE = 10, 11


def ids(backend: TantivyBackend, **query: object) -> list[int]:
    return backend.search(WorkQuery(facet_limit=0, per_page=100, **query)).work_ids  # type: ignore[arg-type]


def indexed(backend: TantivyBackend, *documents: WorkDocument) -> TantivyBackend:
    backend.update(list(documents), [])
    return backend


# The index on disk


def test_search_on_a_missing_index_finds_nothing(backend: TantivyBackend) -> None:
    result = backend.search(WorkQuery())
    assert (result.work_ids, result.total, result.facets) == ([], 0, {})


def test_first_update_creates_the_index(backend: TantivyBackend) -> None:
    indexed(backend, doc(1))
    assert ids(backend) == [1]


def test_update_replaces_a_document(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, title="Old title"))
    indexed(backend, doc(1, title="New title"))
    assert ids(backend) == [1]
    assert ids(backend, text=Words("new", field="title")) == [1]
    assert ids(backend, text=Words("old", field="title")) == []


def test_removed_works_leave_the_index(backend: TantivyBackend) -> None:
    indexed(backend, doc(1), doc(2))
    backend.update([], [1])
    assert ids(backend) == [2]


def test_a_reader_sees_a_write_made_by_another_backend_object(index_location: str) -> None:
    worker, web = TantivyBackend(index_location), TantivyBackend(index_location)
    indexed(worker, doc(1))
    assert ids(web) == [1]
    indexed(worker, doc(2))
    worker.update([], [1])
    assert ids(web) == [2]


def test_a_reader_sees_every_one_of_many_quick_commits(index_location: str) -> None:
    # Commits a few milliseconds apart can leave meta.json with the same inode number and
    # timestamp; readers go by the commit mark instead.
    worker, web = TantivyBackend(index_location), TantivyBackend(index_location)
    for work_id in range(1, 31):
        worker.update([doc(work_id)], [])
        assert ids(web)[0] == work_id
        assert web.generation() == worker.generation()


def test_the_generation_changes_with_every_commit(backend: TantivyBackend) -> None:
    assert backend.generation() is None
    indexed(backend, doc(1))
    first = backend.generation()
    backend.update([], [1])
    assert backend.generation() not in (None, first)


def test_rebuild_replaces_the_whole_index(backend: TantivyBackend) -> None:
    indexed(backend, doc(1), doc(2))
    backend.rebuild([doc(3), doc(4)])
    assert ids(backend) == [4, 3]


def test_rebuild_reports_progress_in_steps_that_add_up(backend: TantivyBackend) -> None:
    steps: list[int] = []
    backend.rebuild((doc(n) for n in range(1, 2502)), on_progress=steps.append)
    assert sum(steps) == 2501


def test_rebuild_leaves_only_the_new_index_folder(index_location: str) -> None:
    backend = TantivyBackend(index_location)
    indexed(backend, doc(1))
    backend.rebuild([doc(2)])
    folders = list(Path(index_location).glob("index-*"))
    assert len(folders) == 1


def test_searches_answer_from_the_old_index_while_a_rebuild_runs(index_location: str) -> None:
    worker, web = TantivyBackend(index_location), TantivyBackend(index_location)
    indexed(worker, doc(1))
    seen_during_rebuild: list[list[int]] = []

    def documents() -> Iterator[WorkDocument]:
        yield doc(2)
        seen_during_rebuild.append(ids(web))
        yield doc(3)

    worker.rebuild(documents())
    assert seen_during_rebuild == [[1]]
    assert ids(web) == [3, 2]


def test_a_failed_rebuild_keeps_the_old_index(backend: TantivyBackend) -> None:
    indexed(backend, doc(1))

    def documents() -> Iterator[WorkDocument]:
        yield doc(2)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(documents())
    assert ids(backend) == [1]
    assert len(list(Path(backend.location).glob("index-*"))) == 1


def test_an_update_waits_for_another_writer_then_gives_up_clearly(
    index_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "WRITER_WAIT_SECONDS", 0.2)
    backend = indexed(TantivyBackend(index_location), doc(1))
    with (
        storage.writer_lock(Path(index_location)),
        pytest.raises(IndexBusy, match="Another process is writing"),
    ):
        backend.update([doc(2)], [])
    assert ids(backend) == [1]


def test_an_update_goes_through_once_the_other_writer_finishes(index_location: str) -> None:
    backend = indexed(TantivyBackend(index_location), doc(1))
    released = threading.Event()

    def hold_lock_briefly() -> None:
        with storage.writer_lock(Path(index_location)):
            released.wait(0.3)

    holder = threading.Thread(target=hold_lock_briefly)
    holder.start()
    backend.update([doc(2)], [])
    holder.join()
    assert ids(backend) == [2, 1]


def test_busy_index_is_a_search_unavailable_error() -> None:
    # The index queue puts a batch back on any error; listings treat this like a down index.
    assert issubclass(IndexBusy, SearchUnavailable)


def test_an_index_from_another_schema_version_asks_for_a_reindex(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed(backend, doc(1))
    monkeypatch.setattr("ficshelf.search.backends.embedded.SCHEMA_VERSION", 0)
    with pytest.raises(SearchUnavailable, match="reindex"):
        backend.search(WorkQuery())


def test_an_update_to_an_index_of_another_schema_version_waits_for_a_reindex(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed(backend, doc(1))
    monkeypatch.setattr("ficshelf.search.backends.embedded.SCHEMA_VERSION", 0)
    with pytest.raises(SearchUnavailable, match="reindex"):
        backend.update([doc(2)], [])


def test_a_failed_update_writes_nothing_and_frees_the_index(backend: TantivyBackend) -> None:
    indexed(backend, doc(1))
    with pytest.raises((ValueError, OverflowError)):
        backend.update([doc(2), doc(3, creator_user_ids=[-1])], [1])
    assert ids(backend) == [1]
    indexed(backend, doc(4))
    assert ids(backend) == [4, 1]


# Tag filters


def test_all_tag_ids_must_each_be_on_the_work(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, filter_tag_ids={"fandom": [FANDOM_A], "warning": [NO_WARNINGS]}),
        doc(2, filter_tag_ids={"fandom": [FANDOM_A]}),
        doc(3, filter_tag_ids={"warning": [NO_WARNINGS]}),
    )
    assert ids(backend, all_tag_ids=frozenset({FANDOM_A, NO_WARNINGS})) == [1]


def test_any_rating_ids_matches_either_rating(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, filter_tag_ids={"rating": [GENERAL]}),
        doc(2, filter_tag_ids={"rating": [MATURE]}),
        doc(3, filter_tag_ids={"rating": [EXPLICIT]}),
    )
    assert ids(backend, any_rating_ids=frozenset({GENERAL, MATURE})) == [2, 1]


def test_none_tag_ids_leaves_out_works_with_any_of_them(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, filter_tag_ids={"warning": [VIOLENCE]}),
        doc(2, filter_tag_ids={"fandom": [FANDOM_B]}),
        doc(3, filter_tag_ids={"fandom": [FANDOM_A]}),
    )
    assert ids(backend, none_tag_ids=frozenset({VIOLENCE, FANDOM_B})) == [3]


# Other filters


def test_language_filter(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, language_id=5), doc(2, language_id=6), doc(3))
    assert ids(backend, language_id=5) == [1]


def test_complete_filter_either_way(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, is_complete=True), doc(2))
    assert ids(backend, is_complete=True) == [1]
    assert ids(backend, is_complete=False) == [2]


def test_crossover_include_exclude_only(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, is_crossover=True), doc(2))
    assert ids(backend, crossover=Crossover.INCLUDE) == [2, 1]
    assert ids(backend, crossover=Crossover.EXCLUDE) == [2]
    assert ids(backend, crossover=Crossover.ONLY) == [1]


@pytest.mark.parametrize(
    ("query_field", "document_field"),
    [
        ("words", "word_count"),
        ("kudos", "kudos_count"),
        ("hits", "hits_count"),
        ("comments", "comments_count"),
        ("bookmarks", "bookmarks_count"),
    ],
)
def test_number_ranges_are_inclusive(
    backend: TantivyBackend, query_field: str, document_field: str
) -> None:
    indexed(backend, *(doc(n, **{document_field: n * 10}) for n in range(1, 6)))
    assert ids(backend, **{query_field: IntRange(20, 40)}) == [4, 3, 2]
    assert ids(backend, **{query_field: IntRange(low=40)}) == [5, 4]
    assert ids(backend, **{query_field: IntRange(high=10)}) == [1]


def test_an_impossible_range_finds_nothing(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, word_count=100))
    assert ids(backend, words=IntRange(500, 10)) == []


@pytest.mark.parametrize(
    ("query_field", "document_field"), [("posted", "published_on"), ("updated", "updated_on")]
)
def test_date_ranges_are_inclusive(
    backend: TantivyBackend, query_field: str, document_field: str
) -> None:
    indexed(
        backend,
        *(doc(n, **{document_field: datetime.date(2024, 3, n)}) for n in range(1, 6)),
    )
    march = DateRange(datetime.date(2024, 3, 2), datetime.date(2024, 3, 4))
    assert ids(backend, **{query_field: march}) == [4, 3, 2]
    assert ids(backend, **{query_field: DateRange(since=datetime.date(2024, 3, 5))}) == [5]


def test_creator_scope(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, creator_user_ids=[7, 8]), doc(2, creator_user_ids=[9]))
    assert ids(backend, creator_user_id=8) == [1]


def test_series_scope(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, series_ids=[4]), doc(2, series_ids=[5]))
    assert ids(backend, series_id=5) == [2]


def test_collection_scope(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, collection_ids=[4, 6]), doc(2))
    assert ids(backend, collection_id=6) == [1]


def test_excluded_creators_works_are_left_out(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, creator_user_ids=[7]),
        doc(2, creator_user_ids=[8, 9]),
        doc(3, creator_user_ids=[10]),
    )
    assert ids(backend, exclude_creator_user_ids=frozenset({7, 9})) == [3]


def test_max_fandoms_leaves_out_works_with_more(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, fandom_count=1), doc(2, fandom_count=2), doc(3, fandom_count=5))
    assert ids(backend, max_fandoms=2) == [2, 1]


def test_max_relationships_leaves_out_works_with_more(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, relationship_count=0), doc(2, relationship_count=3))
    assert ids(backend, max_relationships=2) == [1]


def test_guests_never_get_restricted_works(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, is_restricted=True), doc(2))
    assert ids(backend) == [2]
    assert ids(backend, include_restricted=True) == [2, 1]


# Sorting and paging


@pytest.mark.parametrize(
    ("sort", "document_field"),
    [
        (Sort.WORDS, "word_count"),
        (Sort.KUDOS, "kudos_count"),
        (Sort.HITS, "hits_count"),
        (Sort.COMMENTS, "comments_count"),
        (Sort.BOOKMARKS, "bookmarks_count"),
    ],
)
def test_number_sorts_both_ways(backend: TantivyBackend, sort: Sort, document_field: str) -> None:
    indexed(
        backend,
        doc(1, **{document_field: 50}),
        doc(2, **{document_field: 5}),
        doc(3, **{document_field: 500}),
    )
    assert ids(backend, sort=sort) == [3, 1, 2]
    assert ids(backend, sort=sort, descending=False) == [2, 1, 3]


@pytest.mark.parametrize(
    ("sort", "document_field"), [(Sort.POSTED, "published_on"), (Sort.UPDATED, "updated_on")]
)
def test_date_sorts_both_ways(backend: TantivyBackend, sort: Sort, document_field: str) -> None:
    indexed(
        backend,
        doc(1, **{document_field: datetime.date(2023, 5, 1)}),
        doc(2, **{document_field: datetime.date(2021, 5, 1)}),
        doc(3, **{document_field: datetime.date(2025, 5, 1)}),
    )
    assert ids(backend, sort=sort) == [3, 1, 2]
    assert ids(backend, sort=sort, descending=False) == [2, 1, 3]


def test_title_sort_ignores_case(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, title="banana"), doc(2, title="Apple"), doc(3, title="cherry"))
    assert ids(backend, sort=Sort.TITLE, descending=False) == [2, 1, 3]
    assert ids(backend, sort=Sort.TITLE) == [3, 1, 2]


def test_creator_sort_uses_the_first_name_alphabetically(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, creator_names=["zed", "Mia"]),
        doc(2, creator_names=["Bob"]),
        doc(3, creator_names=["yan"]),
    )
    assert ids(backend, sort=Sort.CREATOR, descending=False) == [2, 1, 3]


def test_without_words_best_match_means_newest_updates_first(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, updated_on=datetime.date(2024, 1, 2)),
        doc(2, updated_on=datetime.date(2024, 1, 1)),
        doc(3, updated_on=datetime.date(2024, 1, 3)),
    )
    assert ids(backend, sort=Sort.BEST_MATCH) == [3, 1, 2]


def test_best_match_puts_title_hits_before_passing_mentions(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, chapter_texts=["A long story. " * 50 + "There was a dragon once."]),
        doc(2, title="The Dragon"),
    )
    assert ids(backend, text=Words("dragon"), sort=Sort.BEST_MATCH) == [2, 1]


def test_equal_values_come_in_work_id_order(backend: TantivyBackend) -> None:
    indexed(backend, *(doc(n, kudos_count=7) for n in (4, 1, 3, 2)))
    assert ids(backend, sort=Sort.KUDOS) == [4, 3, 2, 1]


def test_equal_titles_come_in_work_id_order(backend: TantivyBackend) -> None:
    indexed(backend, *(doc(n, title="Same") for n in (2, 3, 1)))
    assert ids(backend, sort=Sort.TITLE) == [3, 2, 1]


def test_pages_split_the_results_without_gaps_or_repeats(backend: TantivyBackend) -> None:
    indexed(backend, *(doc(n, kudos_count=n % 4) for n in range(1, 56)))
    everything = ids(backend, sort=Sort.KUDOS)
    pages = [
        backend.search(WorkQuery(sort=Sort.KUDOS, page=page, per_page=10, facet_limit=0)).work_ids
        for page in range(1, 7)
    ]
    assert [work_id for page in pages for work_id in page] == everything
    assert [len(page) for page in pages] == [10, 10, 10, 10, 10, 5]


def test_deep_pages_are_answered(backend: TantivyBackend) -> None:
    backend.rebuild(doc(n) for n in range(1, 3001))
    result = backend.search(WorkQuery(sort=Sort.WORDS, descending=False, page=150, per_page=20))
    assert result.work_ids == list(range(2981, 3001))


def test_total_counts_every_match_not_just_the_page(backend: TantivyBackend) -> None:
    indexed(backend, *(doc(n, language_id=1 + n % 2) for n in range(1, 46)))
    result = backend.search(WorkQuery(language_id=2, per_page=5))
    assert (len(result.work_ids), result.total) == (5, 23)


def test_a_page_past_the_end_is_empty_but_keeps_the_total(backend: TantivyBackend) -> None:
    indexed(backend, doc(1), doc(2))
    result = backend.search(WorkQuery(page=9))
    assert (result.work_ids, result.total) == ([], 2)


# Words


def test_words_must_all_match_but_may_be_in_different_fields(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, title="Dragon Tales", summary="A knight's story"),
        doc(2, title="Dragon Tales"),
    )
    assert ids(backend, text=Words("dragon knight")) == [1]


def test_words_find_other_forms_of_a_word(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, chapter_texts=["The dragon slept."]), doc(2))
    assert ids(backend, text=Words("Dragons")) == [1]


def test_words_search_every_text_field_including_chapters(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, title="lantern"),
        doc(2, creator_names=["lantern"]),
        doc(3, summary="a lantern"),
        doc(4, notes="a lantern"),
        doc(5, tag_names=["Lantern"]),
        doc(6, chapter_texts=["", "a lantern"]),
        doc(7),
    )
    assert sorted(ids(backend, text=Words("lantern"))) == [1, 2, 3, 4, 5, 6]


def test_words_limited_to_a_field_look_nowhere_else(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, title="Storm"), doc(2, chapter_texts=["A storm came."]))
    assert ids(backend, text=Words("storm", field="title")) == [1]
    assert ids(backend, text=Words("storm", field="text")) == [2]


def test_a_phrase_needs_its_words_together_and_in_order(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, chapter_texts=["She found the red door at last."]),
        doc(2, chapter_texts=["The door was red."]),
    )
    assert ids(backend, text=Words("red door", is_phrase=True)) == [1]
    assert sorted(ids(backend, text=Words("red door"))) == [1, 2]


def test_a_phrase_does_not_run_across_chapters(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, chapter_texts=["It ended in red", "door after door"]))
    assert ids(backend, text=Words("red door", is_phrase=True)) == []


def test_not_leaves_out_works_with_the_words(backend: TantivyBackend) -> None:
    indexed(
        backend, doc(1, summary="angst"), doc(2, summary="fluff"), doc(3, summary="angst fluff")
    )
    assert ids(backend, text=Not(Words("angst"))) == [2]


def test_any_of_matches_either_part(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, summary="angst"), doc(2, summary="fluff"), doc(3, summary="crack"))
    assert sorted(ids(backend, text=AnyOf((Words("angst"), Words("fluff"))))) == [1, 2]


def test_all_of_with_not_combines_parts(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, summary="angst"), doc(2, summary="angst fluff"))
    query = AllOf((Words("angst"), Not(Words("fluff"))))
    assert ids(backend, text=query) == [1]


def test_words_of_only_punctuation_do_not_narrow_the_search(backend: TantivyBackend) -> None:
    indexed(backend, doc(1), doc(2))
    assert sorted(ids(backend, text=Words("?!"))) == [1, 2]


def test_words_combine_with_filters(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, summary="ghost", language_id=1), doc(2, summary="ghost", language_id=2))
    assert ids(backend, text=Words("ghost"), language_id=2) == [2]


# Facets


def test_facets_count_the_whole_result_not_just_the_page(backend: TantivyBackend) -> None:
    indexed(
        backend,
        *(doc(n, filter_tag_ids={"fandom": [FANDOM_A]}) for n in range(1, 31)),
        *(doc(n, filter_tag_ids={"fandom": [FANDOM_B]}) for n in range(31, 41)),
    )
    result = backend.search(WorkQuery(per_page=5))
    assert result.facets["fandom"] == [FacetCount(FANDOM_A, 30), FacetCount(FANDOM_B, 10)]


def test_pages_and_sorts_of_one_listing_count_facets_once_per_commit(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ficshelf.search.backends import embedded

    counted: list[object] = []
    real = embedded.count_facets

    def counting(*args: object, **kwargs: object) -> object:
        counted.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(embedded, "count_facets", counting)
    indexed(backend, *(doc(n, filter_tag_ids={"fandom": [FANDOM_A]}) for n in range(1, 11)))
    for page, sort in [(1, Sort.UPDATED), (2, Sort.UPDATED), (1, Sort.KUDOS)]:
        backend.search(WorkQuery(per_page=3, page=page, sort=sort))
    assert len(counted) == 1
    indexed(backend, doc(11, filter_tag_ids={"fandom": [FANDOM_B]}))  # a commit
    result = backend.search(WorkQuery(per_page=3, page=2))
    assert len(counted) == 2
    assert FacetCount(FANDOM_B, 1) in result.facets["fandom"]


def test_facets_count_only_matching_works(backend: TantivyBackend) -> None:
    indexed(
        backend,
        doc(1, language_id=1, filter_tag_ids={"fandom": [FANDOM_A]}),
        doc(2, language_id=2, filter_tag_ids={"fandom": [FANDOM_B]}),
    )
    result = backend.search(WorkQuery(language_id=1))
    assert result.facets["fandom"] == [FacetCount(FANDOM_A, 1)]


def test_facets_are_kept_apart_by_tag_type(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, filter_tag_ids={"fandom": [FANDOM_A], "rating": [GENERAL]}))
    facets = backend.search(WorkQuery()).facets
    assert facets["fandom"] == [FacetCount(FANDOM_A, 1)]
    assert facets["rating"] == [FacetCount(GENERAL, 1)]
    assert facets["character"] == []


def test_facets_keep_the_biggest_tags_ties_by_tag_id(backend: TantivyBackend) -> None:
    tags_of = {1: [5, 9, 7], 2: [9, 7, 8], 3: [7, 6], 4: [8]}
    indexed(backend, *(doc(n, filter_tag_ids={"freeform": tags}) for n, tags in tags_of.items()))
    facets = backend.search(WorkQuery(facet_limit=3, facet_types=("freeform",))).facets
    assert facets == {
        "freeform": [FacetCount(7, 3), FacetCount(8, 2), FacetCount(9, 2)],
    }


def test_facet_ties_at_the_cut_are_broken_by_tag_id_even_when_many(
    backend: TantivyBackend,
) -> None:
    # 40 tags with one work each: the cut falls inside a long tie.
    indexed(backend, *(doc(n, filter_tag_ids={"freeform": [1000 - n]}) for n in range(1, 41)))
    facets = backend.search(WorkQuery(facet_limit=3, facet_types=("freeform",))).facets
    assert facets["freeform"] == [FacetCount(960, 1), FacetCount(961, 1), FacetCount(962, 1)]


def test_facet_limit_zero_asks_for_no_facets(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, filter_tag_ids={"fandom": [FANDOM_A]}))
    assert backend.search(WorkQuery(facet_limit=0)).facets == {}


def test_facets_count_each_tag_once_per_work(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, filter_tag_ids={"fandom": [FANDOM_C, FANDOM_C]}))
    assert backend.search(WorkQuery()).facets["fandom"] == [FacetCount(FANDOM_C, 1)]


def test_facets_of_an_empty_result_are_empty_lists(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, language_id=1, filter_tag_ids={"fandom": [FANDOM_A]}))
    facets = backend.search(WorkQuery(language_id=2, facet_types=("fandom",))).facets
    assert facets == {"fandom": []}


def test_facets_of_a_narrow_result_follow_every_commit(backend: TantivyBackend) -> None:
    indexed(backend, doc(1, filter_tag_ids={"fandom": [FANDOM_A]}))
    backend.search(WorkQuery())
    indexed(backend, doc(2, filter_tag_ids={"fandom": [FANDOM_A]}))
    assert backend.search(WorkQuery()).facets["fandom"] == [FacetCount(FANDOM_A, 2)]


def test_facets_do_not_depend_on_sort_or_page(backend: TantivyBackend) -> None:
    indexed(backend, *(doc(n, filter_tag_ids={"fandom": [FANDOM_A + n % 2]}) for n in range(9)))
    first = backend.search(WorkQuery(sort=Sort.KUDOS, page=1, per_page=2)).facets
    assert backend.search(WorkQuery(sort=Sort.TITLE, page=3, per_page=2)).facets == first


def test_a_page_number_far_past_the_end_is_empty_and_cheap(backend: TantivyBackend) -> None:
    indexed(backend, doc(1), doc(2))
    result = backend.search(WorkQuery(page=10**9, per_page=100))
    assert (result.work_ids, result.total) == ([], 2)

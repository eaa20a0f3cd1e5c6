"""The SQL backend: every ``WorkQuery`` field answered from the works tables.

Runs on SQLite and on PostgreSQL (words are matched by regular expressions on both).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ficshelf.search.backends.base import FacetCount, SearchUnavailable
from ficshelf.search.backends.database import DatabaseBackend
from ficshelf.search.backends.postgres import PostgresBackend
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
from ficshelf.tags.models import MetaTagging, Tag, TagType
from ficshelf.works.models import Collection, Creatorship, Series, SeriesWork, Work
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory, language

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(tmp_path: Path) -> DatabaseBackend:
    return DatabaseBackend(str(tmp_path / "search"))


def found(backend: DatabaseBackend, **query: Any) -> list[int]:
    return backend.search(WorkQuery(facet_limit=0, per_page=100, **query)).work_ids


def found_set(backend: DatabaseBackend, **query: Any) -> set[int]:
    return set(found(backend, **query))


def tag(name: str, tag_type: str = TagType.FANDOM, **fields: Any) -> Tag:
    return TagFactory(name=name, type=tag_type, is_canonical=True, **fields)


def tagged(*tags: Tag, **fields: Any) -> Work:
    work = WorkFactory(**fields)
    work.tags.add(*tags)
    return work


def rating(name: str) -> Tag:
    return Tag.objects.get(name=name)


def with_counters(**counters: int) -> Work:
    work = WorkFactory()
    Work.objects.filter(pk=work.pk).update(**counters)
    return work


# Which works may be found at all


def test_drafts_and_works_hidden_by_an_admin_are_never_found(backend: DatabaseBackend) -> None:
    posted = WorkFactory()
    WorkFactory(draft=True)
    WorkFactory(hidden=True)
    assert found(backend, include_restricted=True) == [posted.pk]


def test_guests_do_not_find_restricted_works(backend: DatabaseBackend) -> None:
    public = WorkFactory()
    WorkFactory(restricted=True)
    assert found(backend) == [public.pk]


def test_signed_in_readers_find_restricted_works(backend: DatabaseBackend) -> None:
    restricted = WorkFactory(restricted=True)
    assert found(backend, include_restricted=True) == [restricted.pk]


# Tags


def test_every_included_tag_must_be_on_the_work(backend: DatabaseBackend) -> None:
    sherlock, watson = tag("Sherlock", TagType.CHARACTER), tag("Watson", TagType.CHARACTER)
    both = tagged(sherlock, watson)
    tagged(sherlock)
    assert found(backend, all_tag_ids=frozenset({sherlock.pk, watson.pk})) == [both.pk]


def test_a_canonical_tag_finds_works_tagged_with_its_synonym(backend: DatabaseBackend) -> None:
    canonical = tag("Sherlock Holmes", TagType.CHARACTER)
    synonym = TagFactory(name="Sherlock", type=TagType.CHARACTER, merger=canonical)
    work = tagged(synonym)
    assert found(backend, all_tag_ids=frozenset({canonical.pk})) == [work.pk]


def test_a_meta_tag_finds_works_tagged_with_its_sub_tags(backend: DatabaseBackend) -> None:
    universe, coffee = tag("Alternate Universe"), tag("Alternate Universe - Coffee Shops")
    MetaTagging.objects.create(meta_tag=universe, sub_tag=coffee)
    work = tagged(coffee)
    assert found(backend, all_tag_ids=frozenset({universe.pk})) == [work.pk]


def test_any_of_the_chosen_ratings_matches(backend: DatabaseBackend) -> None:
    teen = WorkFactory(rating="Teen And Up Audiences")
    explicit = WorkFactory(rating="Explicit")
    WorkFactory(rating="General Audiences")
    chosen = frozenset({rating("Teen And Up Audiences").pk, rating("Explicit").pk})
    assert found_set(backend, any_rating_ids=chosen) == {teen.pk, explicit.pk}


def test_works_with_an_excluded_tag_are_left_out(backend: DatabaseBackend) -> None:
    death = rating("Major Character Death")
    kept = WorkFactory()
    tagged(death)
    assert found(backend, none_tag_ids=frozenset({death.pk})) == [kept.pk]


# Language, completion, crossovers


def test_language_filter_finds_works_in_that_language(backend: DatabaseBackend) -> None:
    english = WorkFactory()
    WorkFactory(language=language("fr"))
    assert found(backend, language_id=language("en").pk) == [english.pk]


def test_complete_filter_tells_finished_works_from_works_in_progress(
    backend: DatabaseBackend,
) -> None:
    finished = WorkFactory(is_complete=True)
    ongoing = WorkFactory(is_complete=False)
    assert found(backend, is_complete=True) == [finished.pk]
    assert found(backend, is_complete=False) == [ongoing.pk]


def test_only_crossovers_finds_works_with_unrelated_fandoms(backend: DatabaseBackend) -> None:
    crossover = tagged(tag("Sherlock (TV)"), tag("Doctor Who"))
    tagged(tag("Merlin (TV)"))
    assert found(backend, crossover=Crossover.ONLY) == [crossover.pk]


def test_excluding_crossovers_keeps_works_of_one_fandom(backend: DatabaseBackend) -> None:
    tagged(tag("Sherlock (TV)"), tag("Doctor Who"))
    single = tagged(tag("Merlin (TV)"))
    assert found(backend, crossover=Crossover.EXCLUDE) == [single.pk]


def test_fandoms_under_one_meta_fandom_are_not_a_crossover(backend: DatabaseBackend) -> None:
    marvel = tag("Marvel")
    iron_man, avengers = tag("Iron Man (Movies)"), tag("The Avengers (Movies)")
    MetaTagging.objects.create(meta_tag=marvel, sub_tag=iron_man)
    MetaTagging.objects.create(meta_tag=marvel, sub_tag=avengers)
    work = tagged(iron_man, avengers)
    assert found(backend, crossover=Crossover.ONLY) == []
    assert found(backend, crossover=Crossover.EXCLUDE) == [work.pk]


# Ranges


@pytest.mark.parametrize(
    ("query_field", "column"),
    [
        ("words", "word_count"),
        ("kudos", "kudos_count"),
        ("hits", "hits_count"),
        ("comments", "comments_count"),
        ("bookmarks", "bookmarks_count"),
    ],
)
def test_number_ranges_include_both_ends(
    backend: DatabaseBackend, query_field: str, column: str
) -> None:
    works = {n: with_counters(**{column: n}) for n in (5, 10, 20, 30)}
    in_range = found_set(backend, **{query_field: IntRange(low=10, high=20)})
    assert in_range == {works[10].pk, works[20].pk}


def test_a_range_open_at_one_end_has_no_limit_there(backend: DatabaseBackend) -> None:
    few, many = with_counters(kudos_count=3), with_counters(kudos_count=3000)
    assert found(backend, kudos=IntRange(low=100)) == [many.pk]
    assert found(backend, kudos=IntRange(high=100)) == [few.pk]


def test_posted_date_range_includes_both_days(backend: DatabaseBackend) -> None:
    def posted(day: int) -> Work:
        return WorkFactory(published_on=datetime.date(2024, 3, day), updated_on=None)

    works = {day: posted(day) for day in (1, 10, 20, 30)}
    since, until = datetime.date(2024, 3, 10), datetime.date(2024, 3, 20)
    assert found_set(backend, posted=DateRange(since, until)) == {works[10].pk, works[20].pk}


def test_updated_date_of_a_work_never_updated_is_its_posted_date(
    backend: DatabaseBackend,
) -> None:
    never_updated = WorkFactory(published_on=datetime.date(2024, 3, 5), updated_on=None)
    WorkFactory(published_on=datetime.date(2024, 1, 1), updated_on=datetime.date(2024, 1, 2))
    march = DateRange(datetime.date(2024, 3, 1), datetime.date(2024, 3, 31))
    assert found(backend, updated=march) == [never_updated.pk]


# Listing scopes


def test_creator_scope_finds_the_users_works_under_any_pseud(backend: DatabaseBackend) -> None:
    main = PseudFactory()
    assert main.user is not None
    other_pseud = PseudFactory(user=main.user, name="Second Name", is_default=False)
    first, second = WorkFactory(creator=main), WorkFactory(creator=other_pseud)
    WorkFactory()
    assert found_set(backend, creator_user_id=main.user.pk) == {first.pk, second.pk}


def test_creator_scope_leaves_out_works_where_credit_is_not_accepted(
    backend: DatabaseBackend,
) -> None:
    invited = PseudFactory()
    work = WorkFactory()
    Creatorship.objects.create(work=work, pseud=invited, is_approved=False)
    assert found(backend, creator_user_id=invited.user_id) == []


def test_series_scope_finds_the_works_in_the_series(backend: DatabaseBackend) -> None:
    series = Series.objects.create(title="The Saga")
    part = WorkFactory()
    SeriesWork.objects.create(series=series, work=part, position=1)
    WorkFactory()
    assert found(backend, series_id=series.pk) == [part.pk]


def test_collection_scope_finds_the_works_in_the_collection(backend: DatabaseBackend) -> None:
    collection = Collection.objects.create(name="exchange", title="The Exchange")
    entry = WorkFactory()
    collection.works.add(entry)
    WorkFactory()
    assert found(backend, collection_id=collection.pk) == [entry.pk]


# Saved exclusions


def test_works_by_an_excluded_creator_are_left_out(backend: DatabaseBackend) -> None:
    muted = PseudFactory()
    kept = WorkFactory()
    WorkFactory(creator=muted)
    excluded = frozenset({muted.user_id})
    assert found(backend, exclude_creator_user_ids=excluded) == [kept.pk]


def test_a_co_created_work_is_left_out_when_one_creator_is_excluded(
    backend: DatabaseBackend,
) -> None:
    muted = PseudFactory()
    work = WorkFactory()
    Creatorship.objects.create(work=work, pseud=muted)
    assert found(backend, exclude_creator_user_ids=frozenset({muted.user_id})) == []


def test_max_fandoms_counts_the_works_own_fandom_tags(backend: DatabaseBackend) -> None:
    marvel = tag("Marvel")
    iron_man = tag("Iron Man (Movies)")
    MetaTagging.objects.create(meta_tag=marvel, sub_tag=iron_man)
    # Filtered by two fandoms (Iron Man and its meta tag) but tagged with one.
    one = tagged(iron_man)
    tagged(tag("Sherlock (TV)"), tag("Doctor Who"))
    untagged = WorkFactory()
    assert found_set(backend, max_fandoms=1) == {one.pk, untagged.pk}


def test_max_relationships_leaves_out_works_with_more(backend: DatabaseBackend) -> None:
    pairing = [tag(f"A/{name}", TagType.RELATIONSHIP) for name in "BCD"]
    two = tagged(*pairing[:2])
    tagged(*pairing)
    assert found(backend, max_relationships=2, all_tag_ids=frozenset({pairing[0].pk})) == [two.pk]


# Sorting and paging


@pytest.mark.parametrize(
    ("sort", "column"),
    [
        (Sort.WORDS, "word_count"),
        (Sort.HITS, "hits_count"),
        (Sort.KUDOS, "kudos_count"),
        (Sort.COMMENTS, "comments_count"),
        (Sort.BOOKMARKS, "bookmarks_count"),
    ],
)
def test_counter_sorts_put_the_biggest_first(
    backend: DatabaseBackend, sort: Sort, column: str
) -> None:
    small, big, middle = (with_counters(**{column: n}) for n in (1, 100, 10))
    assert found(backend, sort=sort) == [big.pk, middle.pk, small.pk]


def test_ascending_sort_puts_the_smallest_first(backend: DatabaseBackend) -> None:
    small, big = with_counters(kudos_count=1), with_counters(kudos_count=9)
    assert found(backend, sort=Sort.KUDOS, descending=False) == [small.pk, big.pk]


def test_sort_by_posted_date_puts_the_newest_first(backend: DatabaseBackend) -> None:
    old = WorkFactory(published_on=datetime.date(2020, 1, 1))
    new = WorkFactory(published_on=datetime.date(2024, 1, 1))
    assert found(backend, sort=Sort.POSTED) == [new.pk, old.pk]


def test_without_words_best_match_means_latest_update_first(backend: DatabaseBackend) -> None:
    recent = WorkFactory(updated_on=datetime.date(2024, 9, 1))
    stale = WorkFactory(updated_on=datetime.date(2023, 1, 1))
    never_updated = WorkFactory(published_on=datetime.date(2024, 6, 1), updated_on=None)
    assert found(backend) == [recent.pk, never_updated.pk, stale.pk]


def test_sort_by_title_ignores_case(backend: DatabaseBackend) -> None:
    works = [WorkFactory(title=title) for title in ("banana", "Apple", "cherry")]
    assert found(backend, sort=Sort.TITLE, descending=False) == [
        works[1].pk,
        works[0].pk,
        works[2].pk,
    ]


def test_sort_by_creator_uses_the_alphabetically_first_creator(backend: DatabaseBackend) -> None:
    by_zed = WorkFactory(creator=PseudFactory(user__username="zed", name="Zed"))
    co_created = WorkFactory(creator=PseudFactory(user__username="yves", name="Yves"))
    Creatorship.objects.create(
        work=co_created, pseud=PseudFactory(user__username="abel", name="abel")
    )
    by_mia = WorkFactory(creator=PseudFactory(user__username="mia", name="Mia"))
    in_order = found(backend, sort=Sort.CREATOR, descending=False)
    assert in_order == [co_created.pk, by_mia.pk, by_zed.pk]


def test_equal_sort_keys_put_the_newest_work_first(backend: DatabaseBackend) -> None:
    first, second = with_counters(kudos_count=5), with_counters(kudos_count=5)
    assert found(backend, sort=Sort.KUDOS) == [second.pk, first.pk]
    assert found(backend, sort=Sort.KUDOS, descending=False) == [second.pk, first.pk]


def test_pages_split_the_results_and_the_total_counts_them_all(
    backend: DatabaseBackend,
) -> None:
    works = [with_counters(kudos_count=n) for n in range(5)]
    result = backend.search(WorkQuery(sort=Sort.KUDOS, page=2, per_page=2, facet_limit=0))
    assert result.work_ids == [works[2].pk, works[1].pk]
    assert result.total == 5


def test_a_page_past_the_end_is_empty_but_keeps_the_total(backend: DatabaseBackend) -> None:
    WorkFactory()
    result = backend.search(WorkQuery(page=5, per_page=20))
    assert (result.work_ids, result.total) == ([], 1)


# Facet counts


def test_facets_count_the_whole_result_not_just_the_page(backend: DatabaseBackend) -> None:
    sherlock = tag("Sherlock", TagType.CHARACTER)
    for _ in range(3):
        tagged(sherlock)
    result = backend.search(WorkQuery(per_page=1, facet_types=("character",)))
    assert result.facets == {"character": [FacetCount(tag_id=sherlock.pk, count=3)]}


def test_facets_give_the_top_tags_of_each_type_biggest_first(backend: DatabaseBackend) -> None:
    common, rare, rarest = (tag(name, TagType.FREEFORM) for name in ("Fluff", "Angst", "Crack"))
    for tags in ([common, rare, rarest], [common, rare], [common]):
        tagged(*tags)
    result = backend.search(WorkQuery(facet_limit=2, facet_types=("freeform", "fandom")))
    assert result.facets == {
        "freeform": [FacetCount(common.pk, 3), FacetCount(rare.pk, 2)],
        "fandom": [],
    }


def test_facets_count_only_the_works_found(backend: DatabaseBackend) -> None:
    sherlock = tag("Sherlock", TagType.CHARACTER)
    tagged(sherlock)
    tagged(sherlock, restricted=True)
    tagged(sherlock, rating="Explicit")
    explicit = rating("Explicit").pk
    result = backend.search(
        WorkQuery(none_tag_ids=frozenset({explicit}), facet_types=("character",))
    )
    assert result.facets["character"] == [FacetCount(sherlock.pk, 1)]


def test_ratings_facet_counts_each_rating(backend: DatabaseBackend) -> None:
    WorkFactory(rating="Explicit")
    WorkFactory(rating="Explicit")
    WorkFactory(rating="General Audiences")
    result = backend.search(WorkQuery(facet_types=("rating",)))
    assert result.facets["rating"] == [
        FacetCount(rating("Explicit").pk, 2),
        FacetCount(rating("General Audiences").pk, 1),
    ]


def test_a_facet_limit_of_zero_asks_for_no_counts(backend: DatabaseBackend) -> None:
    WorkFactory()
    assert backend.search(WorkQuery(facet_limit=0)).facets == {}


# Words


def test_every_word_must_appear_but_each_may_be_in_another_field(
    backend: DatabaseBackend,
) -> None:
    work = WorkFactory(title="The Lighthouse", summary="<p>A keeper waits.</p>")
    WorkFactory(title="The Lighthouse")
    assert found(backend, text=Words("lighthouse keeper")) == [work.pk]


def test_words_match_whole_words_only(backend: DatabaseBackend) -> None:
    WorkFactory(title="Categories of Things")
    cat = WorkFactory(title="The Cat")
    assert found(backend, text=Words("cat")) == [cat.pk]


def test_words_match_regardless_of_case_and_accents_kept(backend: DatabaseBackend) -> None:
    work = WorkFactory(title="ÉLAN VITAL")
    assert found(backend, text=Words("élan")) == [work.pk]


def test_a_phrase_must_be_whole_and_in_order(backend: DatabaseBackend) -> None:
    phrase = WorkFactory(summary="<p>She lit the silver lantern at dusk.</p>")
    WorkFactory(summary="<p>The lantern was silver.</p>")
    assert found(backend, text=Words("silver lantern", is_phrase=True)) == [phrase.pk]


def test_a_phrase_may_run_across_markup_and_punctuation(backend: DatabaseBackend) -> None:
    work = WorkFactory()
    ChapterFactory(work=work, position=2, text="<p>It was a <em>very</em>, good day.</p>")
    assert found(backend, text=Words("very good day", is_phrase=True)) == [work.pk]


def test_words_inside_html_tags_and_entities_are_not_matched(backend: DatabaseBackend) -> None:
    WorkFactory(summary='<p><strong>Bold</strong> &amp; <a href="https://x.org">link</a></p>')
    for word in ("strong", "amp", "href"):
        assert found(backend, text=Words(word)) == []


def test_words_in_a_field_are_looked_for_there_only(backend: DatabaseBackend) -> None:
    in_title = WorkFactory(title="Winter Song")
    WorkFactory(summary="<p>A winter tale.</p>")
    assert found(backend, text=Words("winter", field="title")) == [in_title.pk]


def test_creator_field_finds_pseud_names_and_usernames(backend: DatabaseBackend) -> None:
    work = WorkFactory(creator=PseudFactory(user__username="quillwriter", name="Quill"))
    assert found(backend, text=Words("quill", field="creator")) == [work.pk]
    assert found(backend, text=Words("quillwriter", field="creator")) == [work.pk]


def test_tag_field_finds_the_canonical_of_a_synonym(backend: DatabaseBackend) -> None:
    canonical = tag("Sherlock Holmes", TagType.CHARACTER)
    work = tagged(TagFactory(name="Sherlock", type=TagType.CHARACTER, merger=canonical))
    assert found(backend, text=Words("holmes", field="tag")) == [work.pk]


def test_notes_field_holds_the_chapters_end_notes(backend: DatabaseBackend) -> None:
    work = WorkFactory()
    ChapterFactory(work=work, position=2, end_notes="<p>Thanks to my beta reader.</p>")
    assert found(backend, text=Words("beta", field="notes")) == [work.pk]


def test_text_of_unposted_chapters_is_not_searched(backend: DatabaseBackend) -> None:
    work = WorkFactory()
    ChapterFactory(work=work, position=2, text="<p>A secret draft.</p>", is_posted=False)
    assert found(backend, text=Words("secret")) == []


def test_not_leaves_out_works_with_the_words(backend: DatabaseBackend) -> None:
    WorkFactory(title="Dragon Tales")
    plain = WorkFactory(title="Plain Tales")
    assert found(backend, text=AllOf((Words("tales"), Not(Words("dragon"))))) == [plain.pk]


def test_any_of_finds_works_with_either(backend: DatabaseBackend) -> None:
    dragon, wyvern = WorkFactory(title="Dragon"), WorkFactory(title="Wyvern")
    WorkFactory(title="Griffin")
    either = AnyOf((Words("dragon"), Words("wyvern")))
    assert found_set(backend, text=either) == {dragon.pk, wyvern.pk}


def test_words_without_letters_ask_for_nothing(backend: DatabaseBackend) -> None:
    work = WorkFactory()
    assert found(backend, text=Words("!!! ...")) == [work.pk]


def test_words_and_filters_apply_together(backend: DatabaseBackend) -> None:
    WorkFactory(title="Dragon Tales", restricted=True)
    public = WorkFactory(title="Dragon Songs")
    assert found(backend, text=Words("dragon")) == [public.pk]


# Writing


def test_update_and_rebuild_change_nothing_it_reads(backend: DatabaseBackend) -> None:
    work = WorkFactory()
    backend.update([], [work.pk])
    backend.rebuild(iter(()))
    assert found(backend) == [work.pk]


def test_the_postgresql_backend_on_another_database_says_it_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs on PostgreSQL too, by making the backend believe it is elsewhere.
    monkeypatch.setattr(
        "ficshelf.search.backends.postgres.connection", SimpleNamespace(vendor="sqlite")
    )
    with pytest.raises(SearchUnavailable, match="needs a PostgreSQL database"):
        PostgresBackend(str(tmp_path)).search(WorkQuery())

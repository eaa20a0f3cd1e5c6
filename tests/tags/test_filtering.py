"""Filter taggings: a work is found by its tags' canonicals and all their meta tags."""

from __future__ import annotations

import pytest

from ficshelf.tags import filtering
from ficshelf.tags.filtering import (
    filter_tag_ids_by_tag,
    refresh_filter_taggings,
    works_tagged_under,
)
from ficshelf.tags.models import FilterTagging, Tag
from ficshelf.works.models import Work
from tests.tags.factories import canonical, meta, synonym, tag, work_tagged

pytestmark = pytest.mark.django_db


def filter_names(work: Work) -> set[str]:
    return set(
        FilterTagging.objects.filter(work=work)
        .exclude(tag__type="rating")
        .values_list("tag__name", flat=True)
    )


def refreshed(work: Work) -> Work:
    refresh_filter_taggings([work.pk])
    return work


def test_work_tagged_with_a_synonym_is_filtered_by_its_canonical_only() -> None:
    coffee = canonical("Coffee Shop AU")
    work = work_tagged(synonym("coffeeshop au", of=coffee))
    assert filter_names(work) == {"Coffee Shop AU"}


def test_unwrangled_tag_filters_as_itself() -> None:
    work = work_tagged(tag("Rain"))
    assert filter_names(work) == {"Rain"}


def test_meta_tags_find_sub_tags_works_transitively() -> None:
    au, modern, coffee = canonical("AU"), canonical("Modern AU"), canonical("Coffee Shop AU")
    meta(coffee, modern)
    meta(modern, au)
    work = work_tagged(coffee)
    assert filter_names(work) == {"AU", "Modern AU", "Coffee Shop AU"}


def test_synonym_of_a_sub_sub_tag_is_found_by_the_top_meta_tag() -> None:
    au, modern, coffee = canonical("AU"), canonical("Modern AU"), canonical("Coffee Shop AU")
    meta(coffee, modern)
    meta(modern, au)
    work = work_tagged(synonym("cafe au", of=coffee))
    assert filter_names(work) == {"AU", "Modern AU", "Coffee Shop AU"}


def test_a_tag_with_two_meta_tags_is_found_by_both() -> None:
    coffee = canonical("Coffee Shop AU")
    meta(coffee, canonical("Modern AU"))
    meta(coffee, canonical("Food"))
    assert filter_names(work_tagged(coffee)) == {"Coffee Shop AU", "Modern AU", "Food"}


def test_a_loop_of_meta_tags_written_around_wrangling_ends() -> None:
    a, b = canonical("Loop A"), canonical("Loop B")
    meta(a, b)
    meta(b, a)
    assert filter_names(work_tagged(a)) == {"Loop A", "Loop B"}


def test_a_chain_of_synonyms_written_around_wrangling_is_followed_to_its_end() -> None:
    end = canonical("Hurt/Comfort")
    middle = tag("hurt comfort", merger=end)
    start = tag("h/c", merger=middle)
    assert filter_tag_ids_by_tag([start.pk]) == {start.pk: {end.pk}}


def test_a_loop_of_synonyms_ends() -> None:
    a, b = tag("Loopy A"), tag("Loopy B")
    Tag.objects.filter(pk=a.pk).update(merger=b)
    Tag.objects.filter(pk=b.pk).update(merger=a)
    found = filter_tag_ids_by_tag([a.pk])
    assert found[a.pk] in ({a.pk}, {b.pk})


def test_refresh_replaces_stale_rows() -> None:
    coffee = canonical("Coffee Shop AU")
    work = work_tagged(coffee)
    FilterTagging.objects.create(work=work, tag=canonical("Stale"))
    assert filter_names(refreshed(work)) == {"Coffee Shop AU"}


def test_refresh_of_a_work_without_tags_leaves_no_rows() -> None:
    work = work_tagged(tag("Gone"))
    work.tags.clear()
    assert not FilterTagging.objects.filter(work=refreshed(work)).exists()


def test_refresh_handles_more_works_than_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filtering, "REFRESH_BATCH", 2)
    coffee = canonical("Coffee Shop AU")
    works = [work_tagged(tag(f"Small {n}")) for n in range(5)]
    for work in works:
        Work.tags.through.objects.create(work=work, tag=coffee)  # no signal: rows are stale
    refresh_filter_taggings([w.pk for w in works])
    assert all("Coffee Shop AU" in filter_names(w) for w in works)


def test_works_tagged_under_counts_synonyms_and_sub_tags_works() -> None:
    au, coffee = canonical("AU"), canonical("Coffee Shop AU")
    meta(coffee, au)
    direct = work_tagged(au)
    via_sub = refreshed(work_tagged(coffee))
    via_synonym = work_tagged(synonym("alt universe", of=au))
    work_tagged(canonical("Unrelated"))
    assert works_tagged_under([au.pk]) == sorted([direct.pk, via_sub.pk, via_synonym.pk])

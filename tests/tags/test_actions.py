"""Wrangling actions: what each changes, what each refuses, and that filters follow."""

from __future__ import annotations

import pytest

from ficshelf.accounts.models import User
from ficshelf.search.models import IndexQueueEntry
from ficshelf.tags import actions
from ficshelf.tags.actions import WranglingError
from ficshelf.tags.models import FilterTagging, MetaTagging, ParentTagging, Tag, TagType
from ficshelf.works.models import Work
from tests.factories import UserFactory
from tests.tags.factories import canonical, fandom, meta, synonym, tag, work_tagged, wrangler

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> User:
    return wrangler()


def found_by(tag_: Tag) -> set[int]:
    return set(FilterTagging.objects.filter(tag=tag_).values_list("work_id", flat=True))


def fresh(tag_: Tag) -> Tag:
    return Tag.objects.get(pk=tag_.pk)


def queued() -> set[int]:
    return set(IndexQueueEntry.objects.values_list("work_id", flat=True))


def test_only_wranglers_may_wrangle() -> None:
    with pytest.raises(WranglingError, match="Only tag wranglers"):
        actions.make_canonical(tag("Rain"), actor=UserFactory())


def test_superusers_may_wrangle() -> None:
    boss = UserFactory(username="boss", is_superuser=True)
    assert actions.make_canonical(tag("Rain"), actor=boss).is_canonical


def test_make_canonical(actor: User) -> None:
    actions.make_canonical(tag("Rain"), actor=actor)
    assert Tag.objects.get(name="Rain").is_canonical


def test_make_canonical_refuses_a_synonym(actor: User) -> None:
    with pytest.raises(WranglingError, match="synonym of"):
        actions.make_canonical(synonym("rainy", of=canonical("Rain")), actor=actor)


@pytest.mark.parametrize("name", ["Explicit", "Major Character Death", "F/M"])
def test_fixed_tags_cannot_be_wrangled(actor: User, name: str) -> None:
    with pytest.raises(WranglingError, match="fixed"):
        actions.make_uncanonical(Tag.objects.get(name=name), actor=actor)
    assert Tag.objects.get(name=name).is_canonical


def test_make_uncanonical(actor: User) -> None:
    rain = actions.make_uncanonical(canonical("Rain"), actor=actor)
    assert not fresh(rain).is_canonical


def test_make_uncanonical_refuses_a_tag_with_synonyms(actor: User) -> None:
    rain = canonical("Rain")
    synonym("rainy", of=rain)
    with pytest.raises(WranglingError, match="has synonyms"):
        actions.make_uncanonical(rain, actor=actor)
    assert fresh(rain).is_canonical


def test_make_uncanonical_refuses_a_tag_with_sub_tags(actor: User) -> None:
    weather = canonical("Weather")
    meta(canonical("Rain"), weather)
    with pytest.raises(WranglingError, match="has sub tags"):
        actions.make_uncanonical(weather, actor=actor)


def test_make_uncanonical_refuses_a_fandom_with_children(actor: User) -> None:
    show = fandom("Lighthouse (TV)")
    ParentTagging.objects.create(parent=show, child=tag("Keeper", TagType.CHARACTER))
    with pytest.raises(WranglingError, match="parent of other tags"):
        actions.make_uncanonical(show, actor=actor)


def test_merge_moves_the_synonyms_works_to_the_canonical(actor: User) -> None:
    rain, rainy = canonical("Rain"), tag("rainy")
    work = work_tagged(rainy)
    IndexQueueEntry.objects.all().delete()
    actions.merge_into(rainy, rain, actor=actor)
    assert fresh(rainy).merger == rain
    assert found_by(rain) == {work.pk} and found_by(rainy) == set()
    assert work.pk in queued()


def test_merge_refuses_tags_of_different_types(actor: User) -> None:
    with pytest.raises(WranglingError, match="same type"):
        actions.merge_into(tag("Keeper", TagType.CHARACTER), canonical("Keeper AU"), actor=actor)


def test_merge_refuses_a_non_canonical_target(actor: User) -> None:
    with pytest.raises(WranglingError, match="not canonical"):
        actions.merge_into(tag("rainy"), tag("Rain"), actor=actor)


def test_merge_refuses_the_tag_itself(actor: User) -> None:
    rain = canonical("Rain")
    with pytest.raises(WranglingError, match="itself"):
        actions.merge_into(rain, rain, actor=actor)


def test_merging_a_canonical_hands_over_everything_it_had(actor: User) -> None:
    old, new = canonical("Rainfall"), canonical("Rain")
    old_synonym = synonym("rainy", of=old)
    weather, drizzle = canonical("Weather"), canonical("Drizzle")
    meta(old, weather)
    meta(drizzle, old)
    show = fandom("Lighthouse (TV)")
    ParentTagging.objects.create(parent=show, child=old)
    work = work_tagged(old_synonym)
    drizzle_work = work_tagged(drizzle)

    actions.merge_into(old, new, actor=actor)

    old = fresh(old)
    assert old.merger == new and not old.is_canonical
    assert fresh(old_synonym).merger == new
    assert MetaTagging.objects.filter(sub_tag=new, meta_tag=weather).exists()
    assert MetaTagging.objects.filter(sub_tag=drizzle, meta_tag=new).exists()
    assert not MetaTagging.objects.filter(sub_tag=old).exists()
    assert not MetaTagging.objects.filter(meta_tag=old).exists()
    assert ParentTagging.objects.filter(parent=show, child=new).exists()
    assert found_by(new) == found_by(weather) == {work.pk, drizzle_work.pk}


def test_merging_a_tag_into_its_own_sub_tag_drops_the_tagging_between_them(actor: User) -> None:
    broad, narrow = canonical("Rainfall"), canonical("Rain")
    meta(narrow, broad)
    actions.merge_into(broad, narrow, actor=actor)
    assert not MetaTagging.objects.exists()


def test_merge_refuses_to_make_a_loop_of_meta_tags(actor: User) -> None:
    old, new, weather = canonical("Rainfall"), canonical("Rain"), canonical("Weather")
    meta(old, weather)  # after the merge Rain would be under Weather...
    meta(weather, new)  # ...which is already under Rain
    with pytest.raises(WranglingError, match="loop"):
        actions.merge_into(old, new, actor=actor)
    assert fresh(old).merger is None


def test_merge_moves_children_of_a_fandom(actor: User) -> None:
    old, new = fandom("Lighthouse"), fandom("Lighthouse (TV)")
    keeper = tag("Keeper", TagType.CHARACTER)
    ParentTagging.objects.create(parent=old, child=keeper)
    actions.merge_into(old, new, actor=actor)
    assert list(keeper.parent_taggings.values_list("parent__name", flat=True)) == [new.name]


def test_unmerge_lets_the_tag_filter_as_itself_again(actor: User) -> None:
    rain = canonical("Rain")
    rainy = synonym("rainy", of=rain)
    work = work_tagged(rainy)
    IndexQueueEntry.objects.all().delete()
    actions.unmerge(rainy, actor=actor)
    assert fresh(rainy).merger is None
    assert found_by(rainy) == {work.pk} and found_by(rain) == set()
    assert work.pk in queued()


def test_add_meta_tag_makes_the_meta_tag_find_the_sub_tags_works(actor: User) -> None:
    weather, rain = canonical("Weather"), canonical("Rain")
    work = work_tagged(synonym("rainy", of=rain))
    IndexQueueEntry.objects.all().delete()
    actions.add_meta_tag(rain, weather, actor=actor)
    assert found_by(weather) == {work.pk}
    assert work.pk in queued()


def test_add_meta_tag_reaches_works_of_sub_sub_tags(actor: User) -> None:
    weather, rain, drizzle = canonical("Weather"), canonical("Rain"), canonical("Drizzle")
    meta(drizzle, rain)
    work = work_tagged(drizzle)
    actions.add_meta_tag(rain, weather, actor=actor)
    assert found_by(weather) == {work.pk}


@pytest.mark.parametrize("depth", [1, 3])
def test_add_meta_tag_refuses_a_loop(actor: User, depth: int) -> None:
    chain = [canonical(f"Level {n}") for n in range(depth + 1)]
    for sub_, meta_ in zip(chain[1:], chain[:-1], strict=True):
        meta(sub_, meta_)  # Level 0 is the broadest
    with pytest.raises(WranglingError, match="loop"):
        actions.add_meta_tag(chain[0], chain[-1], actor=actor)
    assert not MetaTagging.objects.filter(sub_tag=chain[0]).exists()


def test_add_meta_tag_refuses_itself(actor: User) -> None:
    rain = canonical("Rain")
    with pytest.raises(WranglingError, match="its own meta tag"):
        actions.add_meta_tag(rain, rain, actor=actor)


def test_add_meta_tag_refuses_different_types(actor: User) -> None:
    with pytest.raises(WranglingError, match="same type"):
        actions.add_meta_tag(canonical("Rain"), fandom("Weather (TV)"), actor=actor)


def test_add_meta_tag_refuses_non_canonical_tags(actor: User) -> None:
    with pytest.raises(WranglingError, match="not canonical"):
        actions.add_meta_tag(tag("rainy"), canonical("Weather"), actor=actor)
    with pytest.raises(WranglingError, match="not canonical"):
        actions.add_meta_tag(canonical("Rain"), tag("weather"), actor=actor)


def test_remove_meta_tag_stops_the_meta_tag_finding_its_works(actor: User) -> None:
    weather, rain = canonical("Weather"), canonical("Rain")
    meta(rain, weather)
    work = work_tagged(rain)
    assert found_by(weather) == {work.pk}
    actions.remove_meta_tag(rain, weather, actor=actor)
    assert found_by(weather) == set()


def test_add_parent_fandom(actor: User) -> None:
    show, keeper = fandom("Lighthouse (TV)"), tag("Keeper", TagType.CHARACTER)
    actions.add_parent(keeper, show, actor=actor)
    assert ParentTagging.objects.filter(parent=show, child=keeper).exists()


def test_a_character_may_be_the_parent_of_a_relationship(actor: User) -> None:
    keeper = canonical("Keeper", TagType.CHARACTER)
    pairing = tag("Keeper/Gull", TagType.RELATIONSHIP)
    actions.add_parent(pairing, keeper, actor=actor)
    assert ParentTagging.objects.filter(parent=keeper, child=pairing).exists()


def test_a_character_may_not_be_the_parent_of_an_additional_tag(actor: User) -> None:
    with pytest.raises(WranglingError, match="must be a fandom"):
        actions.add_parent(tag("Rain"), canonical("Keeper", TagType.CHARACTER), actor=actor)


def test_add_parent_refuses_a_non_canonical_fandom(actor: User) -> None:
    with pytest.raises(WranglingError, match="not canonical"):
        actions.add_parent(tag("Rain"), fandom("lighthouse", is_canonical=False), actor=actor)


def test_a_fandoms_parent_must_be_a_medium(actor: User) -> None:
    with pytest.raises(WranglingError, match="must be a media tag"):
        actions.add_parent(fandom("Lighthouse (TV)"), fandom("Sea Stories"), actor=actor)


def test_a_fandom_is_filed_under_a_medium(actor: User) -> None:
    show, tv = fandom("Lighthouse (TV)"), Tag.objects.get(name="TV Shows", type=TagType.MEDIA)
    actions.add_parent(show, tv, actor=actor)
    assert list(show.parent_taggings.values_list("parent", flat=True)) == [tv.pk]


def test_a_medium_is_the_parent_of_fandoms_only(actor: User) -> None:
    tv = Tag.objects.get(name="TV Shows")
    with pytest.raises(WranglingError, match="must be a fandom"):
        actions.add_parent(tag("Keeper", TagType.CHARACTER), tv, actor=actor)


def test_media_themselves_are_fixed(actor: User) -> None:
    movies, books = Tag.objects.get(name="Movies"), Tag.objects.get(name="Books & Literature")
    with pytest.raises(WranglingError, match="fixed"):
        actions.add_parent(movies, books, actor=actor)
    with pytest.raises(WranglingError, match="fixed"):
        actions.make_uncanonical(movies, actor=actor)
    assert Tag.objects.get(pk=movies.pk).is_canonical


def test_remove_parent(actor: User) -> None:
    show, keeper = fandom("Lighthouse (TV)"), tag("Keeper", TagType.CHARACTER)
    ParentTagging.objects.create(parent=show, child=keeper)
    actions.remove_parent(keeper, show, actor=actor)
    assert not ParentTagging.objects.exists()


def test_a_refused_merge_writes_nothing(actor: User) -> None:
    rainy = tag("rainy")
    work = work_tagged(rainy)
    before = set(FilterTagging.objects.filter(work=work).values_list("tag_id", flat=True))
    with pytest.raises(WranglingError):
        actions.merge_into(rainy, tag("Rain"), actor=actor)
    after = set(FilterTagging.objects.filter(work=work).values_list("tag_id", flat=True))
    assert before == after and Work.objects.get(pk=work.pk).tags.filter(pk=rainy.pk).exists()

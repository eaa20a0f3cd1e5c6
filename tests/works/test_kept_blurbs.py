"""Blurbs are kept rendered under everything they show (``works.kept_blurbs``): rendered once
for every reader who would see them the same, and afresh after any change they show."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client

from ficshelf.accounts.models import Preference
from ficshelf.social.counters import add_kudos
from ficshelf.tags.models import Tag
from ficshelf.works.models import Work
from tests.factories import TagFactory, UserFactory, WorkFactory
from tests.search.listing_helpers import index_now

pytestmark = pytest.mark.django_db


def blurbs(*works: Work, preference: Preference | None = None) -> str:
    loaded = Work.objects.for_blurbs().filter(pk__in=[w.pk for w in works]).order_by("pk")
    context = Context({"works": loaded, "reader_preferences": preference})
    return Template("{% load work_display %}{% work_blurbs works %}").render(context)


def test_a_blurb_is_rendered_once_for_every_listing_it_is_in(rendered: list[int]) -> None:
    one, two = WorkFactory(), WorkFactory()
    first = blurbs(one, two)
    again = blurbs(one)
    assert rendered == [one.pk, two.pk]
    assert again in first
    assert f'id="work_{one.pk}"' in again


def test_whatever_the_blurb_shows_changes_its_key(rendered: list[int]) -> None:
    work = WorkFactory(title="Before")
    fandom = TagFactory(name="Old Fandom Name", type="fandom")
    work.tags.add(fandom)
    blurbs(work)
    add_kudos(work.pk, +3)  # a count
    assert "Kudos:" in blurbs(work)
    Tag.objects.filter(pk=fandom.pk).update(name="New Fandom Name")  # a wrangler's rename
    assert "New Fandom Name" in blurbs(work)
    pseud = work.creatorships.get().pseud
    pseud.name = "Renamed Pseud"
    pseud.save()
    assert "Renamed Pseud" in blurbs(work)
    assert rendered == [work.pk] * 4


def test_readers_with_other_display_preferences_get_their_own(rendered: list[int]) -> None:
    work = WorkFactory()
    hiding = Preference.objects.create(user=UserFactory(), hide_warnings=True)
    also_hiding = Preference.objects.create(user=UserFactory(), hide_warnings=True)
    plain = blurbs(work)
    hidden = blurbs(work, preference=hiding)
    assert "hidden by your preferences" in hidden and "hidden by your preferences" not in plain
    assert blurbs(work, preference=also_hiding) == hidden
    assert rendered == [work.pk, work.pk]  # the second reader who hides warnings shares it


def test_a_listing_keeps_its_blurbs_in_the_real_cache(client: Client, rendered: list[int]) -> None:
    work = WorkFactory(title="Kept In The Cache")
    index_now()
    client.get("/works/")
    assert any("kept-blurb:" in key for key in _stored_keys())
    # Another listing showing the work: its blurb comes from the cache, not rendered again.
    assert "Kept In The Cache" in client.get("/works/?sort=hits").content.decode()
    assert rendered == [work.pk]
    cache.clear()  # the cache forgot (Redis restarted): rendered again, not lost
    assert "Kept In The Cache" in client.get("/works/?sort=kudos").content.decode()
    assert rendered == [work.pk, work.pk]


def _stored_keys() -> list[str]:
    shards = cache._cache._shards  # type: ignore[attr-defined]
    return [str(key) for shard in shards for key in shard.iterkeys()]


def test_a_work_carrying_something_that_cannot_be_digested_is_rendered_each_time(
    rendered: list[int],
) -> None:
    work = WorkFactory(title="Carrying A Lock")
    loaded = list(Work.objects.for_blurbs().filter(pk=work.pk))
    loaded[0].held = threading.Lock()  # type: ignore[attr-defined]
    context = Context({"works": loaded, "reader_preferences": None})
    template = Template("{% load work_display %}{% work_blurbs works %}")
    assert "Carrying A Lock" in template.render(context)
    assert "Carrying A Lock" in template.render(context)
    assert rendered == [work.pk, work.pk]

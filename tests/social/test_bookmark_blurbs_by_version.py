"""Bookmark pages make their blurbs all at once, keyed on the works' page versions
(``works.kept_blurbs``): a page whose blurbs are kept loads no tags, credits or series,
and a change a blurb shows, made through the archive's own actions, shows on the next
visit all the same; on the embedded cache and on Redis (``shared_cache``)."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.actions import rename_pseud
from ficshelf.social.actions import leave_kudos
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Work
from tests.factories import UserFactory
from tests.search.listing_helpers import fandom, index_now, work
from tests.social.factories import BookmarkFactory

pytestmark = pytest.mark.django_db


def _reader_with(*works: Work) -> Client:
    reader = UserFactory()
    for bookmarked in works:
        BookmarkFactory(user=reader, work=bookmarked)
    client = Client()
    client.force_login(reader)
    return client


def _page(client: Client, path: str = "/bookmarks/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_loads_no_relations_and_shows_the_same(
    shared_cache: str, loaded: list[int]
) -> None:
    one = work("First Bookmarked", fandom("Fandom One"))
    two = work("Second Bookmarked", fandom("Fandom Two"))
    client = _reader_with(one, two)
    first = _page(client)
    assert sorted(loaded) == sorted([one.pk, two.pk])
    assert "Fandom One" in first and "Fandom Two" in first
    loaded.clear()
    again = _page(client)
    assert loaded == []
    assert again.count('class="blurb"') == 2 and "Fandom One" in again


@pytest.mark.parametrize("change", ["tag added", "tag renamed", "pseud renamed", "kudos"])
def test_a_change_a_blurb_shows_is_on_the_next_visit(shared_cache: str, change: str) -> None:
    made = work("Watched Work", fandom("Old Fandom"))
    client = _reader_with(made)
    _page(client)
    if change == "tag added":
        made.tags.add(Tag.objects.create(name="Newly Added", type=TagType.FREEFORM))
        shown = "Newly Added"
    elif change == "tag renamed":
        tag = made.tags.get(name="Old Fandom")
        tag.name = "Renamed Fandom"
        tag.save()
        shown = "Renamed Fandom"
    elif change == "pseud renamed":
        rename_pseud(made.creatorships.get().pseud, name="New Pen Name")
        shown = "New Pen Name"
    else:
        leave_kudos(made, actor=UserFactory())
        shown = '<dd class="kudos">1</dd>'
    assert shown in _page(client)


def test_public_bookmark_listings_show_blurbs_too() -> None:
    made = work("Publicly Bookmarked", fandom("Shown Fandom"))
    reader = UserFactory()
    BookmarkFactory(user=reader, work=made)
    index_now()
    page = _page(Client(), f"/users/{reader.username}/bookmarks/")
    assert "Publicly Bookmarked" in page and "Shown Fandom" in page

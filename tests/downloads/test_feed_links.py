"""Tag, creator and series pages (and their works listings) show their Atom feed: a link a
reader sees, and a <link rel="alternate"> in the head that feed readers find."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.search.queue import drain_index_queue
from ficshelf.works.models import Series, SeriesWork
from tests.factories import PseudFactory, TagFactory, WorkFactory

pytestmark = pytest.mark.django_db


def feed_links(page: str) -> tuple[list[str], list[str]]:
    """The Atom feeds the page's head announces, and those its body links to."""
    head, body = page.split("</head>", 1)
    announced = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', head
    )
    shown = re.findall(r'<a href="([^"]+)" type="application/atom\+xml">Atom feed', body)
    return announced, shown


@pytest.fixture
def shelf(db: None) -> dict[str, str]:
    writer = PseudFactory(name="lamplighter", user__username="lamplighter")
    work = WorkFactory(creator=writer)
    tag = TagFactory(name="Lighthouses", type="fandom")
    work.tags.add(tag)
    series = Series.objects.create(title="Coastal Lights")
    SeriesWork.objects.create(series=series, work=work, position=1)
    drain_index_queue()
    return {
        "tag": f"/tags/{tag.pk}/feed.atom",
        "creator": "/users/lamplighter/feed.atom",
        "series": f"/series/{series.pk}/feed.atom",
        "series_id": str(series.pk),
    }


@pytest.mark.parametrize(
    ("path", "feed"),
    [
        ("/tags/Lighthouses/", "tag"),
        ("/tags/Lighthouses/works/", "tag"),
        ("/users/lamplighter/", "creator"),
        ("/users/lamplighter/works/", "creator"),
        ("/series/{series_id}/", "series"),
        ("/series/{series_id}/works/", "series"),
    ],
)
def test_page_shows_and_announces_its_atom_feed(
    client: Client, shelf: dict[str, str], path: str, feed: str
) -> None:
    response = client.get(path.format(**shelf))

    assert response.status_code == 200
    announced, shown = feed_links(response.content.decode())
    assert announced == [shelf[feed]] and shown == [shelf[feed]]
    assert client.get(shelf[feed]).status_code == 200


def test_the_archive_listing_announces_no_works_feed(client: Client, shelf: dict[str, str]) -> None:
    assert feed_links(client.get("/works/").content.decode()) == ([], [])

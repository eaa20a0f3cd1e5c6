"""Feeds linked where readers look: every tag page, tag works listing, creator's pages and
series' pages names its Atom feed in the head (``<link rel="alternate">``, for feed
readers) and in the page (for people), and the feed it names answers with that page's
works."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from lxml import etree

from ficshelf.tags.naming import tag_to_url_part
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing, page_text

pytestmark = pytest.mark.django_db

NS = {"a": "http://www.w3.org/2005/Atom"}


def feed_named_by(client: Client, page_url: str) -> str:
    """The feed the page names in its head, after checking the page links it for people too."""
    html = page_text(get_listing(client, page_url))
    head = html.split("</head>", 1)[0]
    links = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)" title="[^"]+">', head
    )
    assert len(links) == 1, f"{page_url} names {len(links)} Atom feeds in its head"
    body = html.split("</head>", 1)[1]
    assert f'<a href="{links[0]}" type="application/atom+xml">Atom feed' in body
    return links[0]


def feed_titles(client: Client, feed_url: str) -> list[str]:
    response = get_listing(client, feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content).xpath("a:entry/a:title/text()", namespaces=NS)


@pytest.fixture
def work() -> Work:
    writer = PseudFactory(user=UserFactory(username="quillwright"))
    work: Work = WorkFactory(title="Lamplight", creator=writer)
    work.tags.add(TagFactory(name="Lighthouse (TV)", type="fandom", is_canonical=True))
    WorkFactory(title="Elsewhere")
    return work


@pytest.mark.parametrize(
    "page_url",
    [
        f"/tags/{tag_to_url_part('Lighthouse (TV)')}/",
        f"/tags/{tag_to_url_part('Lighthouse (TV)')}/works/",
        "/users/quillwright/",
        "/users/quillwright/works/",
    ],
)
def test_tag_and_creator_pages_name_their_feed(client: Client, work: Work, page_url: str) -> None:
    assert feed_titles(client, feed_named_by(client, page_url)) == ["Lamplight"]


@pytest.mark.parametrize("suffix", ["", "works/"])
def test_series_pages_name_their_feed(client: Client, work: Work, suffix: str) -> None:
    series = Series.objects.create(title="Coastal Lights")
    SeriesWork.objects.create(series=series, work=work, position=1)
    feed = feed_named_by(client, f"/series/{series.pk}/{suffix}")
    assert feed == f"/series/{series.pk}/feed.atom"
    assert feed_titles(client, feed) == ["Lamplight"]


def test_an_imported_creators_page_names_their_feed(client: Client) -> None:
    imported = PseudFactory(user=None, name="oldscribe")
    WorkFactory(title="Found Again", creator=imported)
    feed = feed_named_by(client, f"/creators/{imported.pk}/")
    assert feed_titles(client, feed) == ["Found Again"]

"""The OPDS 2.0 catalog (JSON under /opds/v2/): the same feeds as OPDS 1.2, in the shape
https://drafts.opds.io/opds-2.0 gives, through the same visibility and exclusions."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from ficshelf.accounts.reader_keys import make_key
from ficshelf.downloads.feeds.opds import PAGE_SIZE
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing
from tests.social.factories import ReadingFactory

pytestmark = pytest.mark.django_db

OPDS2 = "application/opds+json"
ACQUIRE = "http://opds-spec.org/acquisition"


def fetch(client: Client, url: str, **headers: Any) -> dict[str, Any]:
    response = get_listing(client, url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == OPDS2
    feed: dict[str, Any] = json.loads(response.content)
    # What every OPDS 2.0 feed must have: a title, a self link, and one collection.
    assert feed["metadata"]["title"]
    assert any(link["rel"] == "self" for link in feed["links"])
    assert "navigation" in feed or "publications" in feed
    return feed


def link(feed: dict[str, Any], rel: str) -> dict[str, Any]:
    (found,) = [item for item in feed["links"] if item["rel"] == rel]
    return found


def test_root_navigates_to_version_2_feeds_and_searches_by_template(client: Client) -> None:
    feed = fetch(client, "/opds/v2/")
    titles = {item["title"]: item for item in feed["navigation"]}
    assert {"New works", "By tag", "Series"} <= set(titles)
    assert titles["New works"]["href"] == "http://testserver/opds/v2/new/"
    assert all(item["type"] == OPDS2 for item in feed["navigation"])
    search = link(feed, "search")
    assert search["templated"] is True
    assert search["href"] == "http://testserver/opds/v2/search/{?query}"
    assert link(feed, "start")["href"] == "http://testserver/opds/v2/"


def test_new_works_are_publications_with_an_epub_to_acquire(client: Client) -> None:
    fandom = TagFactory(name="Sea Stories", type="fandom")
    work = WorkFactory(title="Harbour Lights", creator=PseudFactory(name="wren"))
    work.tags.add(fandom)
    feed = fetch(client, "/opds/v2/new/")
    (publication,) = feed["publications"]
    metadata = publication["metadata"]
    assert metadata["@type"] == "http://schema.org/Book"
    assert metadata["title"] == "Harbour Lights"
    assert metadata["author"][0]["name"] == "wren"
    assert metadata["identifier"] == f"http://testserver/works/{work.pk}/"
    assert metadata["language"] == "en"
    assert {"name": "Sea Stories", "scheme": "fandom"} in metadata["subject"]
    acquire = next(item for item in publication["links"] if item["rel"] == ACQUIRE)
    assert acquire["type"] == "application/epub+zip"
    epub = client.get(acquire["href"].removeprefix("http://testserver"))
    assert epub.status_code == 200 and epub["Content-Type"] == "application/epub+zip"


def test_pages_link_forward_within_version_2(client: Client) -> None:
    for number in range(PAGE_SIZE + 1):
        WorkFactory(title=f"Work {number}")
    first = fetch(client, "/opds/v2/new/")
    assert len(first["publications"]) == PAGE_SIZE
    assert link(first, "next")["href"] == "http://testserver/opds/v2/new/?page=2"
    second = fetch(client, "/opds/v2/new/?page=2")
    assert len(second["publications"]) == 1
    assert link(second, "previous")["href"] == "http://testserver/opds/v2/new/?page=1"


def test_search_reads_the_templated_query(client: Client) -> None:
    WorkFactory(title="Lighthouse Keeper")
    WorkFactory(title="Something Else")
    feed = fetch(client, "/opds/v2/search/?query=lighthouse")
    assert [p["metadata"]["title"] for p in feed["publications"]] == ["Lighthouse Keeper"]
    assert feed["metadata"]["numberOfItems"] == 1


def test_restricted_works_need_a_signed_in_app(client: Client) -> None:
    WorkFactory(title="Members Only", restricted=True)
    assert fetch(client, "/opds/v2/new/")["publications"] == []
    reader = UserFactory(username="thorium_user")
    token = base64.b64encode(f"thorium_user:{make_key(reader, 'Thorium')}".encode()).decode()
    feed = fetch(client, "/opds/v2/new/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert [p["metadata"]["title"] for p in feed["publications"]] == ["Members Only"]


def test_marked_for_later_asks_a_guest_app_to_sign_in(client: Client) -> None:
    reader = UserFactory()
    ReadingFactory(user=reader, work=WorkFactory(), is_marked_for_later=True)
    response = client.get("/opds/v2/later/")
    assert response.status_code == 401


def test_fandoms_lead_to_version_2_tag_feeds(client: Client) -> None:
    fandom = TagFactory(name="Sea Stories", type="fandom", is_canonical=True)
    WorkFactory().tags.add(fandom)
    feed = fetch(client, "/opds/v2/fandoms/")
    (item,) = feed["navigation"]
    assert item["href"] == f"http://testserver/opds/v2/tags/{fandom.pk}/"
    assert fetch(client, f"/opds/v2/tags/{fandom.pk}/")["publications"]


def test_every_page_advertises_both_catalogs(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'type="application/opds+json" href="/opds/v2/"' in html
    assert 'type="application/atom+xml;profile=opds-catalog" href="/opds/"' in html

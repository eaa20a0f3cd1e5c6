"""AO3's ``/api/v2/works/urls``: works by the address they were imported from."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.api.ao3_v2 import MAX_URLS
from tests.api.helpers import call
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

URL = "/api/v2/works/urls"


def test_found_and_not_found_in_asked_order(client: Client) -> None:
    work = WorkFactory(source_url="https://archiveofourown.org/works/123")
    WorkFactory(source_url="https://example.org/story/9", draft=True)
    asked = [
        "http://archiveofourown.org/works/123/chapters/5",
        {"id": "mine-1", "url": "https://example.org/story/9"},
        "https://nowhere.example/",
    ]
    status, data = call(client, "POST", URL, body={"original_urls": asked})
    assert status == 200
    assert data["status"] == "ok"
    found, draft, missing = data["works"]
    assert found["status"] == "found"
    assert found["archive_url"].endswith(f"/works/{work.pk}/")
    assert draft["status"] == "not_found"  # a draft is nobody's to find
    assert draft["original_id"] == "mine-1"
    assert missing["status"] == "not_found"
    assert missing["messages"]


def test_the_same_limit_as_ao3(client: Client) -> None:
    urls = [f"https://example.org/{n}" for n in range(MAX_URLS)]
    status, data = call(client, "POST", URL, body={"original_urls": urls})
    assert status == 400
    assert data["status"] == "too_many_request"
    status, data = call(client, "POST", URL, body={"original_urls": urls[:-1]})
    assert status == 200
    status, data = call(client, "POST", URL, body={"original_urls": []})
    assert status == 400
    assert data["status"] == "empty_request"

"""The home page at ``/``: the latest news, the newest works and the biggest fandoms, all
through the one visibility rule; kept for guests, and a news post is seen at once."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.sitecontent import actions
from ficshelf.tags.models import TagType
from ficshelf.works.models import Work
from tests.factories import TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing, page_text
from tests.sitecontent.helpers import publisher

pytestmark = pytest.mark.django_db


def news(title: str) -> None:
    actions.publish_news(
        actor=publisher(),
        title=title,
        source="Text",
        text_format="markdown",
        tag_names=[],
        who_may_comment="members",
    )


def in_fandom(fandom: str, **fields: object) -> Work:
    work: Work = WorkFactory(**fields)
    work.tags.add(TagFactory(name=fandom, type=TagType.FANDOM))
    return work


def test_the_home_page_shows_the_latest_three_news_posts(client: Client) -> None:
    for number in range(4):
        news(f"News number {number}")

    html = page_text(get_listing(client, "/"))

    assert "News number 3" in html and "News number 1" in html
    assert "News number 0" not in html
    assert f'href="{reverse("sitecontent:news")}"' in html


def test_newest_works_and_fandom_counts_follow_the_visibility_rule(client: Client) -> None:
    in_fandom("Naruto", title="Open Story", published_on=datetime.date(2024, 1, 1))
    in_fandom("Naruto", title="Members Story", restricted=True)
    in_fandom("Naruto", title="Hidden Story", hidden=True)
    in_fandom("Bleach", title="Draft Story", draft=True)

    guest = page_text(get_listing(client, "/"))
    client.force_login(UserFactory())
    member = page_text(get_listing(client, "/"))

    assert "Open Story" in guest
    for unseen in ("Members Story", "Hidden Story", "Draft Story", "Bleach"):
        assert unseen not in guest
    assert '>Naruto</a> <span class="index-count">(1)</span>' in guest
    assert "Members Story" in member and "Hidden Story" not in member
    assert '>Naruto</a> <span class="index-count">(2)</span>' in member
    assert f'href="{reverse("tags:index")}"' in guest


def test_a_kept_home_page_shows_a_new_news_post_at_once(client: Client) -> None:
    WorkFactory()
    page_text(get_listing(client, "/"))
    assert "Fresh news" not in page_text(client.get("/"))

    news("Fresh news")

    assert "Fresh news" in page_text(client.get("/"))


def test_the_works_listing_lives_at_works(client: Client) -> None:
    WorkFactory(title="Listed Work")

    html = page_text(get_listing(client, "/works/"))

    assert reverse("works:index") == "/works/"
    assert "Listed Work" in html and "1 Work" in html

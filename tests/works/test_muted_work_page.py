"""A reader who muted a creator and opens one of their works is told so, with a way to
unmute, instead of a 404 that suggests the work was deleted. Nothing of the work's text
is shown, and everyone else sees the work (or its 404) as before."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import Mute
from ficshelf.works.models import Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

TEXT = "The lighthouse keeper counted ships."


def muted_work(**fields: object) -> tuple[Client, Work]:
    """A reader's client, signed in, and a work by a creator that reader muted."""
    creator = PseudFactory(name="loudwriter", user__username="loudwriter")
    work = WorkFactory(title="Salt Ledger", creator=creator, summary="<p>Ships.</p>", **fields)
    work.chapters.update(text=f"<p>{TEXT}</p>")
    reader = UserFactory(username="quietreader")
    Mute.objects.create(muter=reader, muted=creator.user)
    client = Client()
    client.force_login(reader)
    return client, work


def test_work_page_of_a_muted_creator_says_so_and_offers_to_unmute() -> None:
    client, work = muted_work()

    response = client.get(work.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "You muted a creator of this work" in page
    assert "“Salt Ledger” credits" in page and ">loudwriter</a>, whom you muted" in page
    assert 'action="/users/loudwriter/unmute/"' in page
    assert f'name="next" value="{work.get_absolute_url()}"' in page
    assert "csrfmiddlewaretoken" in page
    assert TEXT not in page and "Ships." not in page
    assert "may have been deleted" not in page


def test_chapter_pages_of_a_muted_creator_say_so_too() -> None:
    client, work = muted_work()
    chapter = work.chapters.get()

    for url in [chapter.get_absolute_url(), f"/works/{work.pk}/navigate/"]:
        page = client.get(url).content.decode()
        assert "You muted a creator of this work" in page, url
        assert TEXT not in page, url


def test_unmuting_from_the_work_page_returns_to_the_work_shown() -> None:
    client, work = muted_work()

    response = client.post("/users/loudwriter/unmute/", {"next": work.get_absolute_url()})

    assert response.status_code == 302 and response["Location"] == work.get_absolute_url()
    assert not Mute.objects.exists()
    assert TEXT in client.get(work.get_absolute_url()).content.decode()


def test_unmute_goes_nowhere_but_this_site() -> None:
    client, _ = muted_work()

    response = client.post("/users/loudwriter/unmute/", {"next": "https://evil.example/"})

    assert response["Location"] == "/accounts/mutes/"


@pytest.mark.parametrize("state", ["draft", "hidden"])
def test_a_muted_creators_draft_or_hidden_work_stays_a_404(state: str) -> None:
    client, work = muted_work(**{state: True})

    response = client.get(work.get_absolute_url())

    assert response.status_code == 404
    assert "Salt Ledger" not in response.content.decode()


def test_guests_and_other_readers_see_no_mute_notice() -> None:
    _, work = muted_work()
    other = Client()
    other.force_login(UserFactory(username="otherreader"))

    assert TEXT in other.get(work.get_absolute_url()).content.decode()
    assert TEXT in Client().get(work.get_absolute_url()).content.decode()


def test_a_missing_chapter_of_a_muted_work_still_says_muted_but_a_missing_work_is_404() -> None:
    client, work = muted_work()

    assert client.get("/works/999999/").status_code == 404
    assert "You muted" in client.get(f"/works/{work.pk}/chapters/999999/").content.decode()


def test_other_surfaces_keep_hiding_the_muted_work() -> None:
    client, work = muted_work()

    assert client.get(f"/works/{work.pk}/bookmarks/").status_code == 404
    assert client.get(f"/works/{work.pk}/bookmark/").status_code == 404
    assert client.post(f"/works/{work.pk}/kudos/").status_code == 404

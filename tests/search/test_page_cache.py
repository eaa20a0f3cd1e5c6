"""Guests' listing pages are kept, and never staler than the database."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from ficshelf.search import page_cache, views
from tests.factories import UserFactory
from tests.search.listing_helpers import fandom, index_now, titles, work

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The listing pages actually rendered (not served from the cache)."""
    rendered: list[str] = []
    real = views._render_listing

    def counting(request: object, scope: object) -> object:
        rendered.append(request.get_full_path())  # type: ignore[attr-defined]
        return real(request, scope)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "_render_listing", counting)
    return rendered


def test_a_guest_without_cookies_gets_the_kept_page(client: Client, renders: list[str]) -> None:
    work("Kept", fandom("Naruto"))
    index_now()
    first = client.get("/works/")
    second = client.get("/works/")
    assert second.content == first.content
    assert renders == ["/works/"]


def test_a_new_work_shows_at_once_even_before_the_index_has_it(
    client: Client, renders: list[str]
) -> None:
    work("Old", fandom("Naruto"))
    index_now()
    client.get("/works/")
    work("New", fandom("Naruto"))  # queued, not yet indexed
    client.get("/works/")
    index_now()
    assert "New" in titles(client.get("/works/").content.decode())
    assert len(renders) == 3


def test_a_work_made_a_draft_vanishes_at_once_from_kept_pages(
    client: Client, renders: list[str]
) -> None:
    gone = work("Soon a draft", fandom("Naruto"))
    index_now()
    assert "Soon a draft" in titles(client.get("/works/").content.decode())
    gone.is_posted = False
    gone.save()
    assert "Soon a draft" not in titles(client.get("/works/").content.decode())


def test_signed_in_readers_never_get_kept_pages(client: Client, renders: list[str]) -> None:
    work("Mine to see", fandom("Naruto"))
    index_now()
    client.get("/works/")
    client.force_login(UserFactory())
    client.get("/works/")
    client.get("/works/")
    assert len(renders) == 3


def test_a_guest_with_a_session_gets_their_own_page(client: Client, renders: list[str]) -> None:
    work("Hidden by choice", fandom("Naruto"))
    index_now()
    client.get("/works/")
    session = client.session
    session["seen"] = True
    session.save()
    client.get("/works/")
    assert len(renders) == 2


def test_pages_with_a_form_token_or_a_new_cookie_are_not_kept() -> None:
    plain = HttpResponse(b"<p>works</p>")
    with_token = HttpResponse(b'<input name="csrfmiddlewaretoken" value="x">')
    with_cookie = HttpResponse(b"<p>works</p>")
    with_cookie.set_cookie("messages", "hello")
    assert page_cache._may_keep(plain)
    assert not page_cache._may_keep(with_token)
    assert not page_cache._may_keep(with_cookie)
    assert not page_cache._may_keep(HttpResponse(b"gone", status=404))

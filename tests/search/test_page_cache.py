"""Listing pages are kept, for guests whole and for everyone else in part, and never
staler than the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from ficshelf.accounts.models import Mute, Preference
from ficshelf.search import page_cache, views
from ficshelf.search.models import ExclusionSet
from ficshelf.social.counters import add_hits
from ficshelf.tags.models import Tag
from tests.factories import PseudFactory, UserFactory
from tests.search.listing_helpers import fandom, freeform, index_now, titles, work

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


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The listing parts actually rendered (not served from the cache)."""
    rendered: list[str] = []
    real = views._render_listing_part

    def counting(request: Any, *args: Any) -> Any:
        rendered.append(request.get_full_path())
        return real(request, *args)

    monkeypatch.setattr(views, "_render_listing_part", counting)
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


def test_signed_in_readers_get_their_own_header_around_a_shared_listing(
    client: Client, renders: list[str], parts: list[str]
) -> None:
    work("Shared", fandom("Naruto"))
    index_now()
    first, second = UserFactory(username="first_reader"), UserFactory(username="second_reader")
    client.force_login(first)
    as_first = client.get("/works/").content.decode()
    client.force_login(second)
    as_second = client.get("/works/").content.decode()
    assert len(renders) == 2  # the whole pages are theirs
    assert parts == ["/works/"]  # the listing part was rendered once
    assert "first_reader" in as_first and "first_reader" not in as_second
    assert "second_reader" in as_second
    assert titles(as_first) == titles(as_second) == ["Shared"]


def test_a_reader_with_exclusions_gets_a_listing_of_their_own(
    client: Client, parts: list[str]
) -> None:
    work("Angsty", fandom("Naruto"), freeform("Angst"))
    work("Fluffy", fandom("Naruto"))
    index_now()
    client.force_login(UserFactory())
    assert titles(client.get("/works/").content.decode()) == ["Fluffy", "Angsty"]
    excluding = UserFactory()
    ExclusionSet.objects.create(user=excluding).tags.add(Tag.objects.get(name="Angst"))
    client.force_login(excluding)
    assert titles(client.get("/works/").content.decode()) == ["Fluffy"]
    assert len(parts) == 2


def test_muted_creators_stay_muted_on_a_kept_listing(client: Client, parts: list[str]) -> None:
    loud = PseudFactory(name="loud")
    work("From the loud one", fandom("Naruto"), creator=loud)
    work("Quiet", fandom("Naruto"))
    index_now()
    client.force_login(UserFactory())
    client.get("/works/")
    muter = UserFactory()
    Mute.objects.create(muter=muter, muted=loud.user)
    client.force_login(muter)
    assert titles(client.get("/works/").content.decode()) == ["Quiet"]


def test_guests_never_get_a_members_listing(client: Client, parts: list[str]) -> None:
    work("Members only", fandom("Naruto"), restricted=True)
    index_now()
    client.force_login(UserFactory())
    assert "Members only" in titles(client.get("/works/").content.decode())
    client.logout()
    session = client.session
    session["seen"] = True  # a guest with a session: the listing part path, not the page
    session.save()
    assert "Members only" not in titles(client.get("/works/").content.decode())
    assert len(parts) == 2


def test_display_preferences_are_part_of_the_kept_listing(client: Client, parts: list[str]) -> None:
    work("Tagged", fandom("Naruto"), freeform("Slow Burn"))
    index_now()
    client.force_login(UserFactory())
    assert "Slow Burn" in client.get("/works/").content.decode()
    hiding = UserFactory()
    Preference.objects.create(user=hiding, hide_freeform_tags=True)
    client.force_login(hiding)
    assert "Show additional tags" in client.get("/works/").content.decode()
    assert len(parts) == 2


def test_a_second_edit_of_a_work_still_waiting_for_the_index_shows_at_once(
    client: Client,
) -> None:
    edited = work("First title", fandom("Naruto"))
    index_now()
    client.force_login(UserFactory())
    edited.title = "Second title"
    edited.save()  # queued
    assert titles(client.get("/works/").content.decode()) == ["Second title"]
    edited.title = "Third title"
    edited.save()  # queued again before any drain
    assert titles(client.get("/works/").content.decode()) == ["Third title"]


def test_a_hit_keeps_the_kept_listing(client: Client, parts: list[str]) -> None:
    read = work("Read often", fandom("Naruto"))
    index_now()
    client.force_login(UserFactory())
    client.get("/works/")
    add_hits({read.pk: 1})  # as the worker's flush of buffered hits does
    client.get("/works/")
    assert len(parts) == 1


def test_a_work_hidden_by_an_admin_is_never_shown_to_others_from_its_creators_listing(
    client: Client, parts: list[str]
) -> None:
    creator = PseudFactory(name="its_creator")
    hidden = work("Hidden soon", fandom("Naruto"), creator=creator)
    work("Still shown", fandom("Naruto"))
    index_now()
    hidden.is_hidden_by_admin = True
    hidden.save()  # the index still has it until the next drain
    # Listings show what the index will hold once it catches up: no hidden work, for its
    # creator too (they find it on their dashboard), so the part may be shared.
    client.force_login(creator.user)
    assert titles(client.get("/works/").content.decode()) == ["Still shown"]
    client.force_login(UserFactory())
    assert titles(client.get("/works/").content.decode()) == ["Still shown"]


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
    assert page_cache._may_cache(plain)
    assert not page_cache._may_cache(with_token)
    assert not page_cache._may_cache(with_cookie)
    assert not page_cache._may_cache(HttpResponse(b"gone", status=404))


def test_a_mute_and_a_saved_exclusion_of_the_same_creator_do_not_share_a_listing(
    client: Client, parts: list[str]
) -> None:
    loud = PseudFactory(name="loud")
    work("Quiet", fandom("Naruto"))
    work("From the loud one", fandom("Naruto"), creator=loud)
    index_now()
    excluding, muting = UserFactory(), UserFactory()
    ExclusionSet.objects.create(user=excluding).creators.add(loud.user)
    Mute.objects.create(muter=muting, muted=loud.user)
    client.force_login(excluding)
    assert "Your saved exclusions hide" in client.get("/works/").content.decode()
    client.force_login(muting)
    as_muting = client.get("/works/").content.decode()
    assert "Your saved exclusions hide" not in as_muting
    assert titles(as_muting) == ["Quiet"]
    assert len(parts) == 2

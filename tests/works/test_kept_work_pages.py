"""A work's page is kept for guests (``search.page_cache.cached_work_page_for_guests``):
rendered once per change of the archive, counted for every guest, each guest's forms with
their own CSRF token, and never staler than the database."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.test import Client

from ficshelf.social.hits import flush_hits
from ficshelf.social.models import Comment, Kudos
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.search.listing_helpers import index_now
from tests.social.test_hits import LATER

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# Each reader's own: the CSRF token, and the comment form's spam-guard stamp (both put in
# when a kept page is served).
PERSONAL = re.compile(TOKEN.pattern + r'|name="form_started" value="[^"]*"')


def guest(address: str) -> Client:
    return Client(REMOTE_ADDR=address, enforce_csrf_checks=True)


def posted_work() -> Work:
    work = WorkFactory()
    Client().get(work.get_absolute_url())  # the factory's text is cleaned on a first view
    index_now()
    return work


def test_guests_share_one_rendering_and_each_is_counted(work_page_renders: list[int]) -> None:
    work = posted_work()
    work_page_renders.clear()
    pages = [guest(f"10.0.0.{n}").get(work.get_absolute_url()) for n in (1, 2, 3)]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert work_page_renders == [work.pk]
    assert all("Once there was a story" in page.content.decode() for page in pages)
    flush_hits(now=time.time() + LATER)
    work.refresh_from_db()
    assert work.hits_count == 1 + 3  # the first view's, then one per guest


def test_each_guest_gets_a_token_of_their_own_that_works(work_page_renders: list[int]) -> None:
    work = posted_work()
    work_page_renders.clear()
    first, second = guest("10.0.0.1"), guest("10.0.0.2")
    first_tokens = set(TOKEN.findall(first.get(work.get_absolute_url()).content.decode()))
    page = second.get(work.get_absolute_url()).content.decode()
    assert len(work_page_renders) == 1  # the second page was the kept one
    second_tokens = TOKEN.findall(page)
    assert second_tokens and not first_tokens & set(second_tokens)
    assert "\x00" not in page
    answer = second.post(f"/works/{work.pk}/kudos/", {"csrfmiddlewaretoken": second_tokens[0]})
    assert answer.status_code == 302
    assert Kudos.objects.filter(work=work).count() == 1


def test_a_comment_shows_to_the_next_guest_at_once(work_page_renders: list[int]) -> None:
    work = posted_work()
    work_page_renders.clear()
    reader = guest("10.0.0.1")
    reader.get(work.get_absolute_url())
    member = UserFactory()
    Comment.objects.create(
        work=work, chapter=work.chapters.get(), user=member, text="<p>Loved the ending.</p>"
    )
    assert "Loved the ending." in guest("10.0.0.2").get(work.get_absolute_url()).content.decode()
    comment = Comment.objects.get(work=work)
    comment.text = "<p>Loved the middle too.</p>"
    comment.save()
    assert "Loved the middle too." in reader.get(work.get_absolute_url()).content.decode()
    assert len(work_page_renders) == 3


def test_the_adult_notice_is_not_kept_and_not_counted(work_page_renders: list[int]) -> None:
    work = WorkFactory(rating="Explicit")
    index_now()
    for n in (1, 2):
        page = guest(f"10.0.0.{n}").get(work.get_absolute_url()).content.decode()
        assert "Once there was a story" not in page
    assert work_page_renders == []
    flush_hits(now=time.time() + LATER)
    work.refresh_from_db()
    assert work.hits_count == 0


def test_members_and_guests_with_a_session_get_their_own_page(
    client: Client, work_page_renders: list[int]
) -> None:
    work = posted_work()
    work_page_renders.clear()
    guest("10.0.0.1").get(work.get_absolute_url())
    client.force_login(UserFactory())
    assert "Bookmark" in client.get(work.get_absolute_url()).content.decode()
    assert len(work_page_renders) == 2


def test_a_chapters_page_is_kept_too(work_page_renders: list[int]) -> None:
    work = WorkFactory(chapters=2)
    Client().get(work.get_absolute_url())
    index_now()
    work_page_renders.clear()
    second = work.chapters.get(position=2).get_absolute_url()
    pages = [guest(f"10.0.0.{n}").get(second).content.decode() for n in (1, 2)]
    assert PERSONAL.sub("", pages[0]) == PERSONAL.sub("", pages[1])
    assert work_page_renders == [work.pk]


def past_the_notice(address: str, work: Work) -> Client:
    reader = Client(REMOTE_ADDR=address)
    reader.post(f"/works/{work.pk}/adult/", {"next": work.get_absolute_url()})
    return reader


def test_guests_past_the_adult_notice_share_one_rendering(work_page_renders: list[int]) -> None:
    work = WorkFactory(rating="Explicit")
    past_the_notice("10.0.0.9", work).get(work.get_absolute_url())  # the text's first view
    index_now()
    work_page_renders.clear()
    pages = [past_the_notice(f"10.0.0.{n}", work).get(work.get_absolute_url()) for n in (1, 2)]
    assert all("Once there was a story" in page.content.decode() for page in pages)
    # The first view's copy still stands: the index taking the work in changed nothing the
    # page shows.
    assert work_page_renders == []
    # A guest who has not passed it still gets the notice, not the kept text.
    assert (
        "Once there was a story"
        not in guest("10.0.0.3").get(work.get_absolute_url()).content.decode()
    )


def test_a_guest_with_something_personal_in_the_session_gets_their_own_page(
    work_page_renders: list[int],
) -> None:
    work = posted_work()
    work_page_renders.clear()
    guest("10.0.0.1").get(work.get_absolute_url())
    personal = Client(REMOTE_ADDR="10.0.0.2")
    session = personal.session
    session["exclusions"] = {"tags": [1]}
    session.save()
    personal.cookies[settings.SESSION_COOKIE_NAME] = session.session_key  # type: ignore[assignment]
    personal.get(work.get_absolute_url())
    assert len(work_page_renders) == 2

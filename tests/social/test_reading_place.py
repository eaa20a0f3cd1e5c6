"""Continue reading: a member's last chapter and place in it, kept in their history row by
the one insert-or-update statement, and offered on the work page and Marked for Later."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import Preference, User
from ficshelf.social.models import Reading
from ficshelf.works.models import Chapter, Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import creator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client: Client) -> User:
    user = UserFactory(username="reader")
    client.force_login(user)
    return user


@pytest.fixture
def work() -> Work:
    return WorkFactory(chapters=4, rating="General Audiences", title="Long Road")


def chapter(work: Work, position: int) -> Chapter:
    return work.chapters.get(position=position)


def send_place(client: Client, work: Work, chapter_id: object, fraction: object) -> int:
    response = client.post(
        reverse("social:reading_place", args=[work.pk]),
        {"chapter": chapter_id, "fraction": fraction},
    )
    return response.status_code


def place(user: User, work: Work) -> tuple[int | None, float]:
    reading = Reading.objects.get(user=user, work=work)
    return reading.chapter_id, reading.scroll_fraction


def test_the_place_sent_is_kept_and_the_work_page_offers_to_continue_there(
    client: Client, reader: User, work: Work
) -> None:
    third = chapter(work, 3)
    client.get(third.get_absolute_url())
    assert place(reader, work) == (third.pk, 0.0)
    assert send_place(client, work, third.pk, "0.4375") == 204
    assert place(reader, work) == (third.pk, 0.4375)

    # Opening the work's own address (its first chapter) leaves the place where it was.
    html = client.get(work.get_absolute_url()).content.decode()
    assert place(reader, work) == (third.pk, 0.4375)
    assert "Continue reading (chapter 3)" in html
    assert f'href="{third.get_absolute_url()}#chapter-3"' in html
    assert 'data-scroll-fraction="0.4375"' in html
    assert Reading.objects.get(user=reader, work=work).view_count == 2


def test_reopening_the_chapter_keeps_the_place_and_another_chapter_starts_at_its_top(
    client: Client, reader: User, work: Work
) -> None:
    third, second = chapter(work, 3), chapter(work, 2)
    client.get(third.get_absolute_url())
    send_place(client, work, third.pk, "0.5")
    client.get(third.get_absolute_url())
    assert place(reader, work) == (third.pk, 0.5)
    client.get(second.get_absolute_url())
    assert place(reader, work) == (second.pk, 0.0)


def test_without_script_the_last_chapter_opened_is_offered(
    client: Client, reader: User, work: Work
) -> None:
    client.get(chapter(work, 2).get_absolute_url())
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Continue reading (chapter 2)" in html


def test_nothing_is_offered_at_the_very_start(client: Client, reader: User, work: Work) -> None:
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Continue reading" not in html
    assert 'id="reading-place"' in html  # the script may start keeping the place


def test_marked_for_later_offers_to_continue(client: Client, reader: User, work: Work) -> None:
    client.post(reverse("social:mark_for_later", args=[work.pk]))
    client.get(chapter(work, 4).get_absolute_url())
    send_place(client, work, chapter(work, 4).pk, "0.25")
    html = client.get(reverse("social:marked_for_later")).content.decode()
    assert "Continue reading" in html and "(chapter 4)" in html
    assert 'data-scroll-fraction="0.2500"' in html
    assert "reading-position.js" in html


def test_history_off_keeps_no_place_and_offers_none(
    client: Client, reader: User, work: Work
) -> None:
    Preference.objects.create(user=reader, keep_history=False)
    client.get(chapter(work, 3).get_absolute_url())
    assert send_place(client, work, chapter(work, 3).pk, "0.5") == 204
    assert not Reading.objects.filter(user=reader).exists()
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Continue reading" not in html and 'id="reading-place"' not in html


@pytest.mark.parametrize(
    ("chapter_value", "fraction"),
    [(None, "0.5"), ("x", "0.5"), ("1", "abc"), ("1", "1.5"), ("1", "-0.1"), ("1", "nan")],
)
def test_bad_places_are_refused_and_nothing_is_written(
    client: Client, reader: User, work: Work, chapter_value: str | None, fraction: str
) -> None:
    chapter_id = chapter(work, 2).pk if chapter_value == "1" else chapter_value
    data = (
        {"fraction": fraction}
        if chapter_id is None
        else {"chapter": chapter_id, "fraction": fraction}
    )
    response = client.post(reverse("social:reading_place", args=[work.pk]), data)
    assert response.status_code == 400
    assert "from 0 to 1" in response.content.decode()
    assert not Reading.objects.exists()


def test_a_chapter_of_another_work_or_a_draft_chapter_is_not_found(
    client: Client, reader: User, work: Work
) -> None:
    other = WorkFactory()
    assert send_place(client, work, other.chapters.get().pk, "0.5") == 404
    draft = chapter(work, 4)
    Chapter.objects.filter(pk=draft.pk).update(is_posted=False)
    assert send_place(client, work, draft.pk, "0.5") == 404
    hidden = WorkFactory(chapters=2)
    Work.objects.filter(pk=hidden.pk).update(is_posted=False)
    assert send_place(client, hidden, hidden.chapters.first().pk, "0.5") == 404
    assert not Reading.objects.exists()


def test_guests_and_creators_keep_no_place(client: Client, work: Work) -> None:
    guest_page = Client().get(work.get_absolute_url()).content.decode()
    assert 'id="reading-place"' not in guest_page and "Continue reading" not in guest_page
    response = Client().post(
        reverse("social:reading_place", args=[work.pk]),
        {"chapter": chapter(work, 2).pk, "fraction": "0.5"},
    )
    assert response.status_code == 302  # to sign in
    client.force_login(creator_of(work))
    assert send_place(client, work, chapter(work, 2).pk, "0.5") == 204
    assert not Reading.objects.exists()
    assert 'id="reading-place"' not in client.get(work.get_absolute_url()).content.decode()


def test_the_history_page_still_names_the_last_chapter(
    client: Client, reader: User, work: Work
) -> None:
    client.get(chapter(work, 3).get_absolute_url())
    assert "Chapter 3" in page_text(client.get(reverse("social:history")))


def test_a_one_chapter_works_chapter_address_keeps_its_place(client: Client, reader: User) -> None:
    work = WorkFactory(rating="General Audiences", title="Short")
    only = work.chapters.get()
    client.get(only.get_absolute_url())
    send_place(client, work, only.pk, "0.5")
    client.get(only.get_absolute_url())  # what "Continue reading" opens
    assert place(reader, work) == (only.pk, 0.5)
    html = client.get(work.get_absolute_url()).content.decode()
    assert ">Continue reading</a>" in html  # no chapter number for a one-chapter work

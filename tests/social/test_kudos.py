"""Kudos: one per reader or guest address, never from creators or blocked users."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.social.models import InboxItem, Kudos
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import KudosFactory, block, creator_of, mute

pytestmark = pytest.mark.django_db


def kudos_url(work_id: int) -> str:
    return reverse("social:kudos", args=[work_id])


def test_signed_in_reader_leaves_kudos() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(UserFactory())
    response = client.post(kudos_url(work.pk))
    assert response.status_code == 302
    assert Kudos.objects.filter(work=work).count() == 1


def test_second_kudos_from_the_same_reader_is_not_counted() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(UserFactory())
    client.post(kudos_url(work.pk))
    response = client.post(kudos_url(work.pk), follow=True)
    assert Kudos.objects.filter(work=work).count() == 1
    assert "You have already left kudos here. :)" in page_text(response)


def test_guest_leaves_one_kudos_per_address() -> None:
    work = WorkFactory()
    Client(REMOTE_ADDR="10.0.0.1").post(kudos_url(work.pk))
    Client(REMOTE_ADDR="10.0.0.1").post(kudos_url(work.pk))
    Client(REMOTE_ADDR="10.0.0.2").post(kudos_url(work.pk))
    kudos = Kudos.objects.filter(work=work)
    assert kudos.count() == 2
    assert all(k.user_id is None and "10.0.0" not in k.guest_key for k in kudos)


def test_creator_cannot_leave_kudos_on_own_work() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(creator_of(work))
    response = client.post(kudos_url(work.pk), follow=True)
    assert not Kudos.objects.exists()
    assert "You can't leave kudos on your own work." in page_text(response)


def test_blocked_reader_cannot_leave_kudos_on_blockers_work() -> None:
    work = WorkFactory()
    reader = UserFactory()
    block(creator_of(work), reader)
    client = Client()
    client.force_login(reader)
    client.post(kudos_url(work.pk))
    assert not Kudos.objects.exists()


def test_guest_gets_404_leaving_kudos_on_restricted_work() -> None:
    work = WorkFactory(restricted=True)
    response = Client().post(kudos_url(work.pk))
    assert response.status_code == 404
    assert not Kudos.objects.exists()


def test_kudos_on_a_draft_answers_404() -> None:
    work = WorkFactory(draft=True)
    client = Client()
    client.force_login(UserFactory())
    assert client.post(kudos_url(work.pk)).status_code == 404


def test_kudos_list_names_readers_and_counts_guests() -> None:
    work = WorkFactory()
    KudosFactory(work=work, user=UserFactory(username="ann"))
    KudosFactory(work=work, user=UserFactory(username="bo"))
    KudosFactory.create_batch(3, work=work, guest=True)
    html = page_text(Client().get(work.get_absolute_url()))
    assert "bo, ann and 3 guests left kudos on this work!" in html


def test_kudos_list_leaves_out_users_the_viewer_muted() -> None:
    work = WorkFactory()
    viewer = UserFactory()
    troll = UserFactory(username="troll")
    KudosFactory(work=work, user=troll)
    KudosFactory(work=work, user=UserFactory(username="friend"))
    mute(viewer, troll)
    client = Client()
    client.force_login(viewer)
    html = page_text(client.get(work.get_absolute_url()))
    assert "friend left kudos on this work!" in html
    assert "troll" not in html


def test_kudos_notifies_the_creator_for_the_digest() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(UserFactory(username="fan"))
    client.post(kudos_url(work.pk))
    item = InboxItem.objects.get(recipient=creator_of(work))
    assert item.text == f"fan left kudos on {work.title}"
    assert item.awaits_digest


def test_kudos_button_is_not_shown_to_the_creator() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(creator_of(work))
    html = page_text(client.get(work.get_absolute_url()))
    assert reverse("social:bookmark_work", args=[work.pk]) in html
    assert kudos_url(work.pk) not in html

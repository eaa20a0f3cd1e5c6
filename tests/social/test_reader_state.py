"""A member's own state on a work page (bookmarked, subscribed, marked for later, reading
lists, where they were): each member sees theirs, on each work, though the question is
compiled once per connection (``social.templatetags.social._reader_state``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.social.models import Bookmark, Reading, ReadingList, Subscription
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def _page(user: User, work: Work) -> str:
    client = Client()
    client.force_login(user)
    return client.get(work.get_absolute_url()).content.decode()


def test_each_member_sees_their_own_state_on_each_work() -> None:
    first, second = WorkFactory(chapters=3), WorkFactory(chapters=2)
    keen, new = UserFactory(), UserFactory()
    Bookmark.objects.create(user=keen, work=first)
    Subscription.objects.create(user=keen, work=first)
    ReadingList.objects.create(owner=keen, name="Winter reads")
    Reading.objects.create(
        user=keen,
        work=first,
        chapter=first.chapters.get(position=2),
        scroll_fraction=0.5,
        is_marked_for_later=True,
        last_viewed_at=timezone.now(),
    )
    for user, work, expected, absent in [
        (
            keen,
            first,
            ["Edit Bookmark", ">Unsubscribe<", ">Mark as Read<", "Winter reads", "#chapter-2"],
            [],
        ),
        (keen, second, ["Winter reads", ">Subscribe<", ">Mark for Later<"], ["Edit Bookmark"]),
        (
            new,
            first,
            [">Subscribe<", ">Mark for Later<", "New list named"],
            ["Edit Bookmark", "Winter reads", "#chapter-2"],
        ),
        (keen, first, ["Edit Bookmark", ">Unsubscribe<", "#chapter-2"], []),
    ]:
        page = _page(user, work)
        for text in expected:
            assert text in page, (user.username, work.title, text)
        for text in absent:
            assert text not in page, (user.username, work.title, text)

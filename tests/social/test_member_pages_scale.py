"""A member's own pages cost the same in a big archive as in a small one.

The inbox, bookmarks, history, Marked for Later, subscriptions, a reading list and the
dashboard show a handful of rows about the member; checking those rows' works against the
visibility rule must look each work up, not list every visible work of the archive first
(``work__in=Work.objects.visible_to(...)`` did: SQLite scanned the whole works table on every
member page, 60-70 ms per count at 100,000 works).

Measured as the SQLite virtual machine's steps for the whole request, before and after
5,000 works the member has nothing to do with are added: wall time is too noisy for a test.
"""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from django.test import Client

from ficshelf.social.models import InboxKind, ReadingListItem
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import (
    BookmarkFactory,
    InboxItemFactory,
    ReadingFactory,
    ReadingListFactory,
    SubscriptionFactory,
    work_by,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="counts SQLite's virtual machine steps"
    ),
]

UNRELATED_WORKS = 5_000
STEPS_PER_CALL = 100


def steps_for(client: Client, url: str) -> int:
    """SQLite VM steps (to the nearest hundred) spent answering ``url``."""
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    calls = 0

    def count() -> int:
        nonlocal calls
        calls += 1
        return 0  # go on

    raw.set_progress_handler(count, STEPS_PER_CALL)
    try:
        assert client.get(url).status_code == 200
    finally:
        raw.set_progress_handler(None, STEPS_PER_CALL)
    return calls * STEPS_PER_CALL


def add_unrelated_works(how_many: int) -> None:
    Work.objects.bulk_create(
        Work(title=f"Someone else's work {n}", is_posted=True) for n in range(how_many)
    )


def test_a_members_pages_do_not_grow_with_the_archive(client: Client) -> None:
    member = UserFactory()
    works = [WorkFactory() for _ in range(4)]
    for work in works:
        BookmarkFactory(user=member, work=work)
        ReadingFactory(user=member, work=work, is_marked_for_later=True)
        SubscriptionFactory(user=member, work=work)
        InboxItemFactory(recipient=member, work=work, kind=InboxKind.COMMENT)
    series = Series.objects.create(title="A series")
    SeriesWork.objects.create(series=series, work=works[0], position=1)
    BookmarkFactory(user=member, work=None, series=series)
    reading_list = ReadingListFactory(owner=member)
    for work in works:
        ReadingListItem.objects.create(reading_list=reading_list, work=work)
    work_by(member)  # something of their own for the dashboard
    client.force_login(member)
    pages = [
        "/inbox/",
        "/bookmarks/",
        "/history/",
        "/later/",
        "/subscriptions/",
        f"/lists/{reading_list.pk}/",
        "/dashboard/",
        f"/series/{series.pk}/",
    ]
    for url in pages:  # first views: stale texts are cleaned once, caches filled
        client.get(url)
    before = {url: steps_for(client, url) for url in pages}

    add_unrelated_works(UNRELATED_WORKS)

    after = {url: steps_for(client, url) for url in pages}
    grown = {
        url: (before[url], after[url])
        for url in pages
        # Listing 5,000 works costs hundreds of thousands of steps; these pages take a few
        # thousand, the same before and after.
        if after[url] > 2 * before[url] + 1_000
    }
    assert grown == {}, f"steps before and after {UNRELATED_WORKS} unrelated works: {grown}"

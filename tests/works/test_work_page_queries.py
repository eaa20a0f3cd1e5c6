"""The work page asks the database a fixed number of questions, however many chapters,
comments and kudos the work has: counts are read from the work (``social.counters``), the
kudos line names the latest givers only, and comments come in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.models import User
from ficshelf.core.sanitizer import SANITIZER_VERSION
from ficshelf.social import counters
from ficshelf.social.models import Comment, Kudos
from ficshelf.works.models import Chapter, Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

# What a guest's page asks today: the work, its tags, creators, series, collections, gifts,
# chapters, its source, the works it inspired (with the end notes), comments, the latest
# kudos givers. A new query on every view must be a decision, so the figure is pinned.
GUEST_QUERIES = 11


def small_work() -> Work:
    # Two chapters, as the big one has several: the first chapter's page then shows no end
    # notes (and no works they inspired) on either.
    work = WorkFactory(title="Small", chapters=2)
    Comment.objects.create(
        work=work,
        chapter=work.chapters.get(position=1),
        user=UserFactory(),
        text="Nice",
        sanitizer_version=SANITIZER_VERSION,
    )
    Kudos.objects.create(work=work, user=UserFactory())
    return work


def big_work() -> Work:
    """100 chapters, 500 comments on the first, 10,000 kudos (60 from members)."""
    work = WorkFactory(title="Big", chapters=100)
    first = work.chapters.get(position=1)
    commenters = [UserFactory() for _ in range(5)]
    Comment.objects.bulk_create(
        Comment(
            work=work,
            chapter=first,
            user=commenters[number % 5],
            text=f"Comment {number}",
            sanitizer_version=SANITIZER_VERSION,
        )
        for number in range(500)
    )
    givers = [UserFactory() for _ in range(60)]
    Kudos.objects.bulk_create(
        [Kudos(work=work, user=giver) for giver in givers]
        + [Kudos(work=work, guest_key=f"guest-{number}") for number in range(9_940)]
    )
    # Rows written in bulk send no signals: the counts are moved the way the signals would.
    counters.add_kudos(work.pk, 10_000)
    counters.recount_comments_and_bookmarks([work.pk])
    return work


def queries_for(client: Client, url: str) -> int:
    client.get(url)  # the first view cleans stored text under the current rules
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def prepared(work: Work) -> Work:
    Chapter.objects.filter(work=work).update(sanitizer_version=SANITIZER_VERSION)
    Work.objects.filter(pk=work.pk).update(sanitizer_version=SANITIZER_VERSION)
    return work


@pytest.mark.parametrize("full_work", [False, True], ids=["first chapter", "entire work"])
def test_a_guests_work_page_asks_as_much_of_a_big_work_as_of_a_small_one(
    full_work: bool,
) -> None:
    suffix = "?view_full_work=true" if full_work else ""
    small, big = prepared(small_work()), prepared(big_work())
    asked_small = queries_for(Client(), small.get_absolute_url() + suffix)
    asked_big = queries_for(Client(), big.get_absolute_url() + suffix)
    assert asked_big == asked_small
    assert asked_small <= GUEST_QUERIES


def test_a_members_work_page_asks_as_much_of_a_big_work_as_of_a_small_one() -> None:
    small, big = prepared(small_work()), prepared(big_work())
    reader: User = UserFactory()
    client = Client()
    client.force_login(reader)
    assert queries_for(client, big.get_absolute_url()) == queries_for(
        client, small.get_absolute_url()
    )


def test_the_kudos_line_names_the_latest_givers_and_counts_the_rest(client: Client) -> None:
    big = prepared(big_work())
    page = client.get(big.get_absolute_url()).content.decode()
    assert "and 9,950 more left kudos on this work!" in page

"""The work page asks the database a fixed number of questions, however many chapters,
comments and kudos the work has: counts are read from the work (``social.counters``), the
kudos line names the latest givers only, and comments come in one query."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.models import User
from ficshelf.core.sanitizer import SANITIZER_VERSION
from ficshelf.social import counters
from ficshelf.social.models import Comment, Kudos
from ficshelf.works.models import (
    Chapter,
    Collection,
    Gift,
    Inspiration,
    Series,
    SeriesWork,
    Work,
)
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

# What a guest's page asks today: the work (with whether it has series parts, collections,
# gifts, a source or works it inspired), its tags, creators, chapters, comments, the latest
# kudos givers; and the site content's generation, the key of the banner shown on every
# page (sitecontent.state, decision 0019). A new query on every view must be a decision, so
# the figure is pinned. A guest's page asks one more, before it renders: the versions of
# the work and of the works it names, which a kept copy of it is checked against.
GUEST_QUERIES = 8
# A member's adds: who they are, their reading (one statement), the action buttons' state
# (one query), their mutes, and whether a creator blocked them (one per creator).
MEMBER_QUERIES = GUEST_QUERIES + 5
# Each optional relation the work has costs more: its series parts with their series, its
# collections, its gifts (one each), its source (the link, the work, its credits) and the
# works it inspired (the works, their credits).
RELATED_QUERIES = 8


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
    # The page rendered, not a guest's kept copy of it: no copy kept, and what every page
    # looks up (kept for every page alike) looked up again by another address's page.
    cache.clear()
    client.get(url + ("&" if "?" in url else "?") + "again")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # Savepoints are there only because a test runs inside a transaction (a served page
    # records a reading without one).
    return sum(1 for query in captured if not query["sql"].startswith(("SAVEPOINT", "RELEASE")))


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
    asked_small = queries_for(client, small.get_absolute_url())
    assert queries_for(client, big.get_absolute_url()) == asked_small
    assert asked_small <= MEMBER_QUERIES


def test_a_work_with_every_relation_shows_each_and_asks_once_for_each() -> None:
    """The page asks for series, collections, gifts, the source and the inspired works
    only when the work has them: a work that has them all shows them all."""
    source = WorkFactory(title="The Source Work")
    work = prepared(small_work())
    series = Series.objects.create(title="A Series Title")
    SeriesWork.objects.create(series=series, work=work, position=1)
    Collection.objects.create(name="fest", title="A Summer Fest").works.add(work)
    Gift.objects.create(work=work, recipient_name="GiftedOne")
    Inspiration.objects.create(work=work, source=source, title=source.title)
    child = WorkFactory(title="A Child Work")
    Inspiration.objects.create(work=child, source=work, title=work.title, approval="approved")
    plain = prepared(small_work())

    client = Client()
    # The entire work: the end of the work, where the inspired works are listed.
    url = work.get_absolute_url() + "?view_full_work=true"
    asked = queries_for(client, url)
    asked_plain = queries_for(client, plain.get_absolute_url() + "?view_full_work=true")
    assert asked == asked_plain + RELATED_QUERIES
    page = client.get(url).content.decode()
    for shown in [
        "A Series Title",
        "A Summer Fest",
        "GiftedOne",
        "The Source Work",
        "A Child Work",
    ]:
        assert shown in page
    assert "GiftedOne" not in client.get(plain.get_absolute_url()).content.decode()


def test_a_work_without_them_answers_their_lists_without_asking() -> None:
    work = prepared(small_work())
    loaded = Work.objects.one_with_everything_shown(work.pk)
    with CaptureQueriesContext(connection) as captured:
        assert list(loaded.gifts.all()) == []
        assert loaded.shown_collections == []
        assert list(loaded.series_works.all()) == []
    assert len(captured) == 0
    assert not loaded.has_inspiration and not loaded.is_inspiring


def test_the_kudos_line_names_the_latest_givers_and_counts_the_rest(client: Client) -> None:
    big = prepared(big_work())
    page = client.get(big.get_absolute_url()).content.decode()
    assert "and 9,950 more left kudos on this work!" in page

"""Two transactions changing one work's comments, bookmarks or subscriptions at once, on
PostgreSQL (READ COMMITTED), each on a connection of its own: both rows are counted.

The first transaction changes a row, writes the work's count and stays open; the second
changes a row of its own and writes the count while the first still holds the work, so
it waits for the first to commit. A count written by an ``UPDATE`` whose ``COUNT`` read the
snapshot its statement began with missed the first's row (``social.counters`` says why);
the counts are checked against the rows once both have committed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from ficshelf.accounts.models import User
from ficshelf.social import counters
from ficshelf.social.models import Bookmark, Comment, Subscription
from ficshelf.works.models import Work
from tests.concurrent_transactions import one_transaction_waits_for_the_other
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's READ COMMITTED snapshots; SQLite has one writer at a time",
    ),
]


def add_comment(work: Work, user: User) -> None:
    Comment.objects.create(work=work, chapter=work.chapters.get(), user=user, text="<p>Hi</p>")


def add_bookmark(work: Work, user: User) -> None:
    Bookmark.objects.create(work=work, user=user)


def subscribe(work: Work, user: User) -> None:
    Subscription.objects.create(work=work, user=user)


def delete_comment(work: Work, user: User) -> None:
    Comment.objects.filter(work=work, user=user).delete()


def stored(work: Work) -> tuple[int, int, int, int]:
    work.refresh_from_db()
    return (
        work.comments_count,
        work.comment_threads_count,
        work.bookmarks_count,
        work.subscriptions_count,
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (add_comment, add_comment, (2, 2, 0, 0)),
        (add_bookmark, add_bookmark, (0, 0, 2, 0)),
        (add_comment, add_bookmark, (1, 1, 1, 0)),
        (subscribe, subscribe, (0, 0, 0, 2)),
    ],
    ids=["two comments", "two bookmarks", "a comment and a bookmark", "two subscriptions"],
)
def test_rows_added_at_once_are_all_counted(
    first: Callable[[Work, User], None],
    second: Callable[[Work, User], None],
    expected: tuple[int, int, int, int],
) -> None:
    work = WorkFactory()
    one, other = UserFactory(), UserFactory()
    one_transaction_waits_for_the_other(lambda: first(work, one), lambda: second(work, other))
    assert stored(work) == expected
    assert counters.differences([work.pk]) == {}


def test_a_comment_deleted_while_another_is_added_is_counted_out() -> None:
    work = WorkFactory()
    leaving, staying, arriving = UserFactory(), UserFactory(), UserFactory()
    add_comment(work, leaving)
    add_comment(work, staying)
    one_transaction_waits_for_the_other(
        lambda: delete_comment(work, leaving), lambda: add_comment(work, arriving)
    )
    assert stored(work)[:2] == (2, 2)
    assert counters.differences([work.pk]) == {}


def test_the_same_subscription_deleted_twice_at_once_is_taken_once() -> None:
    """A double click on "Unsubscribe", or two tabs: the second deletion found the row
    before the first committed, deletes nothing, and Django still sends its signals."""
    work = WorkFactory()
    leaving, staying = UserFactory(), UserFactory()
    subscribe(work, leaving)
    subscribe(work, staying)

    def unsubscribe() -> None:
        Subscription.objects.filter(work=work, user=leaving).delete()

    one_transaction_waits_for_the_other(unsubscribe, unsubscribe)
    assert stored(work)[3] == 1
    assert counters.differences([work.pk]) == {}


def test_two_recounts_of_the_same_works_named_in_opposite_orders_both_finish() -> None:
    """Each locks its works in ascending order, so neither holds one the other waits for
    while waiting for one it holds (PostgreSQL would end one as a deadlock)."""
    works = [WorkFactory(), WorkFactory(), WorkFactory()]
    for work in works:
        add_comment(work, UserFactory())
    Work.objects.filter(pk__in=[w.pk for w in works]).update(comments_count=9)
    ids = [w.pk for w in works]
    one_transaction_waits_for_the_other(
        lambda: counters.recount_all(ids), lambda: counters.recount_all(list(reversed(ids)))
    )
    assert [stored(w)[0] for w in works] == [1, 1, 1]


def test_a_closing_account_locks_every_work_it_counts_in_before_deleting_anything() -> None:
    """Its kudos, bookmarks and subscriptions go model by model; the works they count in
    are all locked first, ascending, so two accounts closing over the same works never
    each hold one the other waits for."""
    from django.test.utils import CaptureQueriesContext

    from ficshelf.accounts.actions import delete_account
    from ficshelf.social.models import Kudos

    works = [WorkFactory() for _ in range(3)]
    member = UserFactory()
    Kudos.objects.create(work=works[2], user=member)
    add_bookmark(works[0], member)
    subscribe(works[1], member)
    with CaptureQueriesContext(connection) as captured:
        delete_account(member, orphan_works=True)
    sql = [query["sql"] for query in captured.captured_queries]
    first_delete = next(i for i, s in enumerate(sql) if s.startswith("DELETE"))
    locks = [i for i, s in enumerate(sql) if "FOR NO KEY UPDATE" in s and "works_work" in s]
    assert locks and locks[0] < first_delete
    assert all(str(work.pk) in sql[locks[0]] for work in works)
    assert counters.differences([w.pk for w in works]) == {}

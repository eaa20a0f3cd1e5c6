"""Two transactions changing one work's comments, bookmarks or subscriptions at once, on
PostgreSQL (READ COMMITTED), each on a connection of its own: both rows are counted.

The first transaction changes a row, writes the work's count and stays open; the second
changes a row of its own and writes the count while the first still holds the work, so
it waits for the first to commit. A count written by an ``UPDATE`` whose ``COUNT`` read the
snapshot its statement began with missed the first's row (``social.counters`` says why);
the counts are checked against the rows once both have committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from ficshelf.accounts.models import User
from ficshelf.social import counters
from ficshelf.social.models import Bookmark, Comment, Subscription
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's READ COMMITTED snapshots; SQLite has one writer at a time",
    ),
]

# How long the first transaction waits for the second to queue behind it.
PATIENCE_SECONDS = 15.0


def add_comment(work: Work, user: User) -> None:
    Comment.objects.create(work=work, chapter=work.chapters.get(), user=user, text="<p>Hi</p>")


def add_bookmark(work: Work, user: User) -> None:
    Bookmark.objects.create(work=work, user=user)


def subscribe(work: Work, user: User) -> None:
    Subscription.objects.create(work=work, user=user)


def delete_comment(work: Work, user: User) -> None:
    Comment.objects.filter(work=work, user=user).delete()


def one_transaction_waits_for_the_other(
    first: Callable[[], None], second: Callable[[], None]
) -> None:
    """``first`` in a transaction on one connection, held open until ``second`` (in a
    transaction on another) is waiting for a lock; then both commit."""
    first_wrote = threading.Event()
    failures: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_wrote.set()
                _wait_until_another_waits_for_a_lock()
        except BaseException as error:  # noqa: BLE001  # raised again by the test
            failures.append(error)
            first_wrote.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            first_wrote.wait(PATIENCE_SECONDS)
            with transaction.atomic():
                second()
        except BaseException as error:  # noqa: BLE001  # raised again by the test
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE_SECONDS * 2)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    if failures:
        raise failures[0]


def _wait_until_another_waits_for_a_lock() -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_locks, not pg_stat_activity: that one is read once per transaction.
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            row = cursor.fetchone()
            if row and row[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the first's lock")


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

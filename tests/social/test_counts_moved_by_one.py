"""Subscriptions and kudos move a work's stored count by one as they come
(``social.counters``), and a deletion of many (an account closing, a work deleted, an
admin's bulk delete) recounts each work once, in one statement (``social.deletions``), as
it recounts the comments and bookmarks a deletion takes. ``ficshelf
recount_counts --check`` agrees after each."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import pre_delete
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.actions import delete_account
from ficshelf.social.deletions import PerDeletion
from ficshelf.social.models import Bookmark, Subscription
from ficshelf.works.actions import delete_work
from ficshelf.works.models import Series, Work
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import BookmarkFactory, KudosFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def subscriptions(*works: Work) -> list[int]:
    return [Work.objects.get(pk=work.pk).subscriptions_count for work in works]


def the_check_finds_nothing() -> bool:
    out = io.StringIO()
    call_command("recount_counts", "--check", stdout=out)
    return "Every stored count matches its rows." in out.getvalue()


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL run inside, upper-cased."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.extend(query["sql"].upper() for query in captured.captured_queries)


def updates_of(field: str, sql: list[str]) -> list[str]:
    return [s for s in sql if s.startswith("UPDATE") and field.upper() in s]


def test_subscribing_moves_the_count_by_one_and_unsubscribing_recounts_in_one_statement() -> None:
    work = WorkFactory()
    with statements() as sql:
        first = SubscriptionFactory(work=work)
        SubscriptionFactory(work=work)
    assert subscriptions(work) == [2]
    assert not [s for s in sql if "COUNT(" in s]
    with statements() as sql:
        first.delete()
    assert subscriptions(work) == [1]
    # Recounted (a second deletion of the same row must not take it twice:
    # tests/social/test_concurrent_counts.py), in one statement.
    assert len(updates_of("subscriptions_count", sql)) == 1
    assert the_check_finds_nothing()


def test_an_account_closing_takes_one_from_each_work_in_one_statement() -> None:
    works = [WorkFactory() for _ in range(30)]
    reader, other = UserFactory(), UserFactory()
    for work in works:
        SubscriptionFactory(user=reader, work=work)
    SubscriptionFactory(user=reader, work=None, series=Series.objects.create(title="S"))
    SubscriptionFactory(user=other, work=works[0])
    assert subscriptions(works[0], works[29]) == [2, 1]

    with statements() as sql:
        delete_account(reader, orphan_works=True)

    assert not Subscription.objects.filter(user_id=reader.pk).exists()
    assert subscriptions(*works) == [1] + [0] * 29
    assert len(updates_of("subscriptions_count", sql)) == 1
    assert the_check_finds_nothing()


def test_a_work_deleted_with_its_subscribers_writes_its_count_once() -> None:
    work, kept = WorkFactory(), WorkFactory()
    readers = [UserFactory() for _ in range(25)]
    for reader in readers:
        SubscriptionFactory(user=reader, work=work)
    SubscriptionFactory(user=readers[0], work=kept)

    with statements() as sql:
        delete_work(work)

    assert not Work.objects.filter(pk=work.pk).exists()
    assert Subscription.objects.count() == 1
    assert len(updates_of("subscriptions_count", sql)) <= 1
    assert subscriptions(kept) == [1]
    assert the_check_finds_nothing()


def test_a_bulk_delete_across_works_takes_what_each_lost() -> None:
    """An admin's "delete selected" is one queryset's deletion."""
    one, two, three = WorkFactory(), WorkFactory(), WorkFactory()
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for user, work in ((a, one), (b, one), (c, one), (a, two), (b, two), (a, three)):
        SubscriptionFactory(user=user, work=work)
    Subscription.objects.filter(user__in=[a, b]).delete()
    assert subscriptions(one, two, three) == [1, 0, 0]
    assert the_check_finds_nothing()


def test_a_deletion_mends_a_count_already_wrong() -> None:
    work = WorkFactory()
    subscription = SubscriptionFactory(work=work)
    SubscriptionFactory(work=work)
    Work.objects.filter(pk=work.pk).update(subscriptions_count=0)  # a count already wrong
    subscription.delete()
    assert subscriptions(work) == [1]


def test_loaddata_keeps_the_stored_counts_it_brings(tmp_path: Path) -> None:
    """A raw save (``loaddata``) changes no count: the fixture's works carry theirs."""
    work = WorkFactory()
    KudosFactory(work=work, guest=True)
    SubscriptionFactory(work=work)
    BookmarkFactory(work=work)
    dump = tmp_path / "rows.json"
    call_command(
        "dumpdata", "social.kudos", "social.subscription", "social.bookmark", output=str(dump)
    )
    call_command("loaddata", str(dump), verbosity=0)  # the same rows, saved again raw
    work.refresh_from_db()
    assert (work.kudos_count, work.subscriptions_count, work.bookmarks_count) == (1, 1, 1)
    assert the_check_finds_nothing()


def test_an_admin_moving_a_subscription_moves_its_count() -> None:
    first, second = WorkFactory(), WorkFactory()
    subscription = SubscriptionFactory(work=first)
    subscription.work = second
    subscription.save()
    assert subscriptions(first, second) == [0, 1]
    subscription.work = None
    subscription.series = Series.objects.create(title="Elsewhere")
    subscription.save()
    assert subscriptions(first, second) == [0, 0]
    assert the_check_finds_nothing()


def test_a_deletion_that_fails_leaves_nothing_for_the_next_one() -> None:
    """Its subscriptions were summed (pre_delete) and never deleted: the next deletion
    writes only its own."""
    failing, next_one = WorkFactory(), WorkFactory()
    stays = SubscriptionFactory(work=failing)
    goes = SubscriptionFactory(work=next_one)

    def refuse(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    pre_delete.connect(refuse, sender=Subscription)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            stays.delete()
    finally:
        pre_delete.disconnect(refuse, sender=Subscription)
    goes.delete()
    assert subscriptions(failing, next_one) == [1, 0]
    assert the_check_finds_nothing()


def test_per_deletion_sums_are_taken_once_and_only_by_their_deletion() -> None:
    going = PerDeletion()
    first, second = object(), object()
    going.add(first, 7)
    going.add(first, 7)
    going.add(first, 8)
    going.add(second, 7)
    assert going.take(second) == {7: 1}
    assert going.take(first) == {7: 2, 8: 1}
    assert going.take(first) == {}


def test_a_closing_account_bookmarks_are_recounted_once_for_all_its_works() -> None:
    works = [WorkFactory() for _ in range(20)]
    reader = UserFactory()
    for work in works:
        BookmarkFactory(user=reader, work=work)
    BookmarkFactory(work=works[0])
    with statements() as sql:
        delete_account(reader, orphan_works=True)
    assert not Bookmark.objects.filter(user_id=reader.pk).exists()
    assert [Work.objects.get(pk=w.pk).bookmarks_count for w in works] == [1] + [0] * 19
    assert len(updates_of("bookmarks_count", sql)) == 1
    assert the_check_finds_nothing()


def test_a_closing_account_kudos_are_taken_in_one_statement() -> None:
    works = [WorkFactory() for _ in range(20)]
    member = UserFactory()
    for work in works:
        KudosFactory(user=member, work=work)
    KudosFactory(work=works[0], guest=True)
    with statements() as sql:
        delete_account(member, orphan_works=True)
    assert [Work.objects.get(pk=w.pk).kudos_count for w in works] == [1] + [0] * 19
    assert len(updates_of("kudos_count", sql)) == 1
    assert the_check_finds_nothing()


def test_an_admin_moving_kudos_to_another_work_moves_its_count() -> None:
    first, second = WorkFactory(), WorkFactory()
    kudos = KudosFactory(work=first)
    kudos.work = second
    kudos.save()
    assert [Work.objects.get(pk=w.pk).kudos_count for w in (first, second)] == [0, 1]
    assert the_check_finds_nothing()


def test_an_admin_edit_of_a_work_keeps_the_counts_that_moved_since_its_form_loaded() -> None:
    from ficshelf.works.moderation import save_work_from_admin

    work = WorkFactory()
    loaded = Work.objects.get(pk=work.pk)  # the admin's change form
    KudosFactory(work=work, guest=True)
    SubscriptionFactory(work=work)
    loaded.title = "A Better Title"
    admin = UserFactory(is_staff=True, is_superuser=True)
    save_work_from_admin(loaded, changed_fields=["title"], reason="", actor=admin, is_new=False)
    work.refresh_from_db()
    assert work.title == "A Better Title"
    assert (work.kudos_count, work.subscriptions_count) == (1, 1)
    assert the_check_finds_nothing()

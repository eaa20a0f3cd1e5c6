"""A work's stored comment threads and subscriptions (``social.counters``): each path that
adds, removes, hides, unhides, holds, approves or marks a comment spam, and each way in and
out of a subscription, moves the stored count by exactly what it changed; the data
migration fills them; ``ficshelf recount_counts`` finds and repairs a count gone wrong."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.moderation import spam_actions
from ficshelf.social import actions, comment_moderation
from ficshelf.social.models import Comment, Subscription
from ficshelf.social.templatetags.social import comment_threads
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import CommentFactory, SubscriptionFactory, creator_of

pytestmark = pytest.mark.django_db


def threads(work: Work) -> tuple[int, int]:
    """(comment threads, comments) as stored."""
    work.refresh_from_db()
    return work.comment_threads_count, work.comments_count


def subscriptions(work: Work) -> int:
    work.refresh_from_db()
    return work.subscriptions_count


def admin() -> User:
    return UserFactory(is_staff=True, is_superuser=True)


# ---- Comment threads ----


def test_a_top_level_comment_is_a_thread_and_a_reply_is_not() -> None:
    work = WorkFactory()
    first = actions.post_comment(work.chapters.get(), actor=UserFactory(), text="<p>Hi</p>")
    assert threads(work) == (1, 1)
    actions.post_comment(work.chapters.get(), actor=UserFactory(), text="<p>Yes</p>", parent=first)
    assert threads(work) == (1, 2)
    actions.post_comment(work.chapters.get(), actor=UserFactory(), text="<p>Two</p>")
    assert threads(work) == (2, 3)


def test_deleting_a_thread_takes_it_off_even_when_its_replies_keep_a_placeholder() -> None:
    work = WorkFactory()
    author = UserFactory()
    first = actions.post_comment(work.chapters.get(), actor=author, text="<p>Hi</p>")
    actions.post_comment(work.chapters.get(), actor=UserFactory(), text="<p>Yes</p>", parent=first)
    actions.delete_comment(first, actor=author)
    first.refresh_from_db()
    assert first.is_deleted  # a placeholder the reply hangs under
    assert threads(work) == (0, 1)


def test_a_deleted_thread_without_replies_goes_from_the_count() -> None:
    work = WorkFactory()
    author = UserFactory()
    alone = actions.post_comment(work.chapters.get(), actor=author, text="<p>Hi</p>")
    actions.post_comment(work.chapters.get(), actor=UserFactory(), text="<p>Stays</p>")
    actions.delete_comment(alone, actor=author)
    assert not Comment.objects.filter(pk=alone.pk).exists()
    assert threads(work) == (1, 1)


def test_hiding_and_unhiding_a_thread_moves_it_by_one() -> None:
    work = WorkFactory()
    comment = CommentFactory(work=work)
    CommentFactory(work=work)
    creator = creator_of(work)
    comment_moderation.set_hidden(comment, hidden=True, actor=creator)
    assert threads(work) == (1, 1)
    comment_moderation.set_hidden(comment, hidden=False, actor=creator)
    assert threads(work) == (2, 2)


def test_a_held_comment_counts_once_approved_and_not_once_marked_spam() -> None:
    work = WorkFactory()
    held = CommentFactory(work=work, spam_state=SpamState.HELD, held_because="4 links")
    assert threads(work) == (0, 0)
    spam_actions.approve(held, actor=admin())
    assert threads(work) == (1, 1)
    spam_actions.mark_spam(held, actor=admin(), reason="A link farm after all.")
    assert threads(work) == (0, 0)


def test_a_comment_awaiting_the_creators_approval_counts_once_approved() -> None:
    work = WorkFactory()
    waiting = CommentFactory(work=work, unreviewed=True)
    assert threads(work) == (0, 0)
    actions.approve_comment(waiting, actor=creator_of(work))
    assert threads(work) == (1, 1)


def test_marking_an_account_spam_and_lifting_it_moves_the_threads() -> None:
    work = WorkFactory()
    spammer = UserFactory()
    CommentFactory(work=work, user=spammer)
    CommentFactory(work=work)
    spam_actions.mark_account_spam(spammer, actor=admin(), reason="Only ever adverts.")
    assert threads(work) == (1, 1)
    spam_actions.lift_account_spam(spammer, actor=admin(), reason="Their adverts were fan art.")
    assert threads(work) == (2, 2)


def test_the_work_pages_threads_and_the_stored_count_agree(rf: RequestFactory) -> None:
    """What a guest's work page shows as threads (its top-level comments) is what the
    statistics count: replies, hidden, held, spam and unapproved comments aside."""
    work = WorkFactory()
    top = CommentFactory(work=work)
    CommentFactory(work=work, parent=top)
    CommentFactory(work=work)
    CommentFactory(work=work, is_hidden=True)
    CommentFactory(work=work, spam_state=SpamState.SPAM)
    CommentFactory(work=work, spam_state=SpamState.HELD)
    CommentFactory(work=work, unreviewed=True)
    request = rf.get("/")
    request.user = AnonymousUser()
    shown = list(Comment.objects.filter(work=work).shown_to(None, set()))
    roots, comment_count = comment_threads(shown, request, set())
    assert threads(work) == (len(roots), comment_count) == (2, 3)


# ---- Subscriptions ----


def test_subscribing_counts_once_and_unsubscribing_takes_it_off() -> None:
    work = WorkFactory()
    reader = UserFactory()
    actions.subscribe(actor=reader, work=work)
    actions.subscribe(actor=reader, work=work)  # already subscribed: still one
    actions.subscribe(actor=UserFactory(), work=work)
    assert subscriptions(work) == 2
    actions.unsubscribe(Subscription.objects.get(user=reader), actor=reader)
    assert subscriptions(work) == 1


def test_the_unsubscribe_button_takes_it_off(client: Client) -> None:
    work = WorkFactory()
    reader = UserFactory()
    actions.subscribe(actor=reader, work=work)
    client.force_login(reader)
    client.post(f"/works/{work.pk}/subscribe/", {"subscribe": "0"})
    assert not Subscription.objects.exists()
    assert subscriptions(work) == 0


def test_subscriptions_to_a_series_or_a_creator_are_not_the_works() -> None:
    work = WorkFactory()
    series = Series.objects.create(title="Seasons")
    SeriesWork.objects.create(series=series, work=work, position=1)
    actions.subscribe(actor=UserFactory(), series=series)
    actions.subscribe(actor=UserFactory(), creator=creator_of(work))
    assert subscriptions(work) == 0


def test_a_closed_account_takes_its_subscription_off() -> None:
    work = WorkFactory()
    reader = UserFactory()
    SubscriptionFactory(user=reader, work=work)
    assert subscriptions(work) == 1
    reader.delete()  # a cascade: no action runs
    assert subscriptions(work) == 0


# ---- Filling and checking ----


def test_the_migration_fills_both_counts_from_the_rows() -> None:
    work = WorkFactory()
    top = CommentFactory(work=work)
    CommentFactory(work=work, parent=top)
    CommentFactory(work=work, is_hidden=True)
    SubscriptionFactory(work=work)
    Work.objects.filter(pk=work.pk).update(comment_threads_count=0, subscriptions_count=0)
    migration = importlib.import_module(
        "ficshelf.social.migrations.0012_fill_thread_and_subscription_counts"
    )
    migration.fill(apps, None)
    work.refresh_from_db()
    assert (work.comment_threads_count, work.subscriptions_count) == (1, 1)


def test_recount_check_names_a_wrong_count_and_the_command_repairs_it() -> None:
    work = WorkFactory()
    CommentFactory(work=work)
    SubscriptionFactory(work=work)
    other = WorkFactory()
    Work.objects.filter(pk=work.pk).update(comment_threads_count=7, subscriptions_count=0)

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 work"):
        call_command("recount_counts", "--check", stdout=out)
    assert f"Work {work.pk}: comment_threads_count 7 (counted 1)" in out.getvalue()
    assert "subscriptions_count 0 (counted 1)" in out.getvalue()
    assert f"Work {other.pk}" not in out.getvalue()
    assert threads(work)[0] == 7  # --check writes nothing

    call_command("recount_counts", stdout=io.StringIO())
    assert threads(work)[0] == 1 and subscriptions(work) == 1
    out = io.StringIO()
    call_command("recount_counts", "--check", stdout=out)
    assert "Every stored count matches its rows." in out.getvalue()


def test_the_admin_site_shows_the_counts_without_letting_them_be_edited(client: Client) -> None:
    work = WorkFactory()
    client.force_login(admin())
    page = client.get(f"/admin/works/work/{work.pk}/change/").content.decode()
    assert "Comment threads count" in page and "Subscriptions count" in page
    assert 'name="comment_threads_count"' not in page
    assert 'name="subscriptions_count"' not in page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner only (the SQLite run)")
def test_a_works_threads_are_counted_from_the_work_not_from_every_top_level_comment() -> None:
    """Counting a work's threads runs on every comment posted. With only the work's and the
    parent's indexes, SQLite chose the parent one for "parent IS NULL" and read every
    top-level comment of the archive per work (the fill migration ran for hours at 100,000
    works); the (work, parent) index makes it the work's few."""
    from django.test.utils import CaptureQueriesContext

    from ficshelf.social import counters

    work = WorkFactory()
    with CaptureQueriesContext(connection) as captured:
        counters.recount_comments_and_bookmarks([work.pk])
    update = next(q["sql"] for q in captured if "comment_threads_count" in q["sql"])
    with connection.cursor() as cursor:
        # The captured SQL has its parameters in it already, as SQLite's driver quotes them.
        plan = " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + update))
    assert "comment_threads_of_work" in plan
    assert "parent_id_" not in plan

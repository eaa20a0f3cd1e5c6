"""Scheduled posting: the form's "post at" time, the worker's posting at that time through
the Post button's action, claims, suspensions, and the dashboard's scheduled list."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Preference, User
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social.models import InboxItem, Subscription
from ficshelf.works import actions, scheduling
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import Chapter, Work
from ficshelf.works.tasks import post_scheduled
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.works.factories_posting import posted_work, work_form_data, writer

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(hours=2)


@pytest.fixture
def author(client: Client) -> User:
    user = writer()
    client.force_login(user)
    return user


def subscriber_of(user: User) -> User:
    reader = UserFactory(username="reader")
    Subscription.objects.create(user=reader, creator=user)
    return reader


def local_input(moment: datetime.datetime, zone: str = "UTC") -> str:
    """What a datetime-local input sends for ``moment`` seen in ``zone``."""
    return moment.astimezone(datetime.UTC if zone == "UTC" else _zone(zone)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def _zone(name: str) -> datetime.tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def scheduled_work(user: User, post_at: datetime.datetime) -> Work:
    work = posted_work(user, post=False, title="Later")
    return scheduling.schedule_work(work, post_at=post_at)


def test_schedule_button_saves_a_draft_with_its_time_in_the_members_zone(
    client: Client, author: User
) -> None:
    Preference.objects.create(user=author, time_zone="Europe/Paris")
    response = client.post(
        reverse("works:new"),
        work_form_data(action="schedule", title="Midnight", post_at="2027-03-01T14:30"),
    )
    work = Work.objects.get(title="Midnight")
    assert response["Location"] == reverse("works:dashboard")
    assert not work.is_posted
    # 14:30 in Paris (UTC+1 in March before summer time) is 13:30 UTC.
    assert work.post_at == datetime.datetime(2027, 3, 1, 13, 30, tzinfo=datetime.UTC)
    assert Client().get(work.get_absolute_url()).status_code == 404
    dashboard = page_text(client.get(reverse("works:dashboard")))
    assert "Scheduled (1)" in dashboard
    assert "1 Mar 2027, 14:30" in dashboard and "Europe/Paris" in dashboard


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"post_at": "2001-01-01T10:00"}, "Choose a time in the future"),
        ({"post_at": ""}, "Choose when to post it"),
        ({"post_at": "not a time"}, "Enter a valid date/time"),
        ({"post_at": "2099-01-01T10:00"}, "within a year"),
    ],
)
def test_a_bad_time_is_refused_and_nothing_is_written(
    client: Client, author: User, fields: dict[str, str], message: str
) -> None:
    response = client.post(reverse("works:new"), work_form_data(action="schedule", **fields))
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Work.objects.exists()


def test_a_backdate_and_a_schedule_together_are_refused(client: Client, author: User) -> None:
    post_at = local_input(timezone.now() + SOON)
    response = client.post(
        reverse("works:new"),
        work_form_data(action="schedule", post_at=post_at, published_on="2015-02-03"),
    )
    assert "leave the date empty" in page_text(response)
    assert not Work.objects.exists()


def test_nothing_happens_before_the_time() -> None:
    user = writer()
    reader = subscriber_of(user)
    work = scheduled_work(user, timezone.now() + SOON)
    assert scheduling.post_due() == 0
    work.refresh_from_db()
    assert not work.is_posted
    assert not InboxItem.objects.filter(recipient=reader).exists()


def test_the_worker_posts_it_at_the_time_and_subscribers_hear_then() -> None:
    user = writer()
    reader = subscriber_of(user)
    work = scheduled_work(user, timezone.now() + SOON)
    IndexQueueEntry.objects.all().delete()
    later = timezone.now() + SOON + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert post_scheduled.enqueue().return_value == 1  # tests run tasks at once
    work.refresh_from_db()
    assert work.is_posted and work.post_at is None
    # Dated the day it posted, not the day it was scheduled.
    assert work.published_on == timezone.localdate(later)
    assert InboxItem.objects.filter(recipient=reader, work=work).count() == 1
    assert IndexQueueEntry.objects.filter(work_id=work.pk).exists()
    assert Client().get(work.get_absolute_url()).status_code == 200


def test_an_item_is_claimed_once_so_two_workers_never_post_it_twice() -> None:
    user = writer()
    reader = subscriber_of(user)
    work = scheduled_work(user, timezone.now() + SOON)
    due = work.post_at
    later = timezone.now() + SOON * 2
    # Both workers found the same due list before either posted.
    stale = list(scheduling.due_works(later).values_list("pk", "post_at"))
    assert scheduling.post_due(now=later) == 1
    with mock.patch.object(scheduling, "due_works") as found:
        found.return_value.values_list.return_value = stale
        assert scheduling.post_due(now=later) == 0
    assert InboxItem.objects.filter(recipient=reader, work=work).count() == 1
    assert not scheduling.claim_work(work.pk, due)


def test_a_claim_fails_once_the_time_was_moved() -> None:
    work = scheduled_work(writer(), timezone.now() + SOON)
    first = work.post_at
    scheduling.schedule_work(work, post_at=timezone.now() + SOON * 3)
    assert not scheduling.claim_work(work.pk, first)
    work.refresh_from_db()
    assert work.post_at is not None and not work.is_posted


def test_a_suspended_creators_scheduled_posts_wait(client: Client) -> None:
    user = writer()
    work = scheduled_work(user, timezone.now() + SOON)
    user.suspended_until = timezone.now() + datetime.timedelta(days=7)
    user.save(update_fields=["suspended_until"])
    later = timezone.now() + SOON * 2
    assert scheduling.post_due(now=later) == 0
    work.refresh_from_db()
    assert not work.is_posted and work.post_at is not None
    client.force_login(user)
    assert "nothing scheduled is posted while it is" in page_text(
        client.get(reverse("works:dashboard"))
    )
    # Once the suspension is over, what is due goes.
    assert scheduling.post_due(now=timezone.now() + datetime.timedelta(days=8)) == 1


def test_a_scheduled_chapter_posts_at_its_time_and_tells_subscribers(
    client: Client, author: User
) -> None:
    work = posted_work(author)
    reader = subscriber_of(author)
    response = client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {
            "title": "Two",
            "text": "<p>More.</p>",
            "text_format": "html",
            "action": "schedule",
            "post_at": local_input(timezone.now() + SOON),
        },
    )
    chapter = Chapter.objects.get(work=work, position=2)
    assert response.status_code == 302
    assert not chapter.is_posted and chapter.post_at is not None
    assert "will be posted on" in page_text(client.get(response["Location"]))
    assert not InboxItem.objects.filter(recipient=reader).exists()
    assert scheduling.post_due(now=timezone.now() + SOON * 2) == 1
    chapter.refresh_from_db()
    assert chapter.is_posted and chapter.post_at is None
    assert InboxItem.objects.filter(recipient=reader, work=work).count() == 1


def test_dashboard_reschedules_unschedules_and_posts_now(client: Client, author: User) -> None:
    work = scheduled_work(author, timezone.now() + SOON)
    new_time = timezone.now() + SOON * 5
    client.post(reverse("works:schedule", args=[work.pk]), {"post_at": local_input(new_time)})
    work.refresh_from_db()
    assert work.post_at == new_time.replace(second=0, microsecond=0)

    client.post(reverse("works:schedule", args=[work.pk]), {"unschedule": "1"})
    work.refresh_from_db()
    assert work.post_at is None and not work.is_posted

    scheduling.schedule_work(work, post_at=new_time)
    client.post(reverse("works:post", args=[work.pk]))
    work.refresh_from_db()
    assert work.is_posted and work.post_at is None
    assert scheduling.post_due(now=new_time + SOON) == 0


def test_rescheduling_into_the_past_is_refused_and_changes_nothing(
    client: Client, author: User
) -> None:
    work = scheduled_work(author, timezone.now() + SOON)
    before = work.post_at
    response = client.post(
        reverse("works:schedule", args=[work.pk]), {"post_at": "2001-01-01T10:00"}, follow=True
    )
    assert "Choose a time in the future" in page_text(response)
    work.refresh_from_db()
    assert work.post_at == before


def test_others_cannot_schedule_or_unschedule_a_work(client: Client) -> None:
    work = scheduled_work(writer(), timezone.now() + SOON)
    client.force_login(writer("stranger"))
    response = client.post(reverse("works:schedule", args=[work.pk]), {"unschedule": "1"})
    assert response.status_code == 404
    work.refresh_from_db()
    assert work.post_at is not None


def test_a_scheduled_draft_is_never_purged_as_old() -> None:
    work = scheduled_work(writer(), timezone.now() + datetime.timedelta(days=300))
    Work.objects.filter(pk=work.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    assert actions.purge_old_drafts() == 0
    assert Work.objects.filter(pk=work.pk).exists()


def test_posting_a_scheduled_chapter_of_a_draft_work_keeps_the_work_a_draft() -> None:
    user = writer()
    work = posted_work(user, post=False)
    chapter = actions.add_chapter(
        work, ChapterData(text="<p>x</p>", post_at=timezone.now() + SOON), post=False
    )
    assert scheduling.post_due(now=timezone.now() + SOON * 2) == 1
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.is_posted and not work.is_posted


def test_editing_a_scheduled_draft_keeps_its_time_unless_changed(
    client: Client, author: User
) -> None:
    work = scheduled_work(author, timezone.now() + SOON)
    form = client.get(reverse("works:edit", args=[work.pk])).content.decode()
    assert f'value="{local_input(work.post_at)}"' in form  # type: ignore[arg-type]
    client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(action="draft", title="Later, retitled", post_at=local_input(work.post_at)),  # type: ignore[arg-type]
    )
    edited = Work.objects.get(pk=work.pk)
    assert edited.title == "Later, retitled" and not edited.is_posted
    assert edited.post_at == work.post_at.replace(second=0, microsecond=0)  # type: ignore[union-attr]


def test_a_time_that_passed_while_waiting_does_not_block_saving_the_draft(
    client: Client, author: User
) -> None:
    work = scheduled_work(author, timezone.now() + SOON)
    overdue = (timezone.now() - SOON).replace(second=0, microsecond=0)
    Work.objects.filter(pk=work.pk).update(post_at=overdue)
    response = client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(action="draft", title="Still waiting", post_at=local_input(overdue)),
    )
    assert response.status_code == 302
    assert Work.objects.get(pk=work.pk).title == "Still waiting"


def test_an_invited_co_creator_who_is_suspended_does_not_hold_the_work_back() -> None:
    user = writer()
    work = scheduled_work(user, timezone.now() + SOON)
    invited = writer("invited")
    invited.suspended_until = timezone.now() + datetime.timedelta(days=7)
    invited.save(update_fields=["suspended_until"])
    work.creatorships.create(pseud=invited.pseuds.get(), position=1, is_approved=False)
    assert scheduling.post_due(now=timezone.now() + SOON * 2) == 1


def test_a_refused_item_keeps_its_time_and_the_others_are_still_posted() -> None:
    """One scheduled work the archive refuses at its time (a collection closed since) does
    not stop the others, and waits with its time for its creator to see to it."""
    user = writer()
    refused = scheduled_work(user, timezone.now() + SOON)
    fine = scheduled_work(user, timezone.now() + SOON + datetime.timedelta(seconds=1))
    real_post = actions.post_work

    def post_work(work: Work, **kwargs: object) -> Work:
        if work.pk == refused.pk:
            raise actions.PostingError("The collection is closed.")
        return real_post(work, **kwargs)  # type: ignore[arg-type]

    later = timezone.now() + SOON + datetime.timedelta(minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch.object(actions, "post_work", post_work),
    ):
        assert scheduling.post_due() == 1
    refused.refresh_from_db()
    fine.refresh_from_db()
    assert fine.is_posted
    assert not refused.is_posted and refused.post_at is not None

"""A week before the purge deletes a draft, its creators hear of it in their inbox (and by
mail in the digest), once per draft, with the date and the "keep my drafts" choice; no
one else ever sees the draft's title; members who keep drafts and drafts posted meanwhile
are left alone; and the purge still happens, never sooner than a week after the notice."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from ficshelf.accounts.models import Preference, User
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.social.notifications import send_notification_digests
from ficshelf.works import actions, scheduling
from ficshelf.works.models import Creatorship, Work
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def begun(work: Work, days_ago: float) -> Work:
    Work.objects.filter(pk=work.pk).update(created_at=timezone.now() - days_ago * DAY)
    return Work.objects.get(pk=work.pk)


def draft_notices(user: User | None = None) -> list[InboxItem]:
    notices = InboxItem.objects.filter(kind=InboxKind.DRAFT)
    if user is not None:
        notices = notices.filter(recipient=user)
    return list(notices)


def co_create(work: Work, user: User, *, accepted: bool = True) -> None:
    Creatorship.objects.create(work=work, pseud=user.pseuds.get(), position=1, is_approved=accepted)


def test_a_draft_a_week_from_its_purge_is_announced_once_with_its_date_and_link() -> None:
    user = writer("wren")
    draft = begun(posted_work(user, post=False, title="Slow Burn"), days_ago=23.5)
    assert actions.purge_old_drafts() == 0
    (notice,) = draft_notices(user)
    warned_at = Work.objects.get(pk=draft.pk).purge_warned_at
    assert warned_at is not None
    # Told 23.5 days in: a week from the notice (a month and half a day after it began).
    purge_on = (warned_at + 7 * DAY).date()
    assert purge_on >= (draft.created_at + 30 * DAY).date()
    assert notice.text == (
        f"Your draft “Slow Burn” will be deleted on {format_date(purge_on, 'j F Y')} unless "
        "you post it. To keep your drafts, choose “Keep my drafts until I delete them” in "
        "your preferences."
    )
    assert notice.link == draft.get_absolute_url() and notice.work_id == draft.pk
    assert notice.awaits_digest  # mailed with the next digest
    # The daily run comes back the next days: still the one notice.
    for day in range(1, 4):
        actions.purge_old_drafts(now=timezone.now() + day * DAY)
    assert len(draft_notices()) == 1
    assert Work.objects.get(pk=draft.pk).draft_deleted_on == purge_on


def test_younger_drafts_are_not_announced_yet() -> None:
    begun(posted_work(writer(), post=False), days_ago=22)
    actions.purge_old_drafts()
    assert draft_notices() == []


def test_every_accepted_creator_is_told_and_nobody_else() -> None:
    owner, partner, invited = writer("owner"), writer("partner"), writer("invited")
    draft = posted_work(owner, post=False, title="Shared Secret")
    co_create(draft, partner)
    co_create(draft, invited, accepted=False)
    begun(draft, days_ago=25)
    actions.purge_old_drafts()
    assert sorted(n.recipient.username for n in draft_notices()) == ["owner", "partner"]


def test_the_title_shows_only_in_its_creators_inbox_and_mail() -> None:
    owner, stranger = writer("owner"), writer("stranger")
    stranger.email = "stranger@example.org"
    stranger.save()
    owner.email = "owner@example.org"
    owner.save()
    draft = begun(posted_work(owner, post=False, title="Shared Secret"), days_ago=25)
    actions.purge_old_drafts()
    client = Client()
    client.force_login(owner)
    inbox = client.get(reverse("social:inbox")).content.decode()
    assert "Your draft “Shared Secret” will be deleted" in inbox
    assert f'href="{draft.get_absolute_url()}"' in inbox
    client.force_login(stranger)
    assert "Shared Secret" not in client.get(reverse("social:inbox")).content.decode()
    assert send_notification_digests() == 1
    (sent,) = mail.outbox
    assert sent.to == ["owner@example.org"] and "Shared Secret" in sent.body


def test_a_creator_who_left_the_draft_no_longer_sees_its_notice() -> None:
    owner, partner = writer("owner"), writer("partner")
    draft = posted_work(owner, post=False, title="Shared Secret")
    co_create(draft, partner)
    begun(draft, days_ago=25)
    actions.purge_old_drafts()
    actions.leave_work(draft, actor=partner)
    client = Client()
    client.force_login(partner)
    assert "Shared Secret" not in client.get(reverse("social:inbox")).content.decode()


def test_members_who_keep_drafts_are_not_told_and_keep_them() -> None:
    keeper, owner = writer("keeper"), writer("owner")
    Preference.objects.create(user=keeper, keep_drafts=True)
    mine = begun(posted_work(keeper, post=False), days_ago=40)
    shared = posted_work(owner, post=False)
    co_create(shared, keeper)
    begun(shared, days_ago=40)
    for day in range(0, 10):
        assert actions.purge_old_drafts(now=timezone.now() + day * DAY) == 0
    assert draft_notices() == []
    assert Work.objects.filter(pk__in=[mine.pk, shared.pk]).count() == 2


def test_a_draft_posted_before_its_notice_is_not_announced() -> None:
    draft = begun(posted_work(writer(), post=False), days_ago=20)
    actions.post_work(draft)
    actions.purge_old_drafts(now=timezone.now() + 5 * DAY)
    assert draft_notices() == []


def test_a_draft_posted_after_its_notice_is_not_purged() -> None:
    draft = begun(posted_work(writer(), post=False), days_ago=24)
    actions.purge_old_drafts()
    actions.post_work(draft)
    assert actions.purge_old_drafts(now=timezone.now() + 10 * DAY) == 0
    work = Work.objects.get(pk=draft.pk)
    assert work.is_posted and work.purge_warned_at is None  # the warning no longer holds


def test_the_purge_still_happens_a_week_after_the_notice_and_takes_the_notice() -> None:
    user = writer()
    draft = begun(posted_work(user, post=False), days_ago=23.5)
    keep = posted_work(user, post=False)  # a young draft stays
    actions.purge_old_drafts()
    assert actions.purge_old_drafts(now=timezone.now() + 6 * DAY) == 0  # not yet a month
    assert actions.purge_old_drafts(now=timezone.now() + 7 * DAY) == 1
    assert list(Work.objects.values_list("pk", flat=True)) == [keep.pk]
    assert draft_notices() == []  # a notice about a draft that is gone goes with it
    assert not Work.objects.filter(pk=draft.pk).exists()


def test_a_draft_already_past_its_month_gets_its_week_all_the_same() -> None:
    """A creator who stops keeping drafts, or a draft unscheduled after its month, is told
    first: the draft goes a week after the notice, not the next night."""
    user = writer()
    Preference.objects.create(user=user, keep_drafts=True)
    draft = begun(posted_work(user, post=False, title="Old Idea"), days_ago=90)
    actions.purge_old_drafts()
    Preference.objects.filter(user=user).update(keep_drafts=False)
    now = timezone.now()
    assert actions.purge_old_drafts(now=now) == 0
    (notice,) = draft_notices()
    assert format_date((now + 7 * DAY).date(), "j F Y") in notice.text
    assert actions.purge_old_drafts(now=now + 6 * DAY) == 0
    assert actions.purge_old_drafts(now=now + 7 * DAY) == 1
    assert not Work.objects.filter(pk=draft.pk).exists()


def test_a_warning_forgotten_while_kept_is_given_again_before_the_purge() -> None:
    user = writer()
    draft = begun(posted_work(user, post=False), days_ago=24)
    actions.purge_old_drafts()
    preference = Preference.objects.create(user=user, keep_drafts=True)
    actions.purge_old_drafts(now=timezone.now() + DAY)  # kept: the warning is forgotten
    preference.keep_drafts = False
    preference.save()
    later = timezone.now() + 30 * DAY
    assert actions.purge_old_drafts(now=later) == 0  # told again first
    assert len(draft_notices()) == 2
    assert actions.purge_old_drafts(now=later + 7 * DAY) == 1
    assert not Work.objects.filter(pk=draft.pk).exists()


def test_a_scheduled_draft_is_not_announced() -> None:
    user = writer()
    draft = begun(posted_work(user, post=False), days_ago=26)
    scheduling.schedule_work(draft, post_at=timezone.now() + 60 * DAY)
    actions.purge_old_drafts()
    assert draft_notices() == []

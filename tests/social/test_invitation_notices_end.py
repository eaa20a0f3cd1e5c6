"""An invitation's notice goes with its invitation: whatever ends an invitation before it
is answered (withdrawn, declined, the work, chapter or series deleted, the inviter's account
closed with its works) deletes the notice in the same transaction, so its title leaves the
invitee's inbox and their next digest mail. Once accepted, the notice offers no answer any
more and shows only what the member may see. Which preference mails each kind of notice."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ficshelf.accounts.actions import ORPHAN_USERNAME, delete_account
from ficshelf.accounts.models import Preference, User
from ficshelf.social import tasks
from ficshelf.social.creator_notices import notify_draft_purge
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.social.notifications import MAIL_CHOICE
from ficshelf.works import actions, chapter_credits, moderation, series_actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import (
    Chapter,
    ChapterCreatorship,
    Creatorship,
    Series,
    SeriesCreatorship,
    SeriesWork,
    Work,
)
from tests.factories import UserFactory
from tests.works.factories_posting import posted_work, work_data, writer

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("works:dashboard")


def inbox_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("social:inbox")).content.decode()


def digest_to(user: User) -> str:
    """The digest task's mail to ``user`` ("" when none went)."""
    mail.outbox.clear()
    tasks.send_notification_digests.enqueue()
    bodies = [m.body for m in mail.outbox if m.to == [user.email]]
    return "\n".join(bodies)


def invite_to_work(owner: User, friend: User, *, title: str, post: bool = True) -> Work:
    return posted_work(owner, post=post, title=title, co_creators=[friend.pseuds.get()])


def invite_to_chapter(owner: User, friend: User, *, title: str, post: bool = True) -> Chapter:
    work = posted_work(owner, post=post, title=title)
    return actions.add_chapter(
        work,
        ChapterData(title="Thaw", text="<p>More.</p>", creators=[friend.pseuds.get()]),
        post=True,
        actor=owner,
    )


def invite_to_series(owner: User, friend: User, *, title: str) -> Series:
    series = Series.objects.create(title=title)
    SeriesWork.objects.create(series=series, work=posted_work(owner), position=1)
    series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    return series


def assert_notice_gone(friend: User, title: str) -> None:
    assert not InboxItem.objects.filter(recipient=friend).exists()
    assert title not in inbox_of(friend)
    assert title not in digest_to(friend)


# ---- The notice is tied to its invitation, and mailed while it waits ----


def test_a_waiting_invitation_is_in_the_inbox_and_the_digest() -> None:
    """What the other tests take away is there to begin with."""
    owner, friend = writer("owner"), writer("friend")
    invite_to_chapter(owner, friend, title="Secret Plan", post=False)
    (notice,) = InboxItem.objects.filter(recipient=friend)
    assert notice.chapter_credit == ChapterCreatorship.objects.get(pseud__user=friend)
    assert notice.work_id == notice.chapter_credit.chapter.work_id
    assert "Secret Plan" in inbox_of(friend)
    assert "Secret Plan" in digest_to(friend)


# ---- Ended before it was answered: the notice goes ----


def test_a_withdrawn_chapter_invitation_takes_its_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    chapter = invite_to_chapter(owner, friend, title="Secret Plan", post=False)
    # The writer names no one on the chapter any more (the chapter form's "Chapter creators").
    actions.update_chapter(
        chapter, ChapterData(title="Thaw", text="<p>More.</p>", creators=[]), actor=owner
    )
    assert not ChapterCreatorship.objects.exists()
    assert_notice_gone(friend, "Secret Plan")


def test_deleting_the_work_takes_the_invitation_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    actions.delete_work(work)
    assert_notice_gone(friend, "Secret Plan")


def test_deleting_the_work_takes_a_chapter_invitation_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    chapter = invite_to_chapter(owner, friend, title="Secret Plan")
    actions.delete_work(chapter.work)
    assert_notice_gone(friend, "Secret Plan")


def test_deleting_the_chapter_takes_its_invitation_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    chapter = invite_to_chapter(owner, friend, title="Secret Plan")
    actions.delete_chapter(chapter)
    assert_notice_gone(friend, "Secret Plan")


def test_an_admin_deleting_the_work_takes_the_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    admin = UserFactory(username="admin", is_staff=True)
    work = invite_to_work(owner, friend, title="Secret Plan")
    moderation.delete_works([work], reason="Spam", actor=admin)
    assert_notice_gone(friend, "Secret Plan")


def test_deleting_the_series_takes_its_invitation_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    series = invite_to_series(owner, friend, title="Secret Seasons")
    series_actions.delete_series(series, actor=owner)
    assert_notice_gone(friend, "Secret Seasons")


@pytest.mark.parametrize("kind", ["work", "chapter", "series"])
def test_declining_takes_the_notice_away(kind: str) -> None:
    owner, friend = writer("owner"), writer("friend")
    if kind == "work":
        invite_to_work(owner, friend, title="Secret Plan")
        actions.decline_creatorship(Creatorship.objects.get(pseud__user=friend), actor=friend)
    elif kind == "chapter":
        invite_to_chapter(owner, friend, title="Secret Plan")
        invitation = ChapterCreatorship.objects.get(pseud__user=friend)
        chapter_credits.answer_chapter_invitation(invitation, accept=False, actor=friend)
    else:
        invite_to_series(owner, friend, title="Secret Plan")
        invitation = SeriesCreatorship.objects.get(pseud__user=friend)
        series_actions.answer_series_invitation(invitation, accept=False, actor=friend)
    assert_notice_gone(friend, "Secret Plan")


def test_an_inviter_closing_their_account_takes_their_draft_and_its_invitation_away() -> None:
    """Someone only invited is no co-creator: the closing member's draft is theirs alone
    and goes, with the invitation and its notice."""
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    delete_account(owner, orphan_works=False)
    assert not Work.objects.filter(pk=work.pk).exists()
    assert_notice_gone(friend, "Secret Plan")


def test_an_inviter_closing_their_account_leaves_a_work_shared_with_accepted_creators() -> None:
    owner, partner, friend = writer("owner"), writer("partner"), writer("friend")
    work = posted_work(owner, title="Shared", co_creators=[partner.pseuds.get()])
    actions.accept_creatorship(work.creatorships.get(pseud__user=partner), actor=partner)
    actions.update_work(
        work,
        work_data(title="Shared", co_creators=[friend.pseuds.get()]),
        actor=owner,
        post=False,
    )
    delete_account(owner, orphan_works=False)
    # The work stays with its other creator, who may still welcome the invitee.
    assert Work.objects.filter(pk=work.pk).exists()
    assert "Shared" in inbox_of(friend)


def test_an_invitee_closing_their_account_hands_no_invitation_to_orphan_account() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan")
    delete_account(friend, orphan_works=True)
    assert list(work.creatorships.values_list("pseud__user__username", "is_approved")) == [
        ("owner", True)
    ]
    assert not work.creatorships.filter(pseud__user__username=ORPHAN_USERNAME).exists()


# ---- Said as the invitation stands: never a title the invitee may no longer see ----


def test_a_retitled_draft_is_named_by_its_new_title_only() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    actions.update_work(
        work,
        work_data(title="Open Plan", co_creators=[friend.pseuds.get()]),
        actor=owner,
        post=False,
    )
    inbox = inbox_of(friend)
    assert "“Open Plan”: accept or decline on your dashboard." in inbox
    assert "Secret Plan" not in inbox
    digest = digest_to(friend)
    assert "Open Plan" in digest and "Secret Plan" not in digest


def test_a_chapter_invitation_follows_its_chapter_and_a_series_its_title() -> None:
    owner, friend = writer("owner"), writer("friend")
    chapter = invite_to_chapter(owner, friend, title="Winter", post=False)
    actions.reorder_chapters(
        chapter.work,
        [chapter.pk, *chapter.work.chapters.exclude(pk=chapter.pk).values_list("pk", flat=True)],
    )
    series = invite_to_series(owner, friend, title="Secret Seasons")
    series_actions.edit_series(series, series_actions.SeriesFields(title="Seasons"), actor=owner)
    inbox = inbox_of(friend)
    assert "Chapter 1: Thaw of “Winter”" in inbox and "Chapter 2" not in inbox
    assert "the series “Seasons”" in inbox and "Secret Seasons" not in inbox


# ---- Answered: accepted notices offer no answer ----


def test_an_accepted_work_invitation_says_so_and_leads_to_the_work() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    actions.accept_creatorship(work.creatorships.get(pseud__user=friend), actor=friend)
    (notice,) = InboxItem.objects.filter(recipient=friend)
    assert notice.text == "You accepted: your pseud friend co-creates “Secret Plan”."
    assert notice.link == work.get_absolute_url()
    assert notice.is_read and not notice.awaits_digest
    inbox = inbox_of(friend)
    assert "Secret Plan" in inbox and "accept or decline" not in inbox
    assert "#invitations-heading" not in inbox
    assert digest_to(friend) == ""  # they answered it themselves


def test_leaving_an_accepted_work_takes_the_notice_away() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    actions.accept_creatorship(work.creatorships.get(pseud__user=friend), actor=friend)
    actions.leave_work(work, actor=friend)
    assert_notice_gone(friend, "Secret Plan")


def test_an_accepted_chapter_credit_on_a_draft_never_shows_its_title_again() -> None:
    """A chapter's co-creator is no creator of the work: once the invitation is answered,
    the notice shows only while they may see the work, and a draft they may not."""
    owner, friend = writer("owner"), writer("friend")
    chapter = invite_to_chapter(owner, friend, title="Secret Plan", post=False)
    invitation = ChapterCreatorship.objects.get(chapter=chapter)
    chapter_credits.answer_chapter_invitation(invitation, accept=True, actor=friend)
    (notice,) = InboxItem.objects.filter(recipient=friend)
    assert "accept or decline" not in notice.text
    assert "Secret Plan" not in inbox_of(friend)
    # Posted, the work is theirs to see, and the notice shows again.
    actions.post_work(chapter.work)
    assert "You accepted: your pseud friend is credited on Chapter 2: Thaw of “Secret Plan”." in (
        inbox_of(friend)
    )


def test_an_accepted_series_invitation_leads_to_the_series() -> None:
    owner, friend = writer("owner"), writer("friend")
    series = invite_to_series(owner, friend, title="The Seasons")
    invitation = SeriesCreatorship.objects.get(series=series)
    series_actions.answer_series_invitation(invitation, accept=True, actor=friend)
    (notice,) = InboxItem.objects.filter(recipient=friend)
    assert notice.text == "You accepted: your pseud friend co-creates the series “The Seasons”."
    assert notice.link == reverse("works:series", args=[series.pk])


# ---- Which preference mails them ----


def test_every_kind_of_notice_names_the_preference_that_mails_it() -> None:
    assert set(MAIL_CHOICE) == set(InboxKind.values)
    for choice in MAIL_CHOICE.values():
        assert choice is None or isinstance(Preference._meta.get_field(choice).default, bool)


def test_invitation_mail_follows_its_own_preference() -> None:
    owner, friend = writer("owner"), writer("friend")
    Preference.objects.create(user=friend, mail_co_creator_invitations=False)
    invite_to_work(owner, friend, title="Secret Plan")
    assert digest_to(friend) == ""
    assert "Secret Plan" in inbox_of(friend)  # the inbox keeps it whatever they chose


def test_a_draft_purge_notice_is_mailed_whatever_else_was_turned_off() -> None:
    owner = writer("owner")
    Preference.objects.create(
        user=owner,
        mail_comments=False,
        mail_kudos=False,
        mail_subscriptions=False,
        mail_gifts=False,
        mail_collections=False,
        mail_co_creator_invitations=False,
    )
    work = posted_work(owner, post=False, title="Half a Story")
    notify_draft_purge(work, work.created_at.date())
    assert "Half a Story" in digest_to(owner)


def test_the_preferences_page_offers_the_invitation_mail_choice() -> None:
    owner, friend = writer("owner"), writer("friend")
    client = Client()
    client.force_login(friend)
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert "Invitations to co-create a work, a chapter or a series" in page
    (checkbox,) = re.findall(r'<input[^>]*name="mail_co_creator_invitations"[^>]*>', page)
    assert "checked" in checkbox  # mailed unless turned off
    # Saved with the box left unticked (a browser sends nothing for it).
    client.post(
        reverse("accounts:preferences"), {"font_size": "100", "theme": "light", "mail_kudos": "on"}
    )
    assert not Preference.objects.get(user=friend).mail_co_creator_invitations
    invite_to_work(owner, friend, title="Secret Plan")
    assert digest_to(friend) == ""


def test_the_inbox_says_many_invitations_in_as_many_queries_as_one() -> None:
    friend = writer("friend")

    def queries_for_inbox() -> int:
        client = Client()
        client.force_login(friend)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("social:inbox")).status_code == 200
        return len(queries)

    invite_to_chapter(writer("first"), friend, title="First")
    one = queries_for_inbox()
    for name in ("second", "third", "fourth"):
        invite_to_chapter(writer(name), friend, title=name.title())
        invite_to_work(writer(f"{name}_too"), friend, title=f"{name} too")
    assert queries_for_inbox() == one


def test_the_members_data_export_says_notices_as_the_inbox_does() -> None:
    """ "Download my data" carries the inbox as it stands: a retitled draft by its new title,
    an accepted chapter credit on someone's draft not at all."""
    from ficshelf.downloads import member_data

    owner, friend = writer("owner"), writer("friend")
    work = invite_to_work(owner, friend, title="Secret Plan", post=False)
    actions.update_work(
        work,
        work_data(title="Open Plan", co_creators=[friend.pseuds.get()]),
        actor=owner,
        post=False,
    )
    chapter = invite_to_chapter(owner, friend, title="Hidden Draft", post=False)
    invitation = ChapterCreatorship.objects.get(chapter=chapter)
    chapter_credits.answer_chapter_invitation(invitation, accept=True, actor=friend)

    sections, _ = member_data.collect(friend, site_url="http://testserver/")
    exported = " ".join(item["text"] for item in sections["inbox"])
    assert "Open Plan" in exported
    assert "Secret Plan" not in exported
    assert "Hidden Draft" not in exported


def test_the_migration_forgets_only_invitation_notices_without_their_invitation() -> None:
    import importlib

    from django.apps import apps

    owner, friend = writer("owner"), writer("friend")
    invite_to_work(owner, friend, title="Linked")
    old = InboxItem.objects.create(
        recipient=friend, kind=InboxKind.INVITATION, text="Old “Secret Plan” invitation"
    )
    other = InboxItem.objects.create(recipient=friend, kind=InboxKind.DRAFT, text="A draft")
    migration = importlib.import_module(
        "ficshelf.social.migrations.0016_forget_invitation_notices_without_their_invitation"
    )
    migration.forget_unlinked_invitation_notices(apps, None)
    left = set(InboxItem.objects.filter(recipient=friend).values_list("pk", flat=True))
    assert old.pk not in left and other.pk in left
    assert "Linked" in inbox_of(friend)

"""Invitations to co-create a work, a chapter or a series, and related works waiting for a
source's approval, reach the invited member (the source's creators) in their inbox, with a
link to where they answer, in the inviting action's transaction; a notice never names a
creator of an anonymous or unrevealed work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import Preference, User
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works import actions, series_actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.inspiration import InspirationData
from ficshelf.works.models import Series, SeriesCreatorship, SeriesWork, Work
from ficshelf.works.series_actions import SeriesError
from tests.social.factories import block
from tests.works.factories_posting import posted_work, work_data, writer

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("works:dashboard")


def invitations(user: User) -> list[InboxItem]:
    return list(InboxItem.objects.filter(recipient=user, kind=InboxKind.INVITATION))


def inbox_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("social:inbox")).content.decode()


def series_of(work: Work, title: str = "The Seasons") -> Series:
    series = Series.objects.create(title=title)
    SeriesWork.objects.create(series=series, work=work, position=1)
    return series


def anonymous(work: Work, *, unrevealed: bool = False) -> Work:
    Work.objects.filter(pk=work.pk).update(
        in_anonymous_collection=True, in_unrevealed_collection=unrevealed
    )
    return Work.objects.get(pk=work.pk)


# ---- Series ----


def test_a_series_invitation_reaches_the_invited_members_inbox() -> None:
    owner, friend = writer("owner"), writer("friend")
    series = series_of(posted_work(owner, title="Spring"))
    series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    (notice,) = invitations(friend)
    assert notice.text == (
        "Your pseud friend is invited to co-create the series “The Seasons”: accept or "
        "decline on your dashboard."
    )
    assert notice.link == f"{DASHBOARD}#series-invitations-heading"
    assert notice.awaits_digest and not invitations(owner)
    assert "The Seasons" in inbox_of(friend)


def test_following_the_series_notice_leads_to_the_answer() -> None:
    owner, friend = writer("owner"), writer("friend")
    series = series_of(posted_work(owner, title="Spring"))
    series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    client = Client()
    client.force_login(friend)
    dashboard = client.get(invitations(friend)[0].link).content.decode()
    assert 'id="series-invitations-heading"' in dashboard
    invitation = SeriesCreatorship.objects.get()
    assert reverse("works:answer_series_invitation", args=[invitation.pk]) in dashboard


def test_a_refused_series_invitation_tells_nobody() -> None:
    owner, friend = writer("owner"), writer("friend")
    Preference.objects.create(user=friend, refuse_co_creator_invitations=True)
    series = series_of(posted_work(owner))
    with pytest.raises(SeriesError):
        series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    assert not SeriesCreatorship.objects.exists() and not InboxItem.objects.exists()


def test_a_member_who_blocked_the_writer_hears_nothing() -> None:
    owner, friend = writer("owner"), writer("friend")
    block(friend, owner)
    series = series_of(posted_work(owner))
    with pytest.raises(SeriesError):
        series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    assert not InboxItem.objects.exists()


def test_a_series_of_anonymous_works_names_none_of_its_creators() -> None:
    owner, friend = writer("hidden_owner"), writer("friend")
    series = series_of(anonymous(posted_work(owner, title="Spring")))
    series_actions.invite_series_co_creator(series, friend.pseuds.get(), actor=owner)
    (notice,) = invitations(friend)
    assert "hidden_owner" not in notice.text


# ---- Chapters ----


def test_a_chapter_invitation_reaches_the_invited_member() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = posted_work(owner, title="Winter")
    actions.add_chapter(
        work,
        ChapterData(title="Thaw", text="<p>More.</p>", creators=[friend.pseuds.get()]),
        post=True,
        actor=owner,
    )
    (notice,) = invitations(friend)
    assert notice.text == (
        "Your pseud friend is invited to be credited on Chapter 2: Thaw of “Winter”: accept "
        "or decline on your dashboard."
    )
    assert notice.link == f"{DASHBOARD}#chapter-invitations-heading"


def test_crediting_the_works_own_creators_on_a_chapter_invites_nobody() -> None:
    owner = writer("owner")
    work = posted_work(owner, title="Winter")
    actions.add_chapter(
        work,
        ChapterData(text="<p>More.</p>", creators=[owner.pseuds.get()]),
        post=True,
        actor=owner,
    )
    assert not InboxItem.objects.filter(kind=InboxKind.INVITATION).exists()


@pytest.mark.parametrize("unrevealed", [False, True])
def test_a_chapter_invitation_on_an_anonymous_work_names_no_creator(unrevealed: bool) -> None:
    owner, friend = writer("hidden_owner"), writer("friend")
    work = anonymous(posted_work(owner, title="Winter"), unrevealed=unrevealed)
    actions.add_chapter(
        work,
        ChapterData(text="<p>More.</p>", creators=[friend.pseuds.get()]),
        post=True,
        actor=owner,
    )
    (notice,) = invitations(friend)
    assert "hidden_owner" not in notice.text
    assert "hidden_owner" not in inbox_of(friend)


# ---- Works ----


def test_a_work_invitation_on_a_draft_reaches_the_invited_member() -> None:
    """The invitee is not a creator yet and may not see the draft: the notice is about it
    and belongs to the invitation, and the inbox shows it while the invitation waits (as the
    dashboard shows the invitation)."""
    owner, friend = writer("owner"), writer("friend")
    work = posted_work(owner, post=False, title="Not Yet", co_creators=[friend.pseuds.get()])
    (notice,) = invitations(friend)
    assert notice.text == (
        "Your pseud friend is invited to co-create “Not Yet”: accept or decline on your dashboard."
    )
    assert notice.link == f"{DASHBOARD}#invitations-heading" and notice.work_id == work.pk
    assert notice.creatorship == work.creatorships.get(pseud__user=friend)
    assert "Not Yet" in inbox_of(friend)


def test_an_edit_that_keeps_the_invitation_does_not_tell_again() -> None:
    owner, friend = writer("owner"), writer("friend")
    work = posted_work(owner, co_creators=[friend.pseuds.get()])
    data = work_data(title="Edited", co_creators=[friend.pseuds.get()])
    actions.update_work(work, data, actor=owner, post=False)
    assert len(invitations(friend)) == 1


# ---- Related works ----


def test_a_related_work_waiting_for_approval_tells_the_source_creator_where_to_answer() -> None:
    source_writer, fan = writer("original"), writer("fan_writer")
    source = posted_work(source_writer, title="The Lighthouse")
    named = [(source, InspirationData(url=f"/works/{source.pk}/"))]
    posted_work(fan, title="The Keeper", inspirations=named)
    (notice,) = InboxItem.objects.filter(recipient=source_writer, kind=InboxKind.INSPIRED)
    assert notice.link == reverse("works:related_works", args=[source.pk])
    assert "fan_writer" not in notice.text


def test_an_unrevealed_related_work_waits_unseen_in_the_source_creators_inbox() -> None:
    source_writer, fan = writer("original"), writer("secret_fan")
    source = posted_work(source_writer, title="The Lighthouse")
    child = anonymous(posted_work(fan, title="The Keeper", post=False), unrevealed=True)
    named = [(source, InspirationData(url=f"/works/{source.pk}/"))]
    actions.update_work(
        child, work_data(title="The Keeper", inspirations=named), actor=fan, post=True
    )
    assert InboxItem.objects.filter(recipient=source_writer, kind=InboxKind.INSPIRED).exists()
    inbox = inbox_of(source_writer)
    assert "secret_fan" not in inbox and "The Keeper" not in inbox

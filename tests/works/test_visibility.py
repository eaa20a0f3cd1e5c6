"""The one visibility rule (docs/design.md), on the queryset and on the work page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from ficshelf.accounts.models import Mute
from ficshelf.works.models import Creatorship, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_guest_sees_posted_public_work() -> None:
    work = WorkFactory()
    assert list(Work.objects.visible_to(AnonymousUser())) == [work]


def test_guest_does_not_see_restricted_work() -> None:
    WorkFactory(restricted=True)
    assert not Work.objects.visible_to(AnonymousUser()).exists()


def test_signed_in_reader_sees_restricted_work() -> None:
    work = WorkFactory(restricted=True)
    assert list(Work.objects.visible_to(UserFactory())) == [work]


def test_draft_is_visible_only_to_its_creator() -> None:
    pseud = PseudFactory()
    work = WorkFactory(draft=True, creator=pseud)
    assert not Work.objects.visible_to(UserFactory()).exists()
    assert list(Work.objects.visible_to(pseud.user)) == [work]


def test_hidden_work_is_visible_to_creator_and_admin_only() -> None:
    pseud = PseudFactory()
    work = WorkFactory(hidden=True, creator=pseud)
    admin = UserFactory(is_staff=True)
    assert not Work.objects.visible_to(UserFactory()).exists()
    assert list(Work.objects.visible_to(pseud.user)) == [work]
    assert list(Work.objects.visible_to(admin)) == [work]


def test_admin_does_not_see_other_peoples_drafts() -> None:
    WorkFactory(draft=True)
    assert not Work.objects.visible_to(UserFactory(is_staff=True)).exists()


def test_guest_gets_404_for_restricted_work(client: Client) -> None:
    work = WorkFactory(restricted=True)
    assert client.get(work.get_absolute_url()).status_code == 404


def test_guest_gets_404_for_missing_work(client: Client) -> None:
    assert client.get("/works/999999/").status_code == 404


def test_reader_no_longer_sees_works_of_a_creator_they_muted() -> None:
    reader = UserFactory()
    muted_creator = PseudFactory()
    WorkFactory(creator=muted_creator)
    other = WorkFactory()
    Mute.objects.create(muter=reader, muted=muted_creator.user)
    assert list(Work.objects.visible_to(reader)) == [other]


def test_muting_hides_nothing_from_other_readers() -> None:
    muted_creator = PseudFactory()
    work = WorkFactory(creator=muted_creator)
    Mute.objects.create(muter=UserFactory(), muted=muted_creator.user)
    assert list(Work.objects.visible_to(UserFactory())) == [work]


def test_visible_works_are_listed_once_even_with_several_creators() -> None:
    work = WorkFactory()
    Creatorship.objects.create(work=work, pseud=PseudFactory())
    reader = UserFactory()
    assert Work.objects.visible_to(reader).count() == 1


def test_invited_co_creator_who_has_not_accepted_does_not_see_a_draft() -> None:
    invitee = PseudFactory()
    work = WorkFactory(draft=True)
    Creatorship.objects.create(work=work, pseud=invitee, is_approved=False)
    assert not Work.objects.visible_to(invitee.user).exists()


def test_invited_co_creator_who_accepted_sees_the_draft() -> None:
    invitee = PseudFactory()
    work = WorkFactory(draft=True)
    Creatorship.objects.create(work=work, pseud=invitee, is_approved=True)
    assert list(Work.objects.visible_to(invitee.user)) == [work]


def test_muting_a_co_creator_never_hides_your_own_work() -> None:
    me, partner = PseudFactory(), PseudFactory()
    work = WorkFactory(creator=me)
    Creatorship.objects.create(work=work, pseud=partner, position=1)
    Mute.objects.create(muter=me.user, muted=partner.user)
    assert list(Work.objects.visible_to(me.user)) == [work]

"""Gift notices: posting tells every recipient; an edit of a posted work tells only those
it adds, and a draft's recipients hear nothing until it is posted."""

from __future__ import annotations

import pytest

from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works import actions
from tests.works.factories_posting import posted_work, work_data, writer

pytestmark = pytest.mark.django_db


def gift_notices(user_name: str) -> int:
    return InboxItem.objects.filter(recipient__username=user_name, kind=InboxKind.GIFT).count()


def test_an_edit_that_adds_a_recipient_tells_only_the_new_one() -> None:
    giver = writer()
    writer("first")
    writer("second")
    work = posted_work(giver, gift_recipients=["first"])
    assert (gift_notices("first"), gift_notices("second")) == (1, 0)

    edited = work_data(gift_recipients=["first", "second"])
    actions.update_work(work, edited, actor=giver, post=True)

    assert (gift_notices("first"), gift_notices("second")) == (1, 1)
    notice = InboxItem.objects.get(recipient__username="second", kind=InboxKind.GIFT)
    assert notice.work_id == work.pk


def test_an_edit_that_keeps_the_same_recipients_tells_nobody_again() -> None:
    giver = writer()
    writer("first")
    work = posted_work(giver, gift_recipients=["first"])
    actions.update_work(work, work_data(gift_recipients=["first"]), actor=giver, post=True)
    assert gift_notices("first") == 1


def test_a_draft_given_by_edit_tells_its_recipient_once_when_posted() -> None:
    giver = writer()
    writer("first")
    draft = posted_work(giver, post=False)
    actions.update_work(draft, work_data(gift_recipients=["first"]), actor=giver, post=False)
    assert gift_notices("first") == 0
    actions.update_work(draft, work_data(gift_recipients=["first"]), actor=giver, post=True)
    assert gift_notices("first") == 1


def test_a_refused_gift_is_not_announced_again_by_an_edit() -> None:
    giver = writer()
    recipient = writer("first")
    work = posted_work(giver, gift_recipients=["first"])
    actions.refuse_gift(work.gifts.get(), actor=recipient)
    actions.update_work(work, work_data(gift_recipients=["first"]), actor=giver, post=True)
    assert gift_notices("first") == 1

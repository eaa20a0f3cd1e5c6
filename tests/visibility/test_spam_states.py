"""The visibility rule's matrix for the spam defence's states: a held or spam work or
comment is seen by its author and admins only (and, for a hidden comment, the work's
creators); the walk (test_every_entry_point) checks every surface follows the rule."""

from __future__ import annotations

import pytest

from ficshelf.core.spam import SpamState
from ficshelf.social.models import Comment
from ficshelf.works.models import Work
from tests.factories import UserFactory
from tests.social.factories import CommentFactory, creator_of

pytestmark = pytest.mark.django_db

VIEWERS = ("guest", "reader", "creator", "admin")


def viewer(name: str, work: Work) -> object:
    return {
        "guest": None,
        "reader": UserFactory(),
        "creator": creator_of(work),
        "admin": UserFactory(is_staff=True),
    }[name]


@pytest.mark.parametrize("state", [SpamState.HELD, SpamState.SPAM, SpamState.SPAMMER])
@pytest.mark.parametrize("name", VIEWERS)
def test_a_withheld_work_is_its_creators_and_admins(state: str, name: str) -> None:
    comment = CommentFactory()
    work = comment.work
    Work.objects.filter(pk=work.pk).update(spam_state=state)
    sees = Work.objects.visible_to(viewer(name, work)).filter(pk=work.pk).exists()  # type: ignore[arg-type]
    assert sees == (name in ("creator", "admin"))


@pytest.mark.parametrize("state", [SpamState.CLEAR, SpamState.HELD, SpamState.SPAM])
@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("name", (*VIEWERS, "commenter"))
def test_who_sees_a_comment(state: str, hidden: bool, name: str) -> None:
    comment = CommentFactory(spam_state=state, is_hidden=hidden)
    work = comment.work
    who = comment.user if name == "commenter" else viewer(name, work)
    moderators = {creator_of(work).pk}
    shown = Comment.objects.shown_to(who, moderators).filter(pk=comment.pk).exists()  # type: ignore[arg-type]
    expected = {
        "guest": state == SpamState.CLEAR and not hidden,
        "reader": state == SpamState.CLEAR and not hidden,
        "creator": state == SpamState.CLEAR,  # the hidden ones too, marked
        "admin": True,
        "commenter": True,
    }[name]
    assert shown == expected
    public = Comment.objects.public().filter(pk=comment.pk).exists()
    assert public == (state == SpamState.CLEAR and not hidden)

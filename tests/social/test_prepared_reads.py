"""The footer's comments and kudos givers read with prepared SQL (``social.prepared_reads``):
for every branch of ``CommentQuerySet.shown_to`` and every number of chapters, the same
comments as the ORM gives, each with its member loaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ficshelf.core.spam import SpamState
from ficshelf.social.models import Comment
from ficshelf.social.prepared_reads import comments_shown, latest_kudos_givers
from ficshelf.works.models import Chapter
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import CommentFactory, KudosFactory, creator_of, mute

pytestmark = pytest.mark.django_db


def _orm(chapters: list[Chapter], user: Any, moderators: set[int]) -> list[Comment]:
    return list(
        Comment.objects.filter(chapter__in=chapters)
        .shown_to(user, moderators)
        .select_related("user")
    )


@pytest.mark.parametrize("chapter_count", [1, 3, 70])
def test_comments_shown_are_the_querysets_for_every_kind_of_reader(chapter_count: int) -> None:
    work = WorkFactory(chapters=chapter_count)
    chapters = list(work.chapters.order_by("position"))
    creator, author, staff, reader, troll = (
        creator_of(work),
        UserFactory(),
        UserFactory(is_staff=True),
        UserFactory(),
        UserFactory(),
    )
    mute(reader, troll)
    last = chapters[-1]
    CommentFactory(work=work, chapter=chapters[0], user=author, text="<p>first</p>")
    CommentFactory(work=work, chapter=last, user=author, unreviewed=True, text="<p>waits</p>")
    CommentFactory(work=work, chapter=last, user=author, is_hidden=True, text="<p>hidden</p>")
    CommentFactory(work=work, chapter=last, user=author, spam_state=SpamState.HELD)
    CommentFactory(work=work, chapter=last, user=troll, text="<p>muted</p>")
    CommentFactory(work=work, chapter=last, guest=True, text="<p>a guest</p>")
    CommentFactory(work=WorkFactory(), text="<p>another work</p>")
    moderators = {creator.pk}
    readers = [None, AnonymousUser(), creator, author, staff, reader]
    for shown in (chapters, chapters[-1:], chapters[:1]):
        for user in readers:
            expected = _orm(shown, user, moderators)
            found = comments_shown(shown, user, moderators)
            assert [c.pk for c in found] == [c.pk for c in expected], user
            with CaptureQueriesContext(connection) as queries:
                names = [c.user.username for c in found if c.user_id]
            assert names == [c.user.username for c in expected if c.user_id]
            assert not queries.captured_queries  # the members came with the comments
    # The branches differ, so each reader really got their own.
    counts = {str(user): len(comments_shown(chapters, user, moderators)) for user in readers}
    assert counts[str(creator)] > counts["None"]
    assert counts[str(staff)] > counts[str(creator)]
    assert counts[str(reader)] == counts["None"] - 1  # the muted commenter's is gone
    assert comments_shown([], None, moderators) == []


def test_latest_kudos_givers_are_the_newest_members_first() -> None:
    work = WorkFactory()
    givers = [UserFactory() for _ in range(4)]
    for giver in givers:
        KudosFactory(work=work, user=giver)
    KudosFactory(work=work, guest=True)
    KudosFactory(work=WorkFactory(), user=UserFactory())
    newest_first = [(g.pk, g.username) for g in reversed(givers)]
    assert latest_kudos_givers(work.pk, 3) == newest_first[:3]
    assert latest_kudos_givers(work.pk, 10) == newest_first
    assert latest_kudos_givers(WorkFactory().pk, 3) == []

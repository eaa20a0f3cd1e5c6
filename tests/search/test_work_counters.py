from __future__ import annotations

import pytest

from ficshelf.social.models import Bookmark, Comment, Hit, Kudos
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def counts(work: Work) -> tuple[int, int, int, int]:
    work.refresh_from_db()
    return (work.kudos_count, work.hits_count, work.comments_count, work.bookmarks_count)


def test_kudos_and_hits_are_counted_as_they_come_and_go() -> None:
    work = WorkFactory()
    kudos = Kudos.objects.create(work=work, user=UserFactory())
    Hit.objects.create(work=work, visitor_key="guest:a", day="2024-05-02")
    Hit.objects.create(work=work, visitor_key="guest:b", day="2024-05-02")
    assert counts(work)[:2] == (1, 2)
    kudos.delete()
    assert counts(work)[:2] == (0, 2)


def test_only_approved_undeleted_comments_count() -> None:
    work = WorkFactory()
    chapter = work.chapters.get()
    user = UserFactory()
    Comment.objects.create(work=work, chapter=chapter, user=user, text="Lovely")
    waiting = Comment.objects.create(
        work=work, chapter=chapter, user=user, text="Hm", is_approved=False
    )
    assert counts(work)[2] == 1
    waiting.is_approved = True
    waiting.save()
    assert counts(work)[2] == 2
    waiting.is_deleted = True
    waiting.save()
    assert counts(work)[2] == 1


def test_only_public_bookmarks_count() -> None:
    work = WorkFactory()
    Bookmark.objects.create(work=work, user=UserFactory())
    private = Bookmark.objects.create(work=work, user=UserFactory(), is_private=True)
    assert counts(work)[3] == 1
    private.is_private = False
    private.save()
    assert counts(work)[3] == 2

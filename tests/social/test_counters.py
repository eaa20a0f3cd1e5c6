"""The works' stored counts (``social.counters``): kept in step with what they count by every
path (actions, admin pages, cascades), and the one source every surface shows."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.social.actions import leave_kudos
from ficshelf.social.models import Bookmark, Comment, Kudos
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def counts(work: Work) -> tuple[int, int, int, int]:
    work.refresh_from_db()
    return (work.kudos_count, work.hits_count, work.comments_count, work.bookmarks_count)


def test_kudos_are_counted_as_they_come_and_go() -> None:
    work = WorkFactory()
    kudos = Kudos.objects.create(work=work, user=UserFactory())
    leave_kudos(work, actor=None, guest="a-guest")
    assert counts(work)[0] == 2
    kudos.delete()
    assert counts(work)[0] == 1


def test_a_deleted_member_takes_their_kudos_and_bookmarks_out_of_the_counts() -> None:
    work = WorkFactory()
    member = UserFactory()
    Kudos.objects.create(work=work, user=member)
    Comment.objects.create(work=work, chapter=work.chapters.get(), user=member, text="Hi")
    Bookmark.objects.create(work=work, user=member)
    assert counts(work) == (1, 0, 1, 1)
    member.delete()  # a cascade: no action runs, the counts follow all the same
    # Their comment stays, as AO3 keeps a deleted account's comments.
    assert counts(work) == (0, 0, 1, 0)


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


def stat(page: str, label: str) -> str:
    text = re.sub(r"<[^>]+>", " ", page)
    found = re.search(rf"{label}:\s*([\d,]+)", text)
    assert found, f"no {label} on the page"
    return found.group(1)


def test_the_work_page_and_its_blurb_show_the_same_stored_counts(client: Client) -> None:
    work = WorkFactory(title="Counted")
    for number in range(3):
        leave_kudos(work, actor=None, guest=f"guest-{number}")
    Comment.objects.create(work=work, chapter=work.chapters.get(), user=UserFactory(), text="a")
    Bookmark.objects.create(work=work, user=UserFactory())
    Bookmark.objects.create(work=work, user=UserFactory(), is_private=True)
    page = page_text(client.get(work.get_absolute_url()))
    blurb = page_text(client.get(f"/users/{work.creatorships.get().pseud.user.username}/"))
    for label, expected in (("Kudos", "3"), ("Comments", "1"), ("Bookmarks", "1")):
        assert stat(page, label) == expected
        assert stat(blurb, label) == expected
    assert "3 guests left kudos on this work!" in page


def test_the_work_page_reads_the_stored_count_not_the_rows(client: Client) -> None:
    work = WorkFactory()
    leave_kudos(work, actor=None, guest="a-guest")
    # A count that disagrees with the rows shows as stored: the page counts nothing itself.
    Work.objects.filter(pk=work.pk).update(kudos_count=7)
    assert stat(page_text(client.get(work.get_absolute_url())), "Kudos") == "7"

"""Notices follow the visibility rule when shown and mailed, not only when made."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from ficshelf.social import actions
from ficshelf.social.models import InboxItem, ReadingList
from ficshelf.social.notifications import send_notification_digests
from ficshelf.works.models import Chapter, Work
from tests.factories import ChapterFactory, UserFactory, WorkFactory
from tests.social.factories import (
    CommentFactory,
    SubscriptionFactory,
    creator_of,
    mute,
)

pytestmark = pytest.mark.django_db


def test_digest_leaves_out_notices_about_works_hidden_since() -> None:
    reader = UserFactory(email="reader@example.org")
    hidden, shown = WorkFactory(title="Gone Now"), WorkFactory(title="Still Here")
    for work in (hidden, shown):
        SubscriptionFactory(user=reader, work=work)
        actions.notify_subscribers_of_new_work(work)
    Work.objects.filter(pk=hidden.pk).update(is_hidden_by_admin=True)
    send_notification_digests()
    (message,) = mail.outbox
    assert "Still Here" in message.body and "Gone Now" not in message.body


def test_items_about_invisible_works_leave_the_inbox_query() -> None:
    reader = UserFactory()
    work = WorkFactory()
    SubscriptionFactory(user=reader, work=work)
    actions.notify_subscribers_of_new_work(work)
    assert InboxItem.objects.about_works_visible_to(reader).count() == 1
    Work.objects.filter(pk=work.pk).update(is_hidden_by_admin=True)
    assert InboxItem.objects.about_works_visible_to(reader).count() == 0


def test_creator_who_muted_a_reader_hears_nothing_of_their_kudos() -> None:
    work = WorkFactory()
    creator, giver = creator_of(work), UserFactory()
    mute(creator, giver)
    actions.leave_kudos(work, actor=giver)
    assert not InboxItem.objects.filter(recipient=creator).exists()


def test_creator_hears_of_kudos_from_others() -> None:
    work = WorkFactory()
    actions.leave_kudos(work, actor=UserFactory())
    assert InboxItem.objects.filter(recipient=creator_of(work), work=work).exists()


def reply_to_guest(parent_comment: object, capture: object) -> list[object]:
    chapter = Chapter.objects.get(pk=parent_comment.chapter_id)  # type: ignore[attr-defined]
    with capture(execute=True):  # type: ignore[operator]
        actions.post_comment(
            chapter,
            actor=creator_of(parent_comment.work),  # type: ignore[attr-defined]
            text="Thanks!",
            parent=parent_comment,  # type: ignore[arg-type]
        )
    return [m for m in mail.outbox if parent_comment.guest_email in m.to]  # type: ignore[attr-defined]


def test_guest_is_mailed_about_a_reply(django_capture_on_commit_callbacks: object) -> None:
    parent = CommentFactory(guest=True)
    assert len(reply_to_guest(parent, django_capture_on_commit_callbacks)) == 1


def test_guest_is_not_mailed_about_a_reply_on_a_work_now_restricted(
    django_capture_on_commit_callbacks: object,
) -> None:
    parent = CommentFactory(guest=True)
    Work.objects.filter(pk=parent.work_id).update(is_restricted=True)
    assert reply_to_guest(parent, django_capture_on_commit_callbacks) == []


def test_comment_on_an_unposted_chapter_is_not_shown_to_guests(client: Client) -> None:
    work = WorkFactory()
    draft_chapter = ChapterFactory(work=work, position=2, is_posted=False)
    comment = CommentFactory(work=work, chapter=draft_chapter, user=creator_of(work))
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 404


def test_long_list_names_that_clip_alike_are_refused_politely() -> None:
    owner = UserFactory()
    actions.create_reading_list(actor=owner, name="x" * 100)
    with pytest.raises(actions.ActionRefused):
        actions.create_reading_list(actor=owner, name="x" * 101)
    assert ReadingList.objects.filter(owner=owner).count() == 1

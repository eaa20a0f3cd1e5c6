"""A creator's moderation of their work's comments, and a collection moderator's of the
collection's works: hide, freeze a thread, delete (social/comment_moderation.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.core.models import AuditEntry
from ficshelf.social.models import Comment
from ficshelf.works.collection_items import add_work, create_collection
from ficshelf.works.models import Collection, Work
from tests.factories import UserFactory
from tests.helpers import guarded, page_text
from tests.social.factories import CommentFactory, creator_of

pytestmark = pytest.mark.django_db


def as_user(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def moderate(client: Client, comment: Comment, change: str) -> int:
    url = reverse("social:moderate_comment", args=[comment.pk, change])
    return client.post(url).status_code


def reply(client: Client, parent: Comment) -> int:
    url = reverse("social:post_comment", args=[parent.work_id, parent.chapter_id])
    return client.post(url, guarded({"text": "<p>Me too.</p>", "parent_id": parent.pk})).status_code


def count_of(work: Work) -> int:
    work.refresh_from_db()
    return work.comments_count


def test_a_creator_hides_a_comment_from_everyone_but_its_author_and_moderators() -> None:
    comment = CommentFactory(text="<p>Rude words.</p>")
    work, commenter, creator = comment.work, comment.user, creator_of(comment.work)
    assert count_of(work) == 1
    assert moderate(as_user(creator), comment, "hide") == 302
    assert count_of(work) == 0
    assert "Rude words" not in as_user(None).get(work.get_absolute_url()).content.decode()
    assert "Rude words" not in as_user(UserFactory()).get(work.get_absolute_url()).content.decode()
    for viewer in (commenter, creator):
        page = page_text(as_user(viewer).get(work.get_absolute_url()))
        assert "Rude words" in page and "Hidden: only its author" in page
    assert AuditEntry.objects.get(action="hide comment").actor == creator
    assert moderate(as_user(creator), comment, "unhide") == 302
    assert count_of(work) == 1


def test_a_frozen_thread_takes_no_more_replies() -> None:
    root = CommentFactory()
    child = CommentFactory(work=root.work, parent=root)
    creator = creator_of(root.work)
    assert moderate(as_user(creator), root, "freeze") == 302
    assert Comment.objects.filter(is_frozen=True).count() == 2
    reader = as_user(UserFactory())
    assert reply(reader, child) == 403
    assert Comment.objects.count() == 2
    page = page_text(reader.get(root.work.get_absolute_url()))
    assert "Frozen: this thread takes no more replies" in page
    assert f"/comments/{root.pk}/reply/" not in page
    assert moderate(as_user(creator), root, "unfreeze") == 302
    assert reply(reader, child) == 302


def test_readers_cannot_hide_freeze_or_delete_others_comments() -> None:
    comment = CommentFactory()
    stranger = as_user(UserFactory())
    assert moderate(stranger, comment, "hide") == 403
    assert moderate(stranger, comment, "freeze") == 403
    assert stranger.post(reverse("social:delete_comment", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert not (comment.is_hidden or comment.is_frozen or comment.is_deleted)
    assert not AuditEntry.objects.exists()


def test_a_collection_moderator_moderates_the_collections_works() -> None:
    owner = UserFactory(username="festowner")
    fest = create_collection(Collection(name="fest", title="Fest"), owner=owner)
    comment = CommentFactory(text="<p>Off topic.</p>")
    work = comment.work
    add_work(fest, work, actor=creator_of(work))
    client = as_user(owner)
    page = page_text(client.get(work.get_absolute_url()))
    assert "Hide" in page and "Freeze thread" in page
    assert moderate(client, comment, "hide") == 302
    assert "Off topic" in page_text(client.get(work.get_absolute_url()))  # marked, not gone
    assert client.post(reverse("social:delete_comment", args=[comment.pk])).status_code == 302
    assert not Comment.objects.exists()
    assert count_of(work) == 0
    assert AuditEntry.objects.filter(action="delete comment", actor=owner).exists()


def test_a_moderator_of_another_collection_cannot() -> None:
    other = UserFactory(username="elsewhere")
    create_collection(Collection(name="zine", title="Zine"), owner=other)
    comment = CommentFactory()
    assert moderate(as_user(other), comment, "hide") == 403
    comment.refresh_from_db()
    assert not comment.is_hidden

"""Writes go through the site's actions: the same rules, the same counters, the same refusals;
a refusal writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import Block
from ficshelf.social.models import Bookmark, Comment, Kudos, Reading, Subscription
from ficshelf.works.models import CommentPermission, Work
from tests.api.helpers import call, token_for
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_kudos_through_the_action_and_its_counter(client: Client) -> None:
    work = WorkFactory()
    token = token_for(UserFactory(), "write:kudos")
    status, data = call(client, "POST", f"/api/v1/works/{work.pk}/kudos", token)
    assert status == 201
    assert data == {"work_id": work.pk, "kudos": 1}
    assert Work.objects.get(pk=work.pk).kudos_count == 1
    status, data = call(client, "POST", f"/api/v1/works/{work.pk}/kudos", token)
    assert status == 403
    assert "already" in data["detail"]
    assert Kudos.objects.count() == 1


def test_kudos_refused_to_someone_the_creator_blocked(client: Client) -> None:
    pseud = PseudFactory()
    work = WorkFactory(creator=pseud)
    reader = UserFactory()
    Block.objects.create(blocker=pseud.user, blocked=reader)
    status, data = call(
        client, "POST", f"/api/v1/works/{work.pk}/kudos", token_for(reader, "write:kudos")
    )
    assert status == 403
    assert "blocked" in data["detail"]
    assert not Kudos.objects.exists()


def test_a_restricted_work_is_not_found_for_a_guest_write(client: Client) -> None:
    work = WorkFactory(hidden=True)
    token = token_for(UserFactory(), "write:kudos")
    assert call(client, "POST", f"/api/v1/works/{work.pk}/kudos", token)[0] == 404
    assert not Kudos.objects.exists()


def test_comments_are_sanitized_and_can_be_edited_and_deleted(client: Client) -> None:
    work = WorkFactory()
    chapter = work.chapters.get()
    token = token_for(UserFactory(username="commenter"), "write:comments")
    url = f"/api/v1/works/{work.pk}/chapters/{chapter.pk}/comments"
    status, data = call(client, "POST", url, token, {"text": "Hi <script>x()</script><b>there</b>"})
    assert status == 201
    stored = Comment.objects.get()
    assert "<script>" not in stored.text
    assert "<b>there</b>" in stored.text
    assert data["author"] == "commenter"
    assert Work.objects.get(pk=work.pk).comments_count == 1
    status, data = call(client, "PUT", f"/api/v1/comments/{stored.pk}", token, {"text": "Edited"})
    assert status == 200
    assert Comment.objects.get().text == "Edited"
    status, _ = call(client, "DELETE", f"/api/v1/comments/{stored.pk}", token)
    assert status == 200
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_with_a_message(client: Client) -> None:
    work = WorkFactory()
    url = f"/api/v1/works/{work.pk}/chapters/{work.chapters.get().pk}/comments"
    token = token_for(UserFactory(), "write:comments")
    status, data = call(client, "POST", url, token, {"text": "   "})
    assert status == 400
    assert data["detail"]
    status, data = call(client, "POST", url, token, {"words": "no text field"})
    assert status == 422
    assert not Comment.objects.exists()


def test_comments_closed_are_refused(client: Client) -> None:
    work = WorkFactory(comment_permission=CommentPermission.NOBODY)
    url = f"/api/v1/works/{work.pk}/chapters/{work.chapters.get().pk}/comments"
    status, data = call(
        client, "POST", url, token_for(UserFactory(), "write:comments"), {"text": "Hi"}
    )
    assert status == 403
    assert "doesn't allow comments" in data["detail"]
    assert not Comment.objects.exists()


def test_the_sites_comment_limit_applies(client: Client, settings: object) -> None:
    from ficshelf.social.views.kudos_and_comments import COMMENT_LIMIT_PER_ACCOUNT

    work = WorkFactory()
    url = f"/api/v1/works/{work.pk}/chapters/{work.chapters.get().pk}/comments"
    token = token_for(UserFactory(), "write:comments")
    for n in range(COMMENT_LIMIT_PER_ACCOUNT):
        assert call(client, "POST", url, token, {"text": f"Comment {n}"})[0] == 201
    response = client.post(
        url,
        '{"text": "one more"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.count() == COMMENT_LIMIT_PER_ACCOUNT


def test_bookmarks_made_changed_and_deleted(client: Client) -> None:
    work = WorkFactory()
    token = token_for(UserFactory(), "write:bookmarks")
    body = {"notes": "<p>Great</p><script>x</script>", "tags": "a, b", "is_rec": True}
    status, data = call(client, "PUT", f"/api/v1/works/{work.pk}/bookmark", token, body)
    assert status == 200
    assert data["tags"] == ["a", "b"]
    assert "<script>" not in Bookmark.objects.get().notes
    assert Work.objects.get(pk=work.pk).bookmarks_count == 1
    body = {"is_private": True}
    status, data = call(client, "PUT", f"/api/v1/works/{work.pk}/bookmark", token, body)
    assert data["is_private"] is True
    assert Bookmark.objects.count() == 1
    assert Work.objects.get(pk=work.pk).bookmarks_count == 0
    status, _ = call(client, "DELETE", f"/api/v1/bookmarks/{data['id']}", token)
    assert status == 200
    assert not Bookmark.objects.exists()


def test_someone_elses_bookmark_is_not_found(client: Client) -> None:
    from ficshelf.social import actions

    other = actions.save_bookmark(actor=UserFactory(), work=WorkFactory())
    token = token_for(UserFactory(), "write:bookmarks")
    assert call(client, "DELETE", f"/api/v1/bookmarks/{other.pk}", token)[0] == 404
    assert Bookmark.objects.filter(pk=other.pk).exists()


def test_subscriptions(client: Client) -> None:
    work = WorkFactory()
    creator = PseudFactory(user=UserFactory(username="followed")).user
    token = token_for(UserFactory(), "write:subscriptions")
    status, data = call(client, "PUT", f"/api/v1/works/{work.pk}/subscription", token)
    assert status == 200
    assert data["work_id"] == work.pk
    status, data = call(client, "PUT", "/api/v1/users/followed/subscription", token)
    assert data["username"] == "followed"
    assert Subscription.objects.count() == 2
    status, _ = call(client, "DELETE", f"/api/v1/subscriptions/{data['id']}", token)
    assert status == 200
    assert list(Subscription.objects.values_list("work_id", flat=True)) == [work.pk]
    assert creator.is_active


def test_marked_for_later(client: Client) -> None:
    work = WorkFactory()
    member = UserFactory()
    token = token_for(member, "write:reading")
    _status, data = call(client, "PUT", f"/api/v1/works/{work.pk}/marked-for-later", token)
    assert data == {"work_id": work.pk, "is_marked_for_later": True}
    assert Reading.objects.get(user=member).is_marked_for_later
    _status, data = call(client, "DELETE", f"/api/v1/works/{work.pk}/marked-for-later", token)
    assert data["is_marked_for_later"] is False
    assert not Reading.objects.get(user=member).is_marked_for_later


def test_reading_lists_made_filled_emptied_and_deleted(client: Client) -> None:
    from ficshelf.social.models import ReadingList

    work = WorkFactory()
    hidden = WorkFactory(hidden=True)
    token = token_for(UserFactory(), "write:reading")
    status, data = call(client, "POST", "/api/v1/reading-lists", token, {"name": "Summer"})
    assert status == 201
    list_id = data["id"]
    status, data = call(client, "PUT", f"/api/v1/reading-lists/{list_id}/works/{work.pk}", token)
    assert data["work_ids"] == [work.pk]
    status, _ = call(client, "PUT", f"/api/v1/reading-lists/{list_id}/works/{hidden.pk}", token)
    assert status == 404
    status, data = call(client, "POST", "/api/v1/reading-lists", token, {"name": "Summer"})
    assert status == 403
    assert "already have a list" in data["detail"]
    status, data = call(client, "POST", "/api/v1/reading-lists", token, {"name": ""})
    assert status == 400
    assert ReadingList.objects.count() == 1
    other = token_for(UserFactory(), "write:reading")
    assert call(client, "DELETE", f"/api/v1/reading-lists/{list_id}", other)[0] == 404
    status, data = call(client, "DELETE", f"/api/v1/reading-lists/{list_id}/works/{work.pk}", token)
    assert data["work_ids"] == []
    assert call(client, "DELETE", f"/api/v1/reading-lists/{list_id}", token)[0] == 200
    assert not ReadingList.objects.exists()

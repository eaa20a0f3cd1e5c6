"""Comments on chapters: threads, edits, deletion, guests, moderation, limits, blocks, mutes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ficshelf.social.models import Comment, InboxItem, InboxKind
from ficshelf.social.views import COMMENT_LIMIT_PER_ACCOUNT, COMMENT_LIMIT_PER_ADDRESS
from ficshelf.works.models import CommentPermission, Work
from tests.caches import FakeClock
from tests.factories import UserFactory, WorkFactory
from tests.helpers import email_of_length, guarded, page_text
from tests.social.factories import CommentFactory, block, creator_of, mute

pytestmark = pytest.mark.django_db


def comment_url(work: Work) -> str:
    chapter = work.chapters.first()
    assert chapter is not None
    return reverse("social:post_comment", args=[work.pk, chapter.pk])


def signed_in(user: object = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())  # type: ignore[arg-type]
    return client


def test_reader_comments_on_a_chapter() -> None:
    work = WorkFactory()
    response = signed_in().post(comment_url(work), guarded({"text": "<p>Lovely!</p>"}))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}/"  # which finds its page
    assert comment.chapter == work.chapters.first()


def test_comment_text_is_sanitized() -> None:
    work = WorkFactory()
    signed_in().post(comment_url(work), guarded({"text": "<p>Hi<script>alert(1)</script></p>"}))
    assert Comment.objects.get().text == "<p>Hi</p>"


def test_comment_shows_on_the_work_page() -> None:
    work = WorkFactory()
    CommentFactory(work=work, text="<p>What a twist.</p>", user=UserFactory(username="ann"))
    html = page_text(Client().get(work.get_absolute_url()))
    assert "What a twist." in html
    assert "Comments (1)" in html


def test_reply_is_threaded_under_its_parent() -> None:
    work = WorkFactory()
    parent = CommentFactory(work=work)
    signed_in().post(comment_url(work), guarded({"text": "Agreed", "parent_id": parent.pk}))
    reply = Comment.objects.get(parent=parent)
    html = page_text(Client().get(work.get_absolute_url()))
    assert html.index(f'id="comment_{parent.pk}"') < html.index(f'id="comment_{reply.pk}"')
    assert '<ol class="thread">' in html


def test_empty_comment_is_refused_with_a_message() -> None:
    work = WorkFactory()
    response = signed_in().post(comment_url(work), guarded({"text": "  "}))
    assert "we need your comment to have text" in page_text(response, status=400)
    assert not Comment.objects.exists()


def test_guest_comments_with_name_and_email() -> None:
    work = WorkFactory()
    Client().post(
        comment_url(work), guarded({"text": "Hi", "guest_name": "Pat", "guest_email": "p@x.org"})
    )
    comment = Comment.objects.get()
    assert comment.user is None
    assert comment.author_name == "Pat"


def test_guest_comment_needs_an_email() -> None:
    work = WorkFactory()
    response = Client().post(comment_url(work), guarded({"text": "Hi", "guest_name": "Pat"}))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_guest_cannot_comment_when_only_registered_users_may() -> None:
    work = WorkFactory(comment_permission=CommentPermission.REGISTERED)
    response = Client().post(
        comment_url(work), guarded({"text": "Hi", "guest_name": "Pat", "guest_email": "p@x.org"})
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_nobody_can_comment_when_comments_are_off() -> None:
    work = WorkFactory(comment_permission=CommentPermission.NOBODY)
    response = signed_in().post(comment_url(work), guarded({"text": "Hi"}))
    assert "doesn't allow comments" in page_text(response, status=403)


def test_work_page_has_no_comment_form_when_comments_are_off() -> None:
    work = WorkFactory(comment_permission=CommentPermission.NOBODY)
    html = page_text(signed_in().get(work.get_absolute_url()))
    assert 'id="add_comment"' not in html
    assert "Sorry, this work doesn't allow comments." in html


def test_guest_gets_404_commenting_on_restricted_work() -> None:
    work = WorkFactory(restricted=True)
    response = Client().post(
        comment_url(work), guarded({"text": "Hi", "guest_name": "Pat", "guest_email": "p@x.org"})
    )
    assert response.status_code == 404


def test_user_blocked_by_the_creator_cannot_comment() -> None:
    work = WorkFactory()
    reader = UserFactory()
    block(creator_of(work), reader)
    response = signed_in(reader).post(comment_url(work), guarded({"text": "Hi"}))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_author_edits_comment_and_page_shows_last_edited() -> None:
    work = WorkFactory()
    author = UserFactory()
    comment = CommentFactory(work=work, user=author)
    signed_in(author).post(reverse("social:edit_comment", args=[comment.pk]), {"text": "New"})
    comment.refresh_from_db()
    assert comment.text == "New"
    assert "Last edited" in page_text(Client().get(work.get_absolute_url()))


def test_someone_else_cannot_edit_a_comment() -> None:
    comment = CommentFactory()
    response = signed_in().post(reverse("social:edit_comment", args=[comment.pk]), {"text": "X"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.text == "<p>I loved this.</p>"


def test_author_deletes_a_comment_without_replies() -> None:
    author = UserFactory()
    comment = CommentFactory(user=author)
    signed_in(author).post(reverse("social:delete_comment", args=[comment.pk]))
    assert not Comment.objects.exists()


def test_deleted_comment_with_replies_shows_previous_comment_deleted() -> None:
    work = WorkFactory()
    parent = CommentFactory(work=work, text="<p>Original words</p>")
    CommentFactory(work=work, parent=parent, text="<p>A reply</p>")
    signed_in(creator_of(work)).post(reverse("social:delete_comment", args=[parent.pk]))
    html = page_text(Client().get(work.get_absolute_url()))
    assert "(Previous comment deleted.)" in html
    assert "Original words" not in html
    assert "A reply" in html


def test_a_reader_cannot_delete_someone_elses_comment() -> None:
    comment = CommentFactory()
    response = signed_in().post(reverse("social:delete_comment", args=[comment.pk]))
    assert response.status_code == 403
    assert Comment.objects.exists()


def test_comments_from_muted_users_are_hidden_and_not_counted() -> None:
    work = WorkFactory()
    viewer, troll = UserFactory(), UserFactory(username="troll")
    muted_comment = CommentFactory(work=work, user=troll, text="<p>Muted words</p>")
    CommentFactory(work=work, parent=muted_comment, text="<p>Reply to muted</p>")
    CommentFactory(work=work, text="<p>Kind words</p>")
    mute(viewer, troll)
    html = page_text(signed_in(viewer).get(work.get_absolute_url()))
    assert "Muted words" not in html
    assert "Reply to muted" not in html
    assert "Comments (1)" in html


def test_comments_are_rate_limited_per_account() -> None:
    work = WorkFactory()
    client = signed_in()
    for _ in range(COMMENT_LIMIT_PER_ACCOUNT):
        assert client.post(comment_url(work), guarded({"text": "Hi"})).status_code == 302
    response = client.post(comment_url(work), guarded({"text": "One too many"}))
    assert "too many comments" in page_text(response, status=429)
    assert Comment.objects.count() == COMMENT_LIMIT_PER_ACCOUNT


def test_guest_comments_are_limited_per_address_and_a_refusal_saves_nothing(
    clock: FakeClock,
) -> None:
    work = WorkFactory()
    guest = {"guest_name": "Pat", "guest_email": "p@x.org"}
    codes = [
        Client().post(comment_url(work), guarded({"text": f"Hi {n}", **guest})).status_code
        for n in range(COMMENT_LIMIT_PER_ADDRESS + 1)
    ]
    assert codes == [302] * COMMENT_LIMIT_PER_ADDRESS + [429]
    refused = Client().post(comment_url(work), guarded({"text": "Kept for later", **guest}))
    text = page_text(refused, status=429)
    assert "too many comments in a short time. Please try again in 6 minutes" in text
    assert "Kept for later" in text  # the comment is given back to copy
    assert refused["Retry-After"] == "330"
    assert Comment.objects.count() == COMMENT_LIMIT_PER_ADDRESS
    other_address = Client(REMOTE_ADDR="10.3.3.3")
    assert (
        other_address.post(comment_url(work), guarded({"text": "Hi", **guest})).status_code == 302
    )


def test_creator_gets_inbox_item_and_email_for_a_comment(
    django_capture_on_commit_callbacks: Any,
) -> None:
    work = WorkFactory()
    creator = creator_of(work)
    client = signed_in(UserFactory(username="fan"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(work), guarded({"text": "Hi"}))
    item = InboxItem.objects.get(recipient=creator)
    assert item.kind == InboxKind.COMMENT
    assert item.text == f"fan left a comment on {work.title}"
    assert [m.to for m in mail.outbox] == [[creator.email]]


def test_reply_notifies_the_parent_commenter() -> None:
    work = WorkFactory()
    first = UserFactory()
    parent = CommentFactory(work=work, user=first)
    signed_in().post(comment_url(work), guarded({"text": "Agreed", "parent_id": parent.pk}))
    assert InboxItem.objects.filter(recipient=first, kind=InboxKind.REPLY).exists()


def test_moderated_work_holds_comments_until_the_creator_approves() -> None:
    work = WorkFactory(moderated_comments=True)
    signed_in().post(comment_url(work), guarded({"text": "Hidden for now"}))
    comment = Comment.objects.get()
    assert not comment.is_approved
    assert "Hidden for now" not in page_text(Client().get(work.get_absolute_url()))
    signed_in(creator_of(work)).post(reverse("social:approve_comment", args=[comment.pk]))
    assert "Hidden for now" in page_text(Client().get(work.get_absolute_url()))


def test_unreviewed_comment_is_hidden_from_other_readers() -> None:
    work = WorkFactory()
    CommentFactory(work=work, text="<p>Already approved</p>")
    CommentFactory(work=work, unreviewed=True, text="<p>Waiting</p>")
    html = page_text(Client().get(work.get_absolute_url()))
    assert "Already approved" in html
    assert "Waiting" not in html


def test_unreviewed_comment_is_shown_to_the_creator_with_approve() -> None:
    work = WorkFactory()
    comment = CommentFactory(work=work, unreviewed=True, text="<p>Waiting</p>")
    html = page_text(signed_in(creator_of(work)).get(work.get_absolute_url()))
    assert "Waiting" in html
    assert reverse("social:approve_comment", args=[comment.pk]) in html


def test_creator_approves_an_unreviewed_comment() -> None:
    work = WorkFactory()
    comment = CommentFactory(work=work, unreviewed=True)
    signed_in(creator_of(work)).post(reverse("social:approve_comment", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_approved


def test_reply_page_of_a_comment_on_a_restricted_work_is_404_for_guests() -> None:
    comment = CommentFactory(work=WorkFactory(restricted=True))
    assert Client().get(reverse("social:reply", args=[comment.pk])).status_code == 404


def test_deleting_the_last_reply_removes_a_deleted_placeholder() -> None:
    work = WorkFactory()
    parent = CommentFactory(work=work, is_deleted=True, text="")
    replier = UserFactory()
    reply = CommentFactory(work=work, parent=parent, user=replier)
    signed_in(replier).post(reverse("social:delete_comment", args=[reply.pk]))
    assert not Comment.objects.exists()


def test_reply_to_a_guest_comment_mails_the_guest(django_capture_on_commit_callbacks: Any) -> None:
    work = WorkFactory()
    parent = CommentFactory(work=work, guest=True)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in().post(comment_url(work), guarded({"text": "Thanks!", "parent_id": parent.pk}))
    assert any(m.to == ["v@example.org"] for m in mail.outbox)


def test_creator_is_not_told_of_comments_from_someone_they_muted() -> None:
    work = WorkFactory()
    troll = UserFactory()
    mute(creator_of(work), troll)
    signed_in(troll).post(comment_url(work), guarded({"text": "Hi"}))
    assert Comment.objects.exists()
    assert not InboxItem.objects.exists()


def test_entire_work_view_shows_comments_of_every_chapter() -> None:
    work = WorkFactory(chapters=2)
    first, second = work.chapters.order_by("position")
    CommentFactory(work=work, chapter=first, text="<p>On the first</p>")
    CommentFactory(work=work, chapter=second, text="<p>On the second</p>")
    html = page_text(Client().get(work.get_absolute_url() + "?view_full_work=true"))
    assert "On the first" in html
    assert "On the second" in html
    assert "Post Comment on Chapter 2" in html


def test_chapter_page_shows_only_that_chapters_comments() -> None:
    work = WorkFactory(chapters=2)
    first, second = work.chapters.order_by("position")
    CommentFactory(work=work, chapter=first, text="<p>On the first</p>")
    CommentFactory(work=work, chapter=second, text="<p>On the second</p>")
    html = page_text(Client().get(second.get_absolute_url()))
    assert "On the second" in html
    assert "On the first" not in html


def test_user_blocked_by_a_commenter_cannot_reply_to_them() -> None:
    work = WorkFactory()
    commenter, reader = UserFactory(), UserFactory()
    parent = CommentFactory(work=work, user=commenter)
    block(commenter, reader)
    response = signed_in(reader).post(
        comment_url(work), guarded({"text": "Hey", "parent_id": parent.pk})
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_work_page_queries_do_not_grow_with_the_number_of_comments(
    django_assert_max_num_queries: Any,
) -> None:
    work = WorkFactory()
    creator = creator_of(work)
    client = signed_in(creator)
    CommentFactory(work=work)
    with django_assert_max_num_queries(100) as few:
        client.get(work.get_absolute_url())
    CommentFactory.create_batch(10, work=work)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(work.get_absolute_url())


@pytest.mark.parametrize("parent_id", ["²", "9" * 25, "0", "abc"])
def test_reply_to_an_impossible_parent_id_is_404_and_posts_nothing(parent_id: str) -> None:
    work = WorkFactory()
    response = signed_in().post(comment_url(work), guarded({"text": "Hi", "parent_id": parent_id}))
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_empty_parent_id_posts_a_top_level_comment() -> None:
    work = WorkFactory()
    signed_in().post(comment_url(work), guarded({"text": "Hi", "parent_id": ""}))
    assert Comment.objects.get().parent is None


def test_guest_email_longer_than_the_column_is_a_form_error() -> None:
    work = WorkFactory()
    response = Client().post(
        comment_url(work),
        guarded({"text": "Hi", "guest_name": "Pat", "guest_email": email_of_length(300)}),
    )
    assert "at most 254 characters" in page_text(response, status=400)
    assert not Comment.objects.exists()


def test_guest_comment_images_never_reach_readers_browsers() -> None:
    work = WorkFactory()
    Client().post(
        comment_url(work),
        guarded(
            {
                "text": '<p>Nice<img src="https://tracker.example/pixel.gif"></p>',
                "guest_name": "Pat",
                "guest_email": "p@x.org",
            }
        ),
    )
    assert Comment.objects.get().text == "<p>Nice</p>"
    html = page_text(Client().get(work.get_absolute_url()))
    assert "Nice" in html
    assert "tracker.example" not in html


def test_member_comment_images_are_stripped_too() -> None:
    work = WorkFactory()
    signed_in().post(
        comment_url(work), guarded({"text": '<p>Hi <img src="https://e.org/a.png"></p>'})
    )
    assert "<img" not in Comment.objects.get().text


def test_a_comment_saved_with_an_image_before_the_rule_shows_without_it() -> None:
    work = WorkFactory()
    CommentFactory(
        work=work, text='<p>Old<img src="https://tracker.example/p.gif"></p>', sanitizer_version=1
    )
    html = page_text(Client().get(work.get_absolute_url()))
    assert "Old" in html
    assert "tracker.example" not in html


def test_a_notification_about_a_work_whose_stored_title_has_a_newline_is_mailed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Saved before forms folded titles (or by an admin): the mail must still go out.
    work = WorkFactory(title="Broken\r\nTitle")
    creator = creator_of(work)
    creator.email = "creator@example.org"
    creator.save()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in().post(comment_url(work), guarded({"text": "Hi"}))
    sent = [m for m in mail.outbox if m.to == ["creator@example.org"]]
    assert len(sent) == 1
    assert "Broken Title" in sent[0].subject
    assert "\n" not in sent[0].subject


def test_a_guest_reply_mail_about_a_title_with_a_newline_is_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    work = WorkFactory(title="Line\nbreak")
    parent = CommentFactory(work=work, guest=True)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in().post(comment_url(work), guarded({"text": "Thanks!", "parent_id": parent.pk}))
    sent = [m for m in mail.outbox if m.to == ["v@example.org"]]
    assert len(sent) == 1
    assert "Line break" in sent[0].subject


def test_a_guest_name_is_folded_into_one_line() -> None:
    work = WorkFactory()
    Client().post(
        comment_url(work),
        guarded({"text": "Hi", "guest_name": "Pat\r\nSmith", "guest_email": "p@x.org"}),
    )
    assert Comment.objects.get().guest_name == "Pat Smith"


def test_a_guest_name_with_control_characters_is_refused() -> None:
    work = WorkFactory()
    response = Client().post(
        comment_url(work),
        guarded({"text": "Hi", "guest_name": "Pat\x1b[31m", "guest_email": "p@x.org"}),
    )
    assert "control characters" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_over_the_limit_is_refused_with_the_limit_and_its_length() -> None:
    work = WorkFactory()
    response = signed_in().post(comment_url(work), guarded({"text": "x" * 10_001}))
    html = response.content.decode()
    assert "Comments can be up to 10,000 characters long (yours has 10,001)" in html
    assert "x" * 10_001 in html  # the text comes back to be shortened, not lost
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_the_limit_counts_line_breaks_once() -> None:
    work = WorkFactory()
    text = ("a" * 99 + "\r\n") * 100  # 10,000 characters as the reader sees them
    signed_in().post(comment_url(work), guarded({"text": text}))
    assert Comment.objects.exists()


def test_the_comment_box_states_its_limit_and_is_never_cut_by_the_browser() -> None:
    work = WorkFactory()
    html = Client().get(work.get_absolute_url()).content.decode()
    box = html.split('name="text"', 1)[1].split(">", 1)[0]
    assert "maxlength" not in box
    assert 'data-char-limit="10000"' in box
    assert "Up to 10,000 characters." in html
    assert "char-limit.js" in html

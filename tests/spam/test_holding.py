"""Guest comments and new members' posts that look like spam are held for moderation:
seen by their author and moderators only, never counted nor announced (core/spam.py,
social/spam_checks.py, works/trust.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.models import BlockedEmailDomain, BlockedNetwork
from ficshelf.core.spam import SpamState, count_links
from ficshelf.social.models import Comment, InboxItem
from ficshelf.social.spam_checks import BURST_LIMIT
from ficshelf.social.trust import is_trusted
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import guarded, page_text
from tests.social.factories import CommentFactory, creator_of, work_by

pytestmark = pytest.mark.django_db

LINK_LIST = (
    "<p>" + " ".join(f'<a href="https://shop{n}.example/">buy</a>' for n in range(4)) + "</p>"
)
GUEST = {"guest_name": "Pat", "guest_email": "pat@example.org"}


def comment_url(work: Work) -> str:
    chapter = work.chapters.first()
    assert chapter is not None
    return reverse("social:post_comment", args=[work.pk, chapter.pk])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_links_are_counted_in_html_and_in_plain_text() -> None:
    assert count_links('<p><a href="https://a.example/">https://a.example/</a></p>') == 1
    assert count_links("see www.a.example and https://b.example/x") == 2
    assert count_links(LINK_LIST) == 4
    assert count_links("<p>No links here.</p>") == 0


def test_a_guests_link_list_is_held_seen_by_nobody_else_and_not_counted() -> None:
    work = WorkFactory()
    guest = Client()
    response = guest.post(comment_url(work), guarded({"text": LINK_LIST, **GUEST}), follow=True)
    assert "held for moderation" in page_text(response)
    comment = Comment.objects.get()
    assert comment.spam_state == SpamState.HELD and "4 links" in comment.held_because
    work.refresh_from_db()
    assert work.comments_count == 0
    assert not InboxItem.objects.exists()  # the creator hears of it only once approved
    for viewer in (Client(), signed_in(UserFactory()), signed_in(creator_of(work))):
        assert "shop0.example" not in viewer.get(work.get_absolute_url()).content.decode()
    admin = signed_in(UserFactory(is_staff=True, is_superuser=True))
    page = page_text(admin.get(work.get_absolute_url()))
    assert "shop0.example" in page and "Held for moderation" in page


def test_a_guests_comment_with_a_link_or_two_is_published() -> None:
    work = WorkFactory()
    text = '<p>Loved it, and the <a href="https://fanart.example/1">fan art</a> too.</p>'
    Client().post(comment_url(work), guarded({"text": text, **GUEST}))
    assert Comment.objects.get().spam_state == SpamState.CLEAR
    work.refresh_from_db()
    assert work.comments_count == 1


def test_a_new_members_held_comment_is_shown_to_them_with_a_note() -> None:
    work = WorkFactory()
    member = UserFactory()
    signed_in(member).post(comment_url(work), guarded({"text": LINK_LIST}))
    comment = Comment.objects.get()
    assert comment.spam_state == SpamState.HELD
    page = page_text(signed_in(member).get(work.get_absolute_url()))
    assert "shop0.example" in page and "Held for moderation" in page
    assert "shop0.example" not in Client().get(work.get_absolute_url()).content.decode()
    assert signed_in(UserFactory()).get(f"/comments/{comment.pk}/").status_code == 404


def test_a_trusted_member_may_post_many_links() -> None:
    work = WorkFactory()
    member = UserFactory(trusted_at=timezone.now())
    signed_in(member).post(comment_url(work), guarded({"text": LINK_LIST}))
    assert Comment.objects.get().spam_state == SpamState.CLEAR


def test_trust_comes_after_enough_posts_have_stood_for_a_week() -> None:
    member = UserFactory()
    CommentFactory.create_batch(3, user=member)
    assert not is_trusted(member)
    Comment.objects.filter(user=member).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert is_trusted(member)
    member.refresh_from_db()
    assert member.trusted_at is not None


def test_posts_marked_spam_do_not_count_toward_trust() -> None:
    member = UserFactory()
    CommentFactory.create_batch(3, user=member, spam_state=SpamState.SPAM)
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert not is_trusted(member)


def test_a_comment_from_a_blocked_network_is_held() -> None:
    BlockedNetwork.objects.create(network="203.0.113.0/24")
    work = WorkFactory()
    blocked = Client(REMOTE_ADDR="203.0.113.9")
    blocked.post(comment_url(work), guarded({"text": "<p>Hello.</p>", **GUEST}))
    Client(REMOTE_ADDR="198.51.100.1").post(
        comment_url(work), guarded({"text": "<p>Hello too.</p>", **GUEST})
    )
    states = dict(Comment.objects.values_list("text", "spam_state"))
    assert states == {"<p>Hello.</p>": SpamState.HELD, "<p>Hello too.</p>": SpamState.CLEAR}
    assert Comment.objects.get(spam_state=SpamState.HELD).held_because == (
        "sent from a blocked address"
    )


def test_repeated_long_text_is_held_but_short_praise_is_not() -> None:
    work = WorkFactory()
    pitch = "<p>" + "Earn money from home with this one simple trick today! " * 2 + "</p>"
    for n in range(2):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            comment_url(work), guarded({"text": pitch, **GUEST})
        )
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(
            comment_url(work), guarded({"text": "<p>Loved it!</p>", **GUEST})
        )
    held = Comment.objects.filter(spam_state=SpamState.HELD)
    assert list(held.values_list("text", flat=True)) == [pitch]


def test_a_burst_from_one_address_is_held_after_the_first_few() -> None:
    work = WorkFactory()
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(BURST_LIMIT + 2):
        client.post(comment_url(work), guarded({"text": f"<p>Thought {n}.</p>", **GUEST}))
    states = list(Comment.objects.order_by("pk").values_list("spam_state", flat=True))
    assert states == [SpamState.CLEAR] * BURST_LIMIT + [SpamState.HELD] * 2


def test_sign_up_is_refused_from_a_blocked_email_domain(client: Client) -> None:
    BlockedEmailDomain.objects.create(domain="Spam.Example")
    data = {
        "username": "newreader",
        "email": "someone@mail.spam.example",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
        "is_at_least_13": "on",
        "accepts_terms": "on",
    }
    response = client.post(reverse("accounts:signup"), guarded(data))
    assert "does not accept sign-ups from that email domain" in page_text(response)
    assert not User.objects.filter(username="newreader").exists()
    data["email"] = "someone@example.org"
    assert client.post(reverse("accounts:signup"), guarded(data)).status_code == 302


def _work_form(summary: str) -> dict[str, object]:
    from tests.works.factories_posting import work_form_data

    return work_form_data(title="Links Galore", summary=summary)


def test_a_new_members_work_full_of_links_is_held() -> None:
    member = UserFactory()
    client = signed_in(member)
    response = client.post("/works/new/", _work_form(LINK_LIST))
    assert response.status_code == 302, response.content.decode()[:2000]
    work = Work.objects.get(title="Links Galore")
    assert work.is_posted and work.spam_state == SpamState.HELD
    assert not Work.objects.visible_to(None).filter(pk=work.pk).exists()
    assert not Work.objects.visible_to(UserFactory()).filter(pk=work.pk).exists()
    page = page_text(client.get(work.get_absolute_url()))
    assert "held for moderation" in page
    assert Client().get(work.get_absolute_url()).status_code == 404


def test_a_trusted_members_work_with_links_is_posted() -> None:
    member = UserFactory(trusted_at=timezone.now())
    client = signed_in(member)
    client.post("/works/new/", _work_form(LINK_LIST))
    work = Work.objects.get(title="Links Galore")
    assert work.spam_state == SpamState.CLEAR
    assert Client().get(work.get_absolute_url()).status_code == 200


def test_a_chapter_full_of_links_holds_a_new_members_work() -> None:
    from ficshelf.works.actions import ChapterData, add_chapter

    member = UserFactory()
    work = work_by(member)
    add_chapter(work, ChapterData(text=LINK_LIST), post=True)
    work.refresh_from_db()
    assert work.spam_state == SpamState.HELD


def test_a_held_works_subscribers_hear_of_it_only_when_approved() -> None:
    from ficshelf.moderation.spam_actions import approve
    from ficshelf.social.models import Subscription

    member, fan = UserFactory(), UserFactory()
    Subscription.objects.create(user=fan, creator=member)
    signed_in(member).post("/works/new/", _work_form(LINK_LIST))
    work = Work.objects.get(title="Links Galore")
    assert work.spam_state == SpamState.HELD
    assert not InboxItem.objects.filter(recipient=fan).exists()
    from django.db import transaction

    with transaction.atomic():
        approve(work, actor=UserFactory(is_staff=True))
    assert InboxItem.objects.filter(recipient=fan, work=work).exists()

"""The spam queue (/moderation/spam/): who may open it, approve, spam, spam and suspend,
and "not spam", which brings back exactly what marking the account hid."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.models import AuditEntry
from ficshelf.core.spam import SpamState
from ficshelf.moderation.models import SpamMark
from ficshelf.social.models import Bookmark, Comment, InboxItem
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import BookmarkFactory, CommentFactory, creator_of, work_by

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/spam/"
REASON = "Link spam."


@pytest.fixture
def reviewer() -> User:
    user = UserFactory(username="reviewer")
    user.user_permissions.add(Permission.objects.get(codename="review_spam"))
    return user


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decide(client: Client, kind: str, pk: int, decision: str, reason: str = REASON) -> object:
    return client.post(f"{QUEUE}{kind}/{pk}/", {"decision": decision, "reason": reason})


def held_comment(**kwargs: object) -> Comment:
    return CommentFactory(spam_state=SpamState.HELD, held_because="4 links", **kwargs)


def test_only_spam_reviewers_open_the_queue(reviewer: User) -> None:
    comment = held_comment(text="<p>cheap pills</p>")
    assert Client().get(QUEUE).status_code == 302  # to sign in
    assert as_user(UserFactory()).get(QUEUE).status_code == 403
    assert decide(as_user(UserFactory()), "comment", comment.pk, "approve").status_code == 403
    comment.refresh_from_db()
    assert comment.spam_state == SpamState.HELD
    page = page_text(as_user(reviewer).get(QUEUE))
    assert "cheap pills" in page and "Held: 4 links" in page


def test_approving_publishes_counts_and_announces_the_comment(reviewer: User) -> None:
    comment = held_comment()
    work = comment.work
    assert not InboxItem.objects.exists()
    assert decide(as_user(reviewer), "comment", comment.pk, "approve").status_code == 302
    comment.refresh_from_db()
    work.refresh_from_db()
    assert comment.spam_state == SpamState.CLEAR and comment.reviewed_at is not None
    assert work.comments_count == 1
    assert InboxItem.objects.filter(recipient=creator_of(work)).count() == 1
    entry = AuditEntry.objects.get(action="approve held")
    assert entry.actor == reviewer and entry.target_id == str(comment.pk)


def test_marking_spam_needs_a_reason_and_is_audited(reviewer: User) -> None:
    comment = held_comment()
    client = as_user(reviewer)
    response = decide(client, "comment", comment.pk, "spam", reason=" ")
    assert "Say why" in page_text(client.get(response.url))  # type: ignore[attr-defined]
    comment.refresh_from_db()
    assert comment.spam_state == SpamState.HELD
    assert not AuditEntry.objects.exists()
    decide(as_user(reviewer), "comment", comment.pk, "spam")
    comment.refresh_from_db()
    assert comment.spam_state == SpamState.SPAM
    assert AuditEntry.objects.get(action="mark spam").reason == REASON
    assert "cheap" not in page_text(as_user(reviewer).get(QUEUE))


def test_spam_and_suspend_hides_everything_the_member_posted(reviewer: User) -> None:
    spammer = UserFactory(username="spammer")
    own_work = work_by(spammer)
    other_work = WorkFactory()
    shown = CommentFactory(user=spammer, work=other_work)
    held = held_comment(user=spammer, work=other_work)
    bookmark = BookmarkFactory(user=spammer, work=other_work)
    other_work.refresh_from_db()
    assert (other_work.comments_count, other_work.bookmarks_count) == (1, 1)

    decide(as_user(reviewer), "comment", held.pk, "spam_and_suspend")

    spammer.refresh_from_db()
    assert spammer.is_active and spammer.suspended_now()  # suspended: reads, cannot post
    mark = SpamMark.objects.get(user=spammer, lifted_at__isnull=True)
    assert mark.suspended_until == spammer.suspended_until
    states = {
        "work": Work.objects.get(pk=own_work.pk).spam_state,
        "shown comment": Comment.objects.get(pk=shown.pk).spam_state,
        "held comment": Comment.objects.get(pk=held.pk).spam_state,
        "bookmark": Bookmark.objects.get(pk=bookmark.pk).spam_state,
    }
    assert states == {
        "work": SpamState.SPAMMER,
        "shown comment": SpamState.SPAMMER,
        "held comment": SpamState.SPAM,
        "bookmark": SpamState.SPAMMER,
    }
    other_work.refresh_from_db()
    assert (other_work.comments_count, other_work.bookmarks_count) == (0, 0)
    assert Client().get(own_work.get_absolute_url()).status_code == 404
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "mark spam",
        "mark account spam",
        "suspend",
    }


def test_not_spam_lifts_the_suspension_made_with_the_mark_but_not_a_later_one(
    reviewer: User,
) -> None:
    from ficshelf.accounts.moderation import suspend
    from ficshelf.moderation.spam_actions import lift_account_spam, mark_account_spam

    member = UserFactory(username="misjudged")
    mark_account_spam(member, actor=reviewer, reason=REASON, and_suspend=True)
    member.refresh_from_db()
    assert member.suspended_now()
    lift_account_spam(member, actor=reviewer, reason="Real fan.")
    member.refresh_from_db()
    assert not member.suspended_now()

    other = UserFactory(username="alsoflagged")
    mark_account_spam(other, actor=reviewer, reason=REASON, and_suspend=True)
    later = timezone.now() + datetime.timedelta(days=400)
    suspend(other, until=later, reason="Harassment, separately.", actor=reviewer)
    lift_account_spam(other, actor=reviewer, reason="Not spam after all.")
    other.refresh_from_db()
    assert other.suspended_now() and other.suspended_until == later  # not the spam queue's


def test_not_spam_restores_exactly_what_the_mark_hid(reviewer: User) -> None:
    from ficshelf.moderation.spam_actions import mark_account_spam

    member = UserFactory(username="misjudged")
    kept_work = work_by(member)
    hidden_by_admin = work_by(member, is_hidden_by_admin=True)
    comment = CommentFactory(user=member)
    spam_on_its_own = CommentFactory(user=member, spam_state=SpamState.SPAM)
    mark_account_spam(member, actor=reviewer, reason=REASON)
    assert Work.objects.get(pk=kept_work.pk).spam_state == SpamState.SPAMMER

    response = as_user(reviewer).post(f"{QUEUE}accounts/{member.pk}/", {"reason": "Real fan."})
    assert response.status_code == 302

    assert Work.objects.get(pk=kept_work.pk).spam_state == SpamState.CLEAR
    assert Work.objects.get(pk=hidden_by_admin.pk).is_hidden_by_admin  # hidden for another reason
    assert Comment.objects.get(pk=comment.pk).spam_state == SpamState.CLEAR
    assert Comment.objects.get(pk=spam_on_its_own.pk).spam_state == SpamState.SPAM
    assert SpamMark.objects.get(user=member).lifted_by == reviewer
    assert AuditEntry.objects.filter(action="not spam", reason="Real fan.").exists()


def test_a_guest_has_no_account_to_suspend(reviewer: User) -> None:
    comment = held_comment(user=None, guest_name="Bot", guest_email="b@example.org")
    client = as_user(reviewer)
    response = decide(client, "comment", comment.pk, "spam_and_suspend")
    page = page_text(client.get(response.url))  # type: ignore[attr-defined]
    assert "no account to suspend" in page
    comment.refresh_from_db()
    assert comment.spam_state == SpamState.HELD  # nothing half-done


def test_approving_a_held_work_tells_its_subscribers(reviewer: User) -> None:
    from ficshelf.social.models import Subscription

    author = UserFactory()
    fan = UserFactory()
    Subscription.objects.create(user=fan, creator=author)
    work = work_by(author, spam_state=SpamState.HELD)
    decide(as_user(reviewer), "work", work.pk, "approve")
    work.refresh_from_db()
    assert work.spam_state == SpamState.CLEAR
    assert InboxItem.objects.filter(recipient=fan, work=work).exists()
    assert Client().get(work.get_absolute_url()).status_code == 200


def test_approvals_earn_trust(reviewer: User, settings: pytest.FixtureRequest) -> None:
    member = UserFactory()
    comments = [held_comment(user=member) for _ in range(settings.FICSHELF_SPAM_TRUST_AFTER)]  # type: ignore[attr-defined]
    for comment in comments:
        decide(as_user(reviewer), "comment", comment.pk, "approve")
    member.refresh_from_db()
    assert member.trusted_at is not None

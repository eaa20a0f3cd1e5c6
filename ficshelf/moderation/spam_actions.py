"""The spam queue's actions: approve a held post, mark it spam, mark a member's account
as spam (hiding everything they posted, and suspending them if asked), and lift that mark.

Each is one transaction that saves every changed row through its model (so counts are
recounted, the index queued and kept pages moved on, as for any save) and records an
audit entry. Marking an account hides only what was shown (``CLEAR`` becomes
``SPAMMER``); lifting the mark brings back exactly those (``SPAMMER`` becomes ``CLEAR``),
never a post held, marked spam on its own, or hidden for another reason.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.accounts.moderation import suspend, unsuspend
from ficshelf.core.audit import record
from ficshelf.core.spam import SpamState
from ficshelf.moderation.models import SpamMark
from ficshelf.social.access import creator_user_ids
from ficshelf.social.actions import notify_of_comment
from ficshelf.social.models import Bookmark, Comment
from ficshelf.social.trust import is_trusted
from ficshelf.works.models import Creatorship, Work
from ficshelf.works.signals import work_posted

Post = Work | Comment


class SpamActionRefused(Exception):
    """``str(error)`` is the message to show."""


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise SpamActionRefused("Say why: the reason is kept in the audit log.")
    return reason


def authors(post: Post) -> list[User]:
    """The members a post is by (a guest's comment has none)."""
    if isinstance(post, Comment):
        return [post.user] if post.user is not None else []
    members = Creatorship.objects.filter(work=post, is_approved=True).values("pseud__user_id")
    return list(User.objects.filter(pk__in=members))


@transaction.atomic
def approve(post: Post, *, actor: User, reason: str = "") -> None:
    """Publish a held (or wrongly marked) post; it counts toward its author's trust."""
    if post.spam_state == SpamState.CLEAR:
        raise SpamActionRefused("That is already published.")
    post.spam_state = SpamState.CLEAR
    post.reviewed_at = timezone.now()
    post.save(update_fields=["spam_state", "reviewed_at"])
    record(actor=actor, action="approve held", target=post, reason=reason.strip())
    # Announced now, as it would have been when posted.
    if isinstance(post, Comment):
        if not post.is_deleted:
            notify_of_comment(post, creator_user_ids(post.work))
    elif post.is_posted:
        work_posted.send(sender=Work, work=post)
    for member in authors(post):
        is_trusted(member)  # grants trust once enough of their posts have stood


@transaction.atomic
def mark_spam(post: Post, *, actor: User, reason: str) -> None:
    reason = _required(reason)
    post.spam_state = SpamState.SPAM
    post.save(update_fields=["spam_state"])
    record(actor=actor, action="mark spam", target=post, reason=reason)


@transaction.atomic
def mark_account_spam(member: User, *, actor: User, reason: str, and_suspend: bool = False) -> int:
    """Hide everything ``member`` posted that was shown (works they alone are credited
    on, comments, public bookmarks), take their trust away, and suspend them if asked.
    Returns how many posts were hidden."""
    reason = _required(reason)
    if member.pk == actor.pk or member.is_staff:
        raise SpamActionRefused("Admins' accounts cannot be marked as spam.")
    if SpamMark.objects.filter(user=member, lifted_at__isnull=True).exists():
        raise SpamActionRefused(f"{member.get_username()}'s account is already marked as spam.")
    hidden = 0
    for post in _shown_posts(member):
        post.spam_state = SpamState.SPAMMER
        post.save(update_fields=["spam_state"])
        hidden += 1
    if member.trusted_at is not None:
        member.trusted_at = None
        member.save(update_fields=["trusted_at"])
    until = None
    if and_suspend:
        until = timezone.now() + datetime.timedelta(days=settings.FICSHELF_SPAM_SUSPENSION_DAYS)
        # The suspension is the accounts app's, with its own audit entry.
        suspend(member, until=until, reason=reason, actor=actor)
    SpamMark.objects.create(user=member, reason=reason, marked_by=actor, suspended_until=until)
    record(
        actor=actor,
        action="mark account spam",
        target=member,
        reason=reason,
        details={"hidden": hidden, "suspended_until": until.isoformat() if until else None},
    )
    return hidden


@transaction.atomic
def lift_account_spam(member: User, *, actor: User, reason: str) -> int:
    """ "Not spam": bring back exactly what marking the account hid, and end the suspension
    made with the mark if it is still the member's (not one set since). Returns how many
    posts came back."""
    reason = _required(reason)
    mark = SpamMark.objects.filter(user=member, lifted_at__isnull=True).first()
    if mark is None:
        raise SpamActionRefused(f"{member.get_username()}'s account is not marked as spam.")
    restored = 0
    for post in _hidden_with_account(member):
        post.spam_state = SpamState.CLEAR
        post.save(update_fields=["spam_state"])
        restored += 1
    mark.lifted_at = timezone.now()
    mark.lifted_by = actor
    mark.save(update_fields=["lifted_at", "lifted_by"])
    member.refresh_from_db(fields=["suspended_until"])
    if (
        mark.suspended_until is not None
        and member.suspended_until == mark.suspended_until
        and member.suspended_now()
    ):
        unsuspend(member, reason=reason, actor=actor)
    record(
        actor=actor,
        action="not spam",
        target=member,
        reason=reason,
        details={"restored": restored},
    )
    return restored


def _own_works(member: User) -> list[Work]:
    """Works ``member`` alone is credited on: a co-created work is not theirs to lose."""
    mine = Creatorship.objects.filter(pseud__user=member, is_approved=True).values("work_id")
    others = Creatorship.objects.filter(is_approved=True, pseud__user__isnull=False).exclude(
        pseud__user=member
    )
    return list(
        Work.objects.filter(pk__in=mine).exclude(pk__in=others.values("work_id")).order_by("pk")
    )


def _shown_posts(member: User) -> list[Work | Comment | Bookmark]:
    clear = SpamState.CLEAR
    works = [work for work in _own_works(member) if work.spam_state == clear]
    comments = list(Comment.objects.filter(user=member, spam_state=clear).order_by("pk"))
    bookmarks = list(
        Bookmark.objects.filter(user=member, is_private=False, spam_state=clear).order_by("pk")
    )
    return [*works, *comments, *bookmarks]


def _hidden_with_account(member: User) -> list[Work | Comment | Bookmark]:
    hidden = SpamState.SPAMMER
    works = [work for work in _own_works(member) if work.spam_state == hidden]
    comments = list(Comment.objects.filter(user=member, spam_state=hidden).order_by("pk"))
    bookmarks = list(Bookmark.objects.filter(user=member, spam_state=hidden).order_by("pk"))
    return [*works, *comments, *bookmarks]

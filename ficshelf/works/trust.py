"""Which members' works skip the spam defence's link limit, and holding the others' works.

A member is trusted (``User.trusted_at``) once ``FICSHELF_SPAM_TRUST_AFTER`` of their posts
have stood: each approved by a moderator from the spam queue, or published, never held nor
marked spam, for ``TRUST_AGE``. This app counts works; the social app, above it, counts
comments and works together (``social.trust``). Admins are always trusted. Trust is a
state, not a count: once earned it is kept (marking the account as spam takes it away).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState, count_links
from ficshelf.works.models import NOT_WITHHELD, Creatorship, Work

TRUST_AGE = datetime.timedelta(days=7)


def stood(now: datetime.datetime | None = None) -> Q:
    """Posts that count toward trust: approved by a moderator, or a week old."""
    now = now or timezone.now()
    return Q(reviewed_at__isnull=False) | Q(created_at__lt=now - TRUST_AGE)


def works_that_stood(user: User) -> int:
    own = Creatorship.objects.filter(pseud__user=user, is_approved=True).values("work_id")
    return Work.objects.filter(NOT_WITHHELD, stood(), pk__in=own, is_posted=True).count()


def grant_trust(user: User) -> None:
    user.trusted_at = timezone.now()
    user.save(update_fields=["trusted_at"])


def is_trusted(user: User) -> bool:
    """Whether ``user``'s posts skip the link limit; grants trust once earned by works."""
    if user.is_staff or user.trusted_at is not None:
        return True
    if works_that_stood(user) >= settings.FICSHELF_SPAM_TRUST_AFTER:
        grant_trust(user)
        return True
    return False


def hold_if_linky(work: Work) -> bool:
    """Hold ``work`` for moderation when none of its credited members is trusted and its
    posted text has more links than the limit (called as it or a chapter is posted, in
    that transaction). Returns whether it is held now."""
    if work.spam_state != SpamState.CLEAR:
        return work.spam_state == SpamState.HELD
    members = User.objects.filter(
        pk__in=Creatorship.objects.filter(work=work, is_approved=True).values("pseud__user_id")
    )
    if not members or any(is_trusted(member) for member in members):
        return False
    texts = [work.summary, work.notes, work.end_notes]
    for chapter in work.chapters.filter(is_posted=True).only(
        "summary", "notes", "end_notes", "text"
    ):
        texts += [chapter.summary, chapter.notes, chapter.end_notes, chapter.text]
    links = count_links(*texts)
    if links <= settings.FICSHELF_SPAM_LINK_LIMIT:
        return False
    work.spam_state = SpamState.HELD
    work.held_because = f"{links} links from a new member"
    work.save(update_fields=["spam_state", "held_because"])
    return True

"""A member's trust, counted over comments and works together (``works.trust`` says the
rule; the works app, below this one, counts works alone)."""

from __future__ import annotations

from django.conf import settings

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.social.models import Comment
from ficshelf.works import trust as work_trust


def is_trusted(user: User) -> bool:
    if work_trust.is_trusted(user):
        return True
    comments = Comment.objects.filter(
        work_trust.stood(), user=user, spam_state=SpamState.CLEAR, is_deleted=False
    ).count()
    if comments + work_trust.works_that_stood(user) >= settings.FICSHELF_SPAM_TRUST_AFTER:
        work_trust.grant_trust(user)
        return True
    return False

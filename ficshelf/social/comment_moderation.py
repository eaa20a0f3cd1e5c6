"""What a work's creators, and the moderators of a collection it is in, do to its comments
(AO3's comment moderation): hide and unhide a comment, freeze and unfreeze a thread.
Deleting is ``social.actions.delete_comment``, which the same people may use.

A hidden comment is seen by its author, the work's creators, those moderators and admins,
marked hidden; it is not counted (``Comment.objects.public``). A frozen comment and every
reply under it take no more replies. Each change is saved through the model, so the
work's count is recounted and its kept pages move on, in one transaction with an audit
entry naming who did it.
"""

from __future__ import annotations

from django.db import transaction

from ficshelf.accounts.models import User
from ficshelf.core.audit import record
from ficshelf.social.access import comment_moderator_ids
from ficshelf.social.models import Comment


class ModerationRefused(Exception):
    """``str(error)`` is the message to show."""


def may_moderate(user: User | None, comment: Comment) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.pk in comment_moderator_ids(comment.work, user)


def _check(comment: Comment, actor: User) -> None:
    if comment.is_deleted or not may_moderate(actor, comment):
        raise ModerationRefused("Sorry, only the work's creators and moderators can do that.")


@transaction.atomic
def set_hidden(comment: Comment, *, hidden: bool, actor: User) -> Comment:
    _check(comment, actor)
    if comment.is_hidden != hidden:
        comment.is_hidden = hidden
        comment.save(update_fields=["is_hidden"])
        record(actor=actor, action="hide comment" if hidden else "unhide comment", target=comment)
    return comment


@transaction.atomic
def set_frozen(comment: Comment, *, frozen: bool, actor: User) -> int:
    """Freeze or unfreeze ``comment``'s thread: it and every reply under it. Returns how
    many comments changed."""
    _check(comment, actor)
    changed = 0
    for each in [comment, *_replies_under(comment)]:
        if each.is_frozen != frozen:
            each.is_frozen = frozen
            each.save(update_fields=["is_frozen"])
            changed += 1
    if changed:
        action = "freeze thread" if frozen else "unfreeze thread"
        record(actor=actor, action=action, target=comment, details={"comments": changed})
    return changed


def _replies_under(comment: Comment) -> list[Comment]:
    found: list[Comment] = []
    level = [comment.pk]
    while level:
        replies = list(Comment.objects.filter(parent_id__in=level))
        found += replies
        level = [reply.pk for reply in replies]
    return found

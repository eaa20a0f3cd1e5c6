"""A work's comments as threads: each top-level comment with its replies, and what the reader
may do with each (edit, delete, approve, hide and freeze)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ficshelf.social.access import may_delete_comment, may_edit_comment
from ficshelf.social.models import Comment


@dataclass
class CommentNode:
    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    may_edit: bool = False
    may_delete: bool = False
    may_approve: bool = False
    may_moderate: bool = False  # hide, freeze (the work's creators, its collections' moderators)


def comment_threads(
    comments: list[Comment],
    user: Any,
    creators: Collection[int],
    moderators: Collection[int] | None = None,
) -> tuple[list[CommentNode], int]:
    """Threads from a flat list, as ``user`` (the reader) may act on them; replies whose
    parent is not shown (muted) are not shown. ``moderators``: who moderates these comments
    (``comment_moderator_ids``; the creators when not given). Returns the top-level nodes
    and how many comments they show, deleted placeholders aside."""
    moderators = set(creators if moderators is None else moderators)
    is_creator = user.is_authenticated and user.pk in creators
    moderates = user.is_authenticated and (user.is_staff or user.pk in moderators)
    nodes = {
        c.pk: CommentNode(
            comment=c,
            may_edit=may_edit_comment(user, c),
            may_delete=may_delete_comment(user, c, moderators),
            may_approve=not c.is_approved and is_creator,
            may_moderate=moderates and not c.is_deleted,
        )
        for c in comments
    }
    roots: list[CommentNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)

    shown = 0

    def count(node: CommentNode) -> None:
        nonlocal shown
        shown += 0 if node.comment.is_deleted else 1
        for reply in node.replies:
            count(reply)

    for root in roots:
        count(root)
    return roots, shown

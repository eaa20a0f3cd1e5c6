"""Inbox notices about collections and the challenges run on them: who runs a collection,
and one way to tell people (in their inbox now, by mail in the next digest)."""

from __future__ import annotations

from collections.abc import Iterable

from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works.collection_models import MODERATING_ROLES, Collection, CollectionParticipant
from ficshelf.works.models import Work


def moderator_ids(collection: Collection) -> set[int]:
    """Its owners and moderators, and its parent's (who moderate it too)."""
    running = [collection.pk] + ([collection.parent_id] if collection.parent_id else [])
    return set(
        CollectionParticipant.objects.filter(
            collection_id__in=running, role__in=MODERATING_ROLES
        ).values_list("user_id", flat=True)
    )


def tell(user_ids: Iterable[int | None], text: str, link: str, *, work: Work | None = None) -> None:
    """One notice to each of ``user_ids``. About ``work`` when given, so the inbox shows it
    only while the recipient may see that work (an unrevealed gift waits for the reveal)."""
    InboxItem.objects.bulk_create(
        InboxItem(
            recipient_id=user_id,
            work=work,
            kind=InboxKind.COLLECTION,
            text=text[:500],
            link=link,
            awaits_digest=True,
        )
        for user_id in sorted({u for u in user_ids if u is not None})
    )

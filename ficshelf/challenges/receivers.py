"""A gift posted to an exchange's collection fulfils its assignment: checked when a work
joins the collection (or the collection approves it) and when a work in it is posted."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from ficshelf.challenges.actions import fulfil_with
from ficshelf.challenges.models import Assignment
from ficshelf.works.collection_models import CollectionItem
from ficshelf.works.models import Work
from ficshelf.works.signals import ItemEvent, collection_item_changed, gift_owed, work_posted


@receiver(collection_item_changed)
def _item_changed(sender: Any, item: CollectionItem, event: str, **kwargs: Any) -> None:
    joined = (ItemEvent.ADDED, ItemEvent.CREATOR_APPROVED, ItemEvent.COLLECTION_APPROVED)
    if event in joined and item.is_approved and item.work.is_posted:
        fulfil_with(item.work_id, item.collection)


@receiver(work_posted)
def _work_posted(sender: Any, work: Work, **kwargs: Any) -> None:
    for item in CollectionItem.objects.approved().filter(work=work).select_related("collection"):
        fulfil_with(work.pk, item.collection)


@receiver(gift_owed)
def _gift_owed(sender: Any, writer: Any, recipient_ids: set[int], **kwargs: Any) -> set[int]:
    """Members who refuse gifts still get the gift the writer was assigned to write them
    (AO3 lets challenge gifts through the same way)."""
    if not recipient_ids:
        return set()
    assigned = Assignment.objects.filter(
        Q(giver__user=writer) | Q(pinch_hitter=writer),
        sent_at__isnull=False,
        recipient__user_id__in=recipient_ids,
    )
    return set(assigned.values_list("recipient__user_id", flat=True))

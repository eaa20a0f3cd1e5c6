"""A fill counts when its work is in the prompt meme's collection: at once, or when the
moderators approve it (or its creator accepts an invitation) later."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.challenges.prompt_memes import count_fills
from ficshelf.works.collection_models import CollectionItem
from ficshelf.works.signals import ItemEvent, collection_item_changed

_JOINED = (ItemEvent.ADDED, ItemEvent.CREATOR_APPROVED, ItemEvent.COLLECTION_APPROVED)


@receiver(collection_item_changed)
def _item_changed(sender: Any, item: CollectionItem, event: str, **kwargs: Any) -> None:
    if event in _JOINED and item.is_approved:
        count_fills(item.work_id, item.collection)

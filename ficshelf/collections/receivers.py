"""Who hears of what happens to a collection's works (in their inbox, by mail in the next
digest), on the works app's signals, in the same transaction as the change.

No notice names a work's creators: in an anonymous collection that would undo the point,
and elsewhere the recipients can read the byline themselves. Each notice is about its work,
so the inbox checks again that the recipient may see it when it is shown or mailed.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.collections.notices import moderator_ids, tell
from ficshelf.social.actions import notify_subscribers_of_new_work
from ficshelf.works.collection_models import (
    Collection,
    CollectionItem,
)
from ficshelf.works.models import Creatorship, Work
from ficshelf.works.signals import ItemEvent, collection_item_changed, collection_revealed


@receiver(collection_item_changed)
def _item_changed(
    sender: Any, item: CollectionItem, actor: User, event: str, **kwargs: Any
) -> None:
    collection, work = item.collection, item.work
    name = f"“{work.title}”"
    review = reverse("collections:items", args=[collection.name])
    answers = reverse("collections:my_items")
    if event == ItemEvent.ADDED:
        if item.creator_approval != "approved":
            tell(
                creators_of(work) - {actor.pk},
                f"{collection.title} invited your work {name}. Say yes or no on your "
                "collection items page.",
                answers,
                work=work,
            )
        elif item.collection_approval != "approved":
            tell(
                moderator_ids(collection) - {actor.pk},
                f"{name} was submitted to {collection.title} and waits for approval.",
                review,
                work=work,
            )
    elif event in (ItemEvent.CREATOR_APPROVED, ItemEvent.CREATOR_REJECTED):
        answer = "accepted" if event == ItemEvent.CREATOR_APPROVED else "declined"
        tell(
            moderator_ids(collection) - {actor.pk},
            f"The invitation of {name} to {collection.title} was {answer}.",
            review,
            work=work,
        )
    elif event in (ItemEvent.COLLECTION_APPROVED, ItemEvent.COLLECTION_REJECTED):
        answer = "approved" if event == ItemEvent.COLLECTION_APPROVED else "declined"
        tell(
            creators_of(work) - {actor.pk},
            f"{collection.title} {answer} your work {name}.",
            answers,
            work=work,
        )
    elif event == ItemEvent.REMOVED:
        tell(
            creators_of(work) - {actor.pk},
            f"Your work {name} was taken out of {collection.title}.",
            answers,
            work=work,
        )


@receiver(collection_revealed)
def _revealed(
    sender: Any,
    collection: Collection,
    work_ids: list[int],
    **kwargs: Any,
) -> None:
    # ``creators_of``: works whose creators are now named.
    named: list[int] = kwargs.get("creators_of", [])
    for work in Work.objects.filter(pk__in=sorted(set(work_ids) | set(named))):
        what = "revealed" if work.pk in work_ids else "now shows you as its creator"
        tell(
            creators_of(work),
            f"Your work “{work.title}” in {collection.title} is {what}.",
            work.get_absolute_url(),
            work=work,
        )
        # Subscribers hear of it now, as of a new work (each only if they may see it).
        notify_subscribers_of_new_work(work)


def creators_of(work: Work) -> set[int]:
    credits = Creatorship.objects.filter(work=work, is_approved=True, pseud__user__isnull=False)
    return {user_id for user_id in credits.values_list("pseud__user_id", flat=True) if user_id}

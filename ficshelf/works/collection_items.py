"""Works joining and leaving collections, both sides' answers, and revealing: the one path
for every change of a work's collection items.

Each action is one transaction that writes the items, keeps the work's two collection
states (``Work.in_unrevealed_collection``, ``Work.in_anonymous_collection``) in step with
them, and queues the works for the index (which also moves the kept pages' keys): an item
saved or deleted queues its work through ``search.signals``, and a state change saves the
work. The collections app calls these, then tells people (its inbox notices).

Who may do what, as AO3:
- a creator adds their own work; it is in the collection at once, or waits for the
  moderators when the collection is moderated (or closed: only moderators add then);
- a moderator invites a work; it waits for one of its creators to say yes;
- either side may answer, and either may take the work out again;
- moderators reveal the works (and, separately, their creators) of an unrevealed or
  anonymous collection; the worker does it at the collection's reveal time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ficshelf.works.collection_models import (
    MODERATING_ROLES,
    Approval,
    Collection,
    CollectionItem,
    CollectionParticipant,
    Role,
)
from ficshelf.works.models import Creatorship, Work
from ficshelf.works.signals import (
    ItemEvent,
    collection_item_changed,
    collection_revealed,
    works_changed,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


class CollectionRefused(Exception):
    """A change of a collection's works that was not made; the message says why."""


# --- Who is who --------------------------------------------------------------------------


def role_of(user: User | AnonymousUser | None, collection: Collection) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    participant = CollectionParticipant.objects.filter(collection=collection, user=user).first()
    return participant.role if participant else None


def moderates(user: User | AnonymousUser | None, collection: Collection) -> bool:
    """Owners and moderators run a collection; admins may always step in. A
    subcollection's parent's moderators moderate it too (AO3)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    running = [collection.pk] + ([collection.parent_id] if collection.parent_id else [])
    return CollectionParticipant.objects.filter(
        collection_id__in=running, user=user, role__in=MODERATING_ROLES
    ).exists()


def is_creator_of(user: User, work: Work) -> bool:
    return Creatorship.objects.filter(work=work, pseud__user=user, is_approved=True).exists()


# --- Adding works ------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    item: CollectionItem
    waits_for_creator: bool
    waits_for_collection: bool


@transaction.atomic
def add_work(collection: Collection, work: Work, *, actor: User) -> Added:
    """``actor`` puts ``work`` in ``collection``: as its creator (submitting it) or as the
    collection's moderator (inviting it). Raises ``CollectionRefused``."""
    is_creator = is_creator_of(actor, work)
    is_moderator = moderates(actor, collection)
    if not is_creator and not is_moderator:
        raise CollectionRefused(
            "Only the work's creators or the collection's moderators can add it."
        )
    if not is_moderator and not collection.is_open:
        raise CollectionRefused(f"{collection.title} is closed to new works.")
    if CollectionItem.objects.filter(collection=collection, work=work).exists():
        raise CollectionRefused(f"This work is already in {collection.title}.")
    item = CollectionItem.objects.create(
        collection=collection,
        work=work,
        creator_approval=Approval.APPROVED if is_creator else Approval.UNREVIEWED,
        collection_approval=(
            Approval.UNREVIEWED
            if collection.is_moderated and not is_moderator
            else Approval.APPROVED
        ),
        is_anonymous=collection.is_anonymous,
        is_unrevealed=collection.is_unrevealed,
        added_by=actor,
    )
    refresh_collection_states([work.pk])
    collection_item_changed.send(
        sender=CollectionItem, item=item, actor=actor, event=ItemEvent.ADDED
    )
    return Added(
        item,
        waits_for_creator=item.creator_approval != Approval.APPROVED,
        waits_for_collection=item.collection_approval != Approval.APPROVED,
    )


@transaction.atomic
def set_work_collections(
    work: Work, collections: Iterable[Collection], *, actor: User
) -> list[Added]:
    """The posting form's "Collections" field: ``actor`` (a creator of ``work``) adds it to
    the named collections it is not in yet, and takes it out of those no longer named that
    it joined on their side. Returns what was added. Raises ``CollectionRefused`` with
    nothing changed."""
    wanted = {collection.pk: collection for collection in collections}
    current = {item.collection_id: item for item in work.collection_items.all()}
    added = [add_work(c, work, actor=actor) for pk, c in wanted.items() if pk not in current]
    for pk, item in current.items():
        if pk not in wanted and item.creator_approval == Approval.APPROVED:
            remove_item(item, actor=actor)
    return added


# --- Answers -----------------------------------------------------------------------------


@transaction.atomic
def answer_as_creator(item: CollectionItem, *, approve: bool, actor: User) -> CollectionItem:
    """A creator of the work says yes or no to an invitation."""
    item = _locked(item)
    if not is_creator_of(actor, item.work):
        raise CollectionRefused("Only the work's creators can answer this invitation.")
    item.creator_approval = Approval.APPROVED if approve else Approval.REJECTED
    item.save(update_fields=["creator_approval"])
    refresh_collection_states([item.work_id])
    event = ItemEvent.CREATOR_APPROVED if approve else ItemEvent.CREATOR_REJECTED
    collection_item_changed.send(sender=CollectionItem, item=item, actor=actor, event=event)
    return item


@transaction.atomic
def answer_as_collection(item: CollectionItem, *, approve: bool, actor: User) -> CollectionItem:
    """A moderator approves or rejects a work submitted to a moderated collection."""
    item = _locked(item)
    if not moderates(actor, item.collection):
        raise CollectionRefused("Only the collection's moderators can answer this.")
    item.collection_approval = Approval.APPROVED if approve else Approval.REJECTED
    item.save(update_fields=["collection_approval"])
    refresh_collection_states([item.work_id])
    event = ItemEvent.COLLECTION_APPROVED if approve else ItemEvent.COLLECTION_REJECTED
    collection_item_changed.send(sender=CollectionItem, item=item, actor=actor, event=event)
    return item


@transaction.atomic
def remove_item(item: CollectionItem, *, actor: User) -> None:
    """Either side takes the work out of the collection."""
    item = _locked(item)
    if not (is_creator_of(actor, item.work) or moderates(actor, item.collection)):
        raise CollectionRefused("Only the work's creators or the collection's moderators can.")
    work_id = item.work_id
    collection_item_changed.send(
        sender=CollectionItem, item=item, actor=actor, event=ItemEvent.REMOVED
    )
    item.delete()
    refresh_collection_states([work_id])


def _locked(item: CollectionItem) -> CollectionItem:
    # Two answers at once (a creator and a moderator) each see the other's.
    return (
        CollectionItem.objects.select_for_update()
        .select_related("collection", "work")
        .get(pk=item.pk)
    )


# --- Revealing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Revealed:
    works: list[int]  # works no longer waiting to be revealed (their creators are told)
    creators: list[int]  # works whose creators are no longer anonymous


@transaction.atomic
def reveal(
    collection: Collection, *, works: bool = True, creators: bool = True, actor: User | None
) -> Revealed:
    """Reveal the collection's works and/or their creators (AO3's two buttons), for the
    collection and its subcollections. ``actor`` None: the worker, at the reveal time.
    The collection stops marking new works as it reveals."""
    if actor is not None and not moderates(actor, collection):
        raise CollectionRefused("Only the collection's moderators can reveal its works.")
    family = [collection.pk, *collection.children.values_list("pk", flat=True)]
    items = CollectionItem.objects.select_for_update().filter(collection_id__in=family)
    revealed_works = (
        list(items.filter(is_unrevealed=True).values_list("work_id", flat=True)) if works else []
    )
    revealed_creators = (
        list(items.filter(is_anonymous=True).values_list("work_id", flat=True)) if creators else []
    )
    for item in items.filter(work_id__in=set(revealed_works) | set(revealed_creators)):
        # One save per item: each queues its work (``search.signals``) in this transaction.
        item.is_unrevealed = item.is_unrevealed and not works
        item.is_anonymous = item.is_anonymous and not creators
        item.save(update_fields=["is_unrevealed", "is_anonymous"])
    changed: list[str] = []
    if works and collection.is_unrevealed:
        collection.is_unrevealed = False
        changed.append("is_unrevealed")
    if creators and collection.is_anonymous:
        collection.is_anonymous = False
        changed.append("is_anonymous")
    if not (collection.is_unrevealed or collection.is_anonymous):
        collection.reveal_at = None
        changed.append("reveal_at")
    if changed:
        collection.save(update_fields=changed)
    now_changed = refresh_collection_states(set(revealed_works) | set(revealed_creators))
    revealed = Revealed(
        works=sorted(now_changed.revealed),
        creators=sorted(now_changed.named),
    )
    if revealed.works or revealed.creators:
        collection_revealed.send(
            sender=Collection,
            collection=collection,
            work_ids=revealed.works,
            creators_of=revealed.creators,
        )
    return revealed


def due_for_reveal(now: datetime.datetime | None = None) -> list[Collection]:
    now = now or timezone.now()
    return list(
        Collection.objects.filter(reveal_at__isnull=False, reveal_at__lte=now).order_by("pk")
    )


# --- The work's two states ---------------------------------------------------------------


@dataclass(frozen=True)
class StateChanges:
    revealed: frozenset[int]  # works that were unrevealed and no longer are
    named: frozenset[int]  # works that were anonymous and no longer are


def refresh_collection_states(work_ids: Iterable[int]) -> StateChanges:
    """Set each work's two collection states from its items (the creator's consent counts:
    ``CollectionItemQuerySet.consented``). A work whose states change is saved, which
    queues it for the index and moves the kept pages' keys in the caller's transaction."""
    consented = CollectionItem.objects.consented().filter(work=OuterRef("pk"))
    rows = (
        Work.objects.filter(pk__in=sorted(set(work_ids)))
        .annotate(
            should_hide=Exists(consented.filter(is_unrevealed=True)),
            should_be_anonymous=Exists(consented.filter(is_anonymous=True)),
        )
        .values_list(
            "pk",
            "in_unrevealed_collection",
            "in_anonymous_collection",
            "should_hide",
            "should_be_anonymous",
        )
    )
    revealed: set[int] = set()
    named: set[int] = set()
    for pk, hidden, anonymous, should_hide, should_be_anonymous in rows:
        if (hidden, anonymous) == (should_hide, should_be_anonymous):
            continue
        if hidden and not should_hide:
            revealed.add(pk)
        if anonymous and not should_be_anonymous:
            named.add(pk)
        # Saved one by one (few works change at once): each save queues its work.
        work = Work.objects.get(pk=pk)
        work.in_unrevealed_collection = should_hide
        work.in_anonymous_collection = should_be_anonymous
        work.save(
            update_fields=["in_unrevealed_collection", "in_anonymous_collection", "modified_at"]
        )
    return StateChanges(frozenset(revealed), frozenset(named))


# --- Running a collection ----------------------------------------------------------------


@transaction.atomic
def create_collection(collection: Collection, *, owner: User) -> Collection:
    """Save the new ``collection`` with ``owner`` as its first owner."""
    collection.save()
    CollectionParticipant.objects.create(collection=collection, user=owner, role=Role.OWNER)
    return collection


@transaction.atomic
def update_collection(collection: Collection, *, actor: User) -> Revealed:
    """Save a moderator's changes to ``collection``'s settings. Turning anonymous or
    unrevealed off reveals what it hid (as the reveal buttons do); turning them on marks
    the works added from then on."""
    if not moderates(actor, collection):
        raise CollectionRefused("Only the collection's moderators can change it.")
    before = Collection.objects.select_for_update().get(pk=collection.pk)
    collection.save()
    if before.title != collection.title:
        # Work pages name their collections: no kept copy may keep the old title.
        _touch_works(collection.items.values_list("work_id", flat=True))
    works = before.is_unrevealed and not collection.is_unrevealed
    creators = before.is_anonymous and not collection.is_anonymous
    if works or creators:
        return reveal(collection, works=works, creators=creators, actor=actor)
    return Revealed(works=[], creators=[])


@transaction.atomic
def set_role(collection: Collection, user: User, role: str | None, *, actor: User) -> None:
    """Make ``user`` an owner, moderator or member of ``collection`` (None: no longer a
    participant). Only owners (and admins) change roles; the last owner stays."""
    if not (actor.is_staff or role_of(actor, collection) == Role.OWNER):
        raise CollectionRefused("Only the collection's owners can change who runs it.")
    current = CollectionParticipant.objects.select_for_update().filter(collection=collection)
    owners = [p.user_id for p in current if p.role == Role.OWNER]
    if owners == [user.pk] and role != Role.OWNER:
        raise CollectionRefused("A collection needs an owner: make someone else owner first.")
    if role is None:
        current.filter(user=user).delete()
    else:
        CollectionParticipant.objects.update_or_create(
            collection=collection, user=user, defaults={"role": role}
        )
    # Moderators see the unrevealed works: their pages change with their role.
    unrevealed = CollectionItem.objects.filter(collection=collection, is_unrevealed=True)
    _touch_works(unrevealed.values_list("work_id", flat=True))


def _touch_works(work_ids: Iterable[int]) -> None:
    """Queue works whose readers changed although the works did not (a new moderator
    now sees them), so that no kept page of theirs outlives the change."""
    ids = sorted(set(work_ids))
    if ids:
        works_changed.send(sender=Work, work_ids=ids)

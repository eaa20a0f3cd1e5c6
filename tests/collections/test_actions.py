"""Works joining collections: who may add what, each side's answers, the work's two states,
revealing (by hand and at the set time), roles, and the notices each step sends."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.collections.tasks import reveal_due_collections
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social.models import InboxItem, InboxKind, Subscription
from ficshelf.works.collection_items import (
    CollectionRefused,
    add_work,
    answer_as_collection,
    answer_as_creator,
    create_collection,
    remove_item,
    reveal,
    set_role,
)
from ficshelf.works.collection_models import Role
from ficshelf.works.models import Collection, CollectionItem, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def fixture() -> tuple[User, User, Work, Collection]:
    creator = UserFactory(username="maker")
    moderator = UserFactory(username="runner")
    work = WorkFactory(title="Gift Fic", creator=PseudFactory(user=creator, name="maker"))
    collection = create_collection(Collection(name="fest", title="Fest"), owner=moderator)
    return creator, moderator, work, collection


def fresh(work: Work) -> Work:
    return Work.objects.get(pk=work.pk)


def notices(user: User) -> list[str]:
    return list(
        InboxItem.objects.filter(recipient=user, kind=InboxKind.COLLECTION).values_list(
            "text", flat=True
        )
    )


def test_a_creator_adds_their_work_to_an_open_collection_at_once() -> None:
    creator, moderator, work, collection = fixture()
    added = add_work(collection, work, actor=creator)
    assert added.item.is_approved and not added.waits_for_collection
    assert list(work.shown_collections) == [collection]
    assert notices(moderator) == []  # nothing to review


def test_a_moderated_collection_holds_a_submission_until_a_moderator_approves() -> None:
    creator, moderator, work, collection = fixture()
    collection.is_moderated = True
    collection.save()
    added = add_work(collection, work, actor=creator)
    assert added.waits_for_collection and fresh(work).shown_collections == []
    assert notices(moderator) == ["“Gift Fic” was submitted to Fest and waits for approval."]

    answer_as_collection(added.item, approve=True, actor=moderator)

    assert fresh(work).shown_collections == [collection]
    assert notices(creator) == ["Fest approved your work “Gift Fic”."]


def test_a_closed_collection_refuses_members_and_writes_nothing() -> None:
    creator, _moderator, work, collection = fixture()
    collection.is_open = False
    collection.save()
    with pytest.raises(CollectionRefused, match="closed"):
        add_work(collection, work, actor=creator)
    assert not CollectionItem.objects.exists()


def test_a_stranger_can_add_nobody_elses_work() -> None:
    _creator, _moderator, work, collection = fixture()
    stranger = UserFactory(username="stranger")
    queued_before = IndexQueueEntry.objects.count()
    with pytest.raises(CollectionRefused):
        add_work(collection, work, actor=stranger)
    assert not CollectionItem.objects.exists()
    assert IndexQueueEntry.objects.count() == queued_before


def test_an_invitation_waits_for_the_creator_and_hides_nothing_until_accepted() -> None:
    creator, moderator, work, collection = fixture()
    collection.is_unrevealed = collection.is_anonymous = True
    collection.save()
    added = add_work(collection, work, actor=moderator)
    # A moderator cannot hide a stranger's work by inviting it.
    assert added.waits_for_creator
    assert not fresh(work).in_unrevealed_collection and not fresh(work).in_anonymous_collection
    assert notices(creator) == [
        "Fest invited your work “Gift Fic”. Say yes or no on your collection items page."
    ]

    answer_as_creator(added.item, approve=True, actor=creator)

    work = fresh(work)
    assert work.in_unrevealed_collection and work.in_anonymous_collection
    assert work.byline == "Anonymous"
    assert notices(moderator) == ["The invitation of “Gift Fic” to Fest was accepted."]


def test_declining_an_invitation_keeps_the_work_out() -> None:
    creator, moderator, work, collection = fixture()
    added = add_work(collection, work, actor=moderator)
    answer_as_creator(added.item, approve=False, actor=creator)
    assert fresh(work).shown_collections == []
    assert CollectionItem.objects.get().state == "declined"
    with pytest.raises(CollectionRefused):
        answer_as_creator(added.item, approve=True, actor=moderator)  # not theirs to answer


def test_taking_a_work_out_ends_its_states_and_tells_the_creator() -> None:
    creator, moderator, work, collection = fixture()
    collection.is_unrevealed = True
    collection.save()
    item = add_work(collection, work, actor=creator).item
    assert fresh(work).in_unrevealed_collection
    IndexQueueEntry.objects.all().delete()

    remove_item(item, actor=moderator)

    assert not fresh(work).in_unrevealed_collection
    assert IndexQueueEntry.objects.filter(work_id=work.pk).exists()
    assert notices(creator) == ["Your work “Gift Fic” was taken out of Fest."]


def test_a_work_in_two_collections_stays_hidden_until_both_reveal() -> None:
    creator, moderator, work, collection = fixture()
    other = create_collection(Collection(name="other", title="Other"), owner=moderator)
    for each in (collection, other):
        each.is_unrevealed = True
        each.save()
        add_work(each, work, actor=creator)

    first = reveal(collection, actor=moderator)

    assert first.works == [] and fresh(work).in_unrevealed_collection
    assert reveal(other, actor=moderator).works == [work.pk]
    assert not fresh(work).in_unrevealed_collection


def test_revealing_tells_the_creators_and_the_creators_subscribers() -> None:
    creator, moderator, work, collection = fixture()
    fan = UserFactory(username="fan")
    Subscription.objects.create(user=fan, creator=creator)
    collection.is_anonymous = collection.is_unrevealed = True
    collection.save()
    add_work(collection, work, actor=creator)
    assert not InboxItem.objects.filter(recipient=fan).exists()

    reveal(collection, actor=moderator)

    assert notices(creator) == ["Your work “Gift Fic” in Fest is revealed."]
    assert InboxItem.objects.filter(recipient=fan, work=work).count() == 1
    collection.refresh_from_db()
    assert not collection.is_unrevealed and not collection.is_anonymous


def test_only_moderators_reveal() -> None:
    creator, _moderator, work, collection = fixture()
    collection.is_unrevealed = True
    collection.save()
    add_work(collection, work, actor=creator)
    with pytest.raises(CollectionRefused):
        reveal(collection, actor=creator)
    assert fresh(work).in_unrevealed_collection


def test_the_worker_reveals_at_the_set_time_and_not_before() -> None:
    creator, _moderator, work, collection = fixture()
    collection.is_unrevealed = True
    collection.reveal_at = timezone.now() + datetime.timedelta(hours=1)
    collection.save()
    add_work(collection, work, actor=creator)
    assert reveal_due_collections.call() == 0
    assert fresh(work).in_unrevealed_collection

    Collection.objects.filter(pk=collection.pk).update(
        reveal_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert reveal_due_collections.call() == 1
    assert not fresh(work).in_unrevealed_collection
    assert Collection.objects.get(pk=collection.pk).reveal_at is None


def test_a_parent_collections_moderators_see_and_run_its_subcollections() -> None:
    creator, moderator, work, parent = fixture()
    child = Collection.objects.create(name="round_one", title="Round One", parent=parent)
    child.is_unrevealed = True
    child.save()
    add_work(child, work, actor=creator)
    assert Work.objects.visible_to(moderator).filter(pk=work.pk).exists()
    assert not Work.objects.visible_to(UserFactory(username="other")).filter(pk=work.pk).exists()
    assert reveal(child, actor=moderator).works == [work.pk]


def test_roles_are_changed_by_owners_and_a_collection_keeps_an_owner() -> None:
    _creator, owner, _work, collection = fixture()
    helper = UserFactory(username="helper")
    set_role(collection, helper, Role.MODERATOR, actor=owner)
    with pytest.raises(CollectionRefused, match="owners"):
        set_role(collection, UserFactory(username="x"), Role.MODERATOR, actor=helper)
    with pytest.raises(CollectionRefused, match="needs an owner"):
        set_role(collection, owner, None, actor=owner)
    assert collection.participants.get(user=owner).role == Role.OWNER

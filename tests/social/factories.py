"""Factories for the social app's models (the shared ones live in tests/factories.py)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ficshelf.accounts.models import Block, Mute, User
from ficshelf.core.sanitizer import SANITIZER_VERSION
from ficshelf.social.models import (
    Bookmark,
    Comment,
    InboxItem,
    InboxKind,
    Kudos,
    Reading,
    ReadingList,
    Subscription,
)
from ficshelf.works.models import Work
from tests.factories import PseudFactory, UserFactory, WorkFactory


def creator_of(work: Work) -> User:
    """The (first) user credited on a factory work."""
    user = work.creatorships.first().pseud.user  # type: ignore[union-attr]
    assert user is not None
    return user


def work_by(user: User, **kwargs: object) -> Work:
    pseud = user.pseuds.first() or PseudFactory(user=user)
    return WorkFactory(creator=pseud, **kwargs)


class KudosFactory(DjangoModelFactory[Kudos]):
    class Meta:
        model = Kudos

    work = factory.SubFactory(WorkFactory)
    user = factory.SubFactory(UserFactory)

    class Params:
        guest = factory.Trait(user=None, guest_key=factory.Sequence(lambda n: f"guest{n}"))


class CommentFactory(DjangoModelFactory[Comment]):
    class Meta:
        model = Comment

    work = factory.SubFactory(WorkFactory)
    chapter = factory.LazyAttribute(lambda c: c.work.chapters.order_by("position").first())
    user = factory.SubFactory(UserFactory)
    text = "<p>I loved this.</p>"
    sanitizer_version = SANITIZER_VERSION  # as saved by today's code

    class Params:
        guest = factory.Trait(user=None, guest_name="Visitor", guest_email="v@example.org")
        unreviewed = factory.Trait(is_approved=False)


class BookmarkFactory(DjangoModelFactory[Bookmark]):
    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    work = factory.SubFactory(WorkFactory)
    sanitizer_version = SANITIZER_VERSION

    class Params:
        private = factory.Trait(is_private=True)


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    work = factory.SubFactory(WorkFactory)


class InboxItemFactory(DjangoModelFactory[InboxItem]):
    class Meta:
        model = InboxItem

    recipient = factory.SubFactory(UserFactory)
    kind = InboxKind.KUDOS
    text = factory.Sequence(lambda n: f"Notice {n}")
    link = "/works/1/"


class ReadingFactory(DjangoModelFactory[Reading]):
    class Meta:
        model = Reading

    user = factory.SubFactory(UserFactory)
    work = factory.SubFactory(WorkFactory)
    last_viewed_at = factory.LazyFunction(timezone.now)


class ReadingListFactory(DjangoModelFactory[ReadingList]):
    class Meta:
        model = ReadingList

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"List {n}")


def block(blocker: User, blocked: User) -> Block:
    return Block.objects.create(blocker=blocker, blocked=blocked)


def mute(muter: User, muted: User) -> Mute:
    return Mute.objects.create(muter=muter, muted=muted)

"""Factories for the project's models, with traits for the states visibility cares about."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from ficshelf.accounts.models import Pseud, User
from ficshelf.sitecontent.models import TermsAcceptance
from ficshelf.sitecontent.state import site_content
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Chapter, Creatorship, Language, Work

# Every member a factory makes signs in with this (tests type it into the sign-in form).
PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def accepted_terms(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Members have accepted the current Terms of Service, as sign-up makes them do
        (``accepted_terms=False`` for one who has not: they are asked at their next page)."""
        version = site_content().terms_version
        if create and extracted is not False and version:
            TermsAcceptance.objects.get_or_create(user=self, version=version)


class PseudFactory(DjangoModelFactory[Pseud]):
    class Meta:
        model = Pseud

    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda p: p.user.username if p.user else "someone")
    is_default = True


class TagFactory(DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tag {n}")
    type = TagType.FREEFORM


def language(short: str = "en") -> Language:
    return Language.objects.get(short=short)


class WorkFactory(DjangoModelFactory[Work]):
    class Meta:
        model = Work
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A Work Numbered {n}")
    summary = "<p>What happens, briefly.</p>"
    language = factory.LazyFunction(language)
    is_posted = True
    expected_chapter_count = 1
    is_complete = True
    published_on = datetime.date(2024, 5, 1)
    updated_on = datetime.date(2024, 5, 1)
    word_count = 5

    class Params:
        draft = factory.Trait(is_posted=False)
        restricted = factory.Trait(is_restricted=True)
        hidden = factory.Trait(is_hidden_by_admin=True)

    @factory.post_generation
    def creator(self, create: bool, extracted: Pseud | None, **kwargs: object) -> None:
        if create:
            Creatorship.objects.create(work=self, pseud=extracted or PseudFactory())

    @factory.post_generation
    def rating(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            self.tags.add(Tag.objects.get(name=extracted or "General Audiences"))

    @factory.post_generation
    def chapters(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        if create:
            for position in range(1, (extracted or 1) + 1):
                ChapterFactory(work=self, position=position)


class ChapterFactory(DjangoModelFactory[Chapter]):
    class Meta:
        model = Chapter

    work = factory.SubFactory(WorkFactory)
    position = 1
    title = factory.LazyAttribute(lambda c: f"Part {c.position}")
    text = "<p>Once there was a story with five words.</p>"
    word_count = 8

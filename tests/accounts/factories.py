"""Factories for the accounts app's own models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from ficshelf.accounts.models import Invitation, InviteRequest, Preference
from tests.factories import UserFactory


class InvitationFactory(DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")


class InviteRequestFactory(DjangoModelFactory[InviteRequest]):
    class Meta:
        model = InviteRequest

    email = factory.Sequence(lambda n: f"waiting{n}@example.org")


class PreferenceFactory(DjangoModelFactory[Preference]):
    class Meta:
        model = Preference

    user = factory.SubFactory(UserFactory)

    class Params:
        dark = factory.Trait(theme="dark")
        warnings_hidden = factory.Trait(hide_warnings=True)
        freeforms_hidden = factory.Trait(hide_freeform_tags=True)
        full_work = factory.Trait(view_full_work=True)
        asks_adult_notice = factory.Trait(hide_adult_notice=False)

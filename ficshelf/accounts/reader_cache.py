"""What a signed-in reader has chosen, kept between their requests.

Every page a member opens reads their preferences, and every listing their mutes and saved
exclusions: three queries a request that nearly never change. They are kept in the cache
under the reader's ``User.reader_version``, which every change to them raises in the
change's own transaction (the receivers below and in ``search.signals``). A request that
loaded the user before such a commit reads the older key, consistent with what it saw; the
next request carries the new version and so never meets an older value.

Values that also name other records (saved exclusions hold tags and creators, whose names
and synonyms wranglers and their owners change) are kept for a minute only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ficshelf.accounts.models import Mute, Preference, SiteSkin, User
from ficshelf.core.process_cache import cached_value

T = TypeVar("T")


def cached_for_reader(user: User, name: str, compute: Callable[[], T], *, seconds: int) -> T:
    """``compute()`` for this member, from the cache while their choices are unchanged."""
    key = f"reader:{name}:{user.pk}:{user.reader_version}"
    return cached_value(key, compute, seconds=seconds)


def reader_choices_changed(user_id: int | None) -> None:
    """Call in the transaction that changes what a reader chose: later requests read anew."""
    if user_id is not None:
        User.objects.filter(pk=user_id).update(reader_version=F("reader_version") + 1)


@receiver(post_save, sender=Preference)
@receiver(post_delete, sender=Preference)
def _preferences_changed(sender: type[Model], instance: Preference, **kwargs: Any) -> None:
    reader_choices_changed(instance.user_id)


@receiver(post_save, sender=Mute)
@receiver(post_delete, sender=Mute)
def _mutes_changed(sender: type[Model], instance: Mute, **kwargs: Any) -> None:
    reader_choices_changed(instance.muter_id)


@receiver(post_save, sender=SiteSkin)
@receiver(post_delete, sender=SiteSkin)
def _site_skin_changed(sender: type[Model], instance: SiteSkin, **kwargs: Any) -> None:
    # Every page of the member links their site skin's stylesheet by its digest.
    reader_choices_changed(instance.owner_id)

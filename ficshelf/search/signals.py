"""Keep the index queue in step with every change.

Signals rather than calls in each action: works change through posting, importing, admin
pages, wrangling and cascades, and every path must queue a reindex in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from ficshelf.accounts.models import Pseud, User
from ficshelf.accounts.reader_cache import reader_choices_changed
from ficshelf.accounts.signals import members_changed
from ficshelf.search.models import ExclusionSet
from ficshelf.search.page_versions import move_every_work_page
from ficshelf.search.queue import enqueue_works, mark_listings_changed
from ficshelf.social.signals import counts_changed
from ficshelf.tags.models import Tag
from ficshelf.tags.signals import filters_changed
from ficshelf.works.models import (
    Chapter,
    ChapterCreatorship,
    Collection,
    CollectionItem,
    Creatorship,
    Inspiration,
    Language,
    Series,
    SeriesWork,
    Work,
)
from ficshelf.works.signals import works_changed


@receiver(post_save, sender=Work)
@receiver(post_delete, sender=Work)
def _work_changed(sender: type[Model], instance: Work, **kwargs: Any) -> None:
    enqueue_works([instance.pk])


@receiver(post_save, sender=Chapter)
@receiver(post_delete, sender=Chapter)
@receiver(post_save, sender=Creatorship)
@receiver(post_delete, sender=Creatorship)
@receiver(post_save, sender=SeriesWork)
@receiver(post_delete, sender=SeriesWork)
@receiver(post_save, sender=CollectionItem)
@receiver(post_delete, sender=CollectionItem)
def _part_of_work_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    enqueue_works([instance.work_id])


@receiver(m2m_changed, sender=Work.tags.through)
def _work_tags_changed(
    sender: type[Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    from ficshelf.tags.filtering import refresh_filter_taggings

    if reverse and action == "pre_clear":  # tag.works.clear(): after it, nobody knows whom
        instance._works_before_clear = list(instance.works.values_list("pk", flat=True))
    if not action.startswith("post_"):
        return
    if reverse:  # tag.works.add(...): the instance is a tag
        work_ids = list(pk_set or getattr(instance, "_works_before_clear", []))
    else:
        work_ids = [instance.pk]
    refresh_filter_taggings(work_ids)
    enqueue_works(work_ids)


@receiver(m2m_changed, sender=CollectionItem)
def _work_collections_changed(
    sender: type[Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    # ``collection.works.add(work)`` (the importer's) writes items without saving each one.
    # The field is the collection's: forward, ``instance`` is a collection and ``pk_set``
    # the works; reverse (``work.collections.clear()``), ``instance`` is the work.
    if action.startswith("post_"):
        enqueue_works([instance.pk] if reverse else list(pk_set or []))


@receiver(post_save, sender=Pseud)
def _pseud_changed(sender: type[Model], instance: Pseud, created: bool, **kwargs: Any) -> None:
    if not created:  # a renamed pseud changes the creator names its works are found by
        _credited_works_changed(Pseud.objects.filter(pk=instance.pk))


def _credited_works_changed(pseuds: QuerySet[Pseud]) -> None:
    """The works crediting ``pseuds``, and those whose chapters credit them ("Chapter by
    ...", on works they may not be a creator of), show their names: queued."""
    enqueue_works(Creatorship.objects.filter(pseud__in=pseuds).values_list("work_id", flat=True))
    credited = ChapterCreatorship.objects.filter(pseud__in=pseuds)
    enqueue_works(credited.values_list("chapter__work_id", flat=True))


# What other works' pages and blurbs show of a row, and the save that may change it. A
# member's username is in every byline of theirs ("Pen (username)") and its profile link,
# and names them on every work page they commented on or left kudos on;
# a tag's name and type (its row of the tag block) on every work it is on; a series' title,
# a collection's title, a language's name and code on their works. Only a save that
# changes one of these moves anything: a wrangler's canonical toggle or merge (whose action
# moves the works it refilters), a series' summary, a collection's settings and a sign-in
# (which saves the last login alone, with ``update_fields``) leave every other kept page
# and blurb as it is. (Whether a member is active decides whether the byline links at all:
# a ban or unban goes through ``accounts.moderation``, whose ``members_changed`` moves
# every work's page.)
_SHOWN_FIELDS: dict[type[Model], tuple[str, ...]] = {
    User: ("username",),
    Tag: ("name", "type"),
    Series: ("title",),
    Collection: ("title",),
    Language: ("short", "name"),
}
_SHOWN_BEFORE = "_ficshelf_shown_before_save"


def _remember_shown_fields(
    sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any
) -> None:
    shown = _SHOWN_FIELDS[sender]
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(shown):
        return
    before = sender._default_manager.filter(pk=instance.pk)
    if connection.in_atomic_block:
        # Locked until the save's transaction ends: a second save of the same row (a stale
        # admin form) reads what this one wrote, not what it overwrote, and compares that.
        before = before.select_for_update()
    instance.__dict__[_SHOWN_BEFORE] = before.values(*shown).first()


def _shown_fields_saved(
    sender: type[Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    before = instance.__dict__.pop(_SHOWN_BEFORE, None)
    if created or raw or before is None:
        return
    if all(before[name] == getattr(instance, name) for name in _SHOWN_FIELDS[sender]):
        return
    if sender is User:
        # Their bylines, and their comments and kudos on any work's page.
        _credited_works_changed(Pseud.objects.filter(user_id=instance.pk))
        move_every_work_page()
    elif sender is Series:
        enqueue_works(SeriesWork.objects.filter(series=instance).values_list("work_id", flat=True))
    elif sender is Collection:
        enqueue_works(
            CollectionItem.objects.filter(collection=instance).values_list("work_id", flat=True)
        )
    else:
        # A tag or a language names no work it is on: every kept page is checked afresh.
        move_every_work_page()


for _model in _SHOWN_FIELDS:
    pre_save.connect(_remember_shown_fields, sender=_model, dispatch_uid=f"shown-{_model.__name__}")
    post_save.connect(_shown_fields_saved, sender=_model, dispatch_uid=f"shown-{_model.__name__}")


@receiver(post_save, sender=Inspiration)
@receiver(post_delete, sender=Inspiration)
def _inspiration_changed(sender: type[Model], instance: Inspiration, **kwargs: Any) -> None:
    """A work naming a source changes both pages: the source's lists the works inspired by
    it. (Naming one's own work is approved at once, with no answer that would say so.)"""
    if not kwargs.get("raw"):
        enqueue_works([instance.work_id, instance.source_id or 0])


# A member, pseud, tag, series, collection or language deleted: rare, and a deletion's
# cascades (a language's works set to none, a member's comments left nameless) send no
# signal that names the works, so every kept work page is checked afresh
# (``search.page_versions``).
@receiver(post_delete, sender=User)
@receiver(post_delete, sender=Pseud)
@receiver(post_delete, sender=Tag)
@receiver(post_delete, sender=Series)
@receiver(post_delete, sender=Collection)
@receiver(post_delete, sender=Language)
def _names_on_work_pages_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    move_every_work_page()


# Changes the actions of lower apps announce themselves (bulk changes that save no model
# one by one, wrangling): queued in the action's transaction like every other change.


@receiver(works_changed)
@receiver(filters_changed)
def _works_changed(sender: Any, work_ids: list[int], **kwargs: Any) -> None:
    enqueue_works(work_ids)


@receiver(members_changed)
def _members_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    # Their works' documents are unchanged (a suspended member's works stay readable, as
    # on AO3), but a kept listing of their works must not outlive the change.
    mark_listings_changed()


@receiver(counts_changed)
def _counts_changed(sender: Any, work_ids: list[int], counters_only: bool, **kwargs: Any) -> None:
    # The index sorts and filters by the counts; social.counters owns them.
    enqueue_works(work_ids, counters_only=counters_only)


@receiver(post_save, sender=ExclusionSet)
@receiver(post_delete, sender=ExclusionSet)
def _exclusions_changed(sender: type[Model], instance: ExclusionSet, **kwargs: Any) -> None:
    """What the cache keeps of the reader's exclusions is keyed on their version."""
    reader_choices_changed(instance.user_id)


@receiver(m2m_changed, sender=ExclusionSet.tags.through)
@receiver(m2m_changed, sender=ExclusionSet.creators.through)
def _excluded_names_changed(
    sender: type[Model], instance: Any, action: str, reverse: bool, **kwargs: Any
) -> None:
    if action.startswith("post_") and not reverse:
        reader_choices_changed(instance.user_id)

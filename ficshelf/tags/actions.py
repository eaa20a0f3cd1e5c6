"""Wrangling: what a tag wrangler does to tags, each change in one transaction.

Every action refuses what would leave the tag tree inconsistent (a synonym of a synonym,
a loop of meta tags, a non-canonical meta tag) with ``WranglingError``, whose message the
pages show as it is. After a change, the filter taggings of the works it affects are
recomputed and those works queued for reindexing, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from ficshelf.tags.filtering import meta_closure, refresh_filter_taggings, works_tagged_under
from ficshelf.tags.models import (
    PARENT_TYPES_OF_CHILD,
    MetaTagging,
    ParentTagging,
    Tag,
    TagType,
    can_wrangle,
)
from ficshelf.tags.signals import filters_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


class WranglingError(Exception):
    """A wrangling change that was refused; the message is meant for the wrangler."""


def _check_actor(actor: User | AnonymousUser | None) -> None:
    if not can_wrangle(actor):
        raise WranglingError("Only tag wranglers can change how tags are wrangled.")


def _check_wrangleable(*tags: Tag) -> None:
    for tag in tags:
        if tag.is_fixed:
            raise WranglingError(
                f"“{tag.name}” is a {tag.get_type_display().lower()} tag: ratings, warnings, "
                "categories and media are fixed and can't be wrangled."
            )


def _refilter(tag_ids: Iterable[int]) -> None:
    """Recompute and requeue the works a change to these tags may move between filters.
    Call it with the affected tags *before* the change (their filter taggings still say
    who filters by them) and, where new works become affected, after it too."""
    refilter_works(works_tagged_under(tag_ids))


def refilter_works(work_ids: list[int]) -> None:
    """Recompute these works' filter taggings and tell the search app they moved."""
    refresh_filter_taggings(work_ids)
    filters_changed.send(sender=Tag, work_ids=work_ids)


def _lock(*tags: Tag) -> None:
    """Lock the tags' rows (in id order, so two wranglers never deadlock) and reload them:
    two changes at once must not each pass their checks and together make a loop."""
    current = {
        t.pk: t
        for t in Tag.objects.select_for_update().filter(pk__in=[t.pk for t in tags]).order_by("pk")
    }
    for tag in tags:
        if tag.pk not in current:
            raise WranglingError(f"“{tag.name}” no longer exists.")
        fresh = current[tag.pk]
        tag.name, tag.type = fresh.name, fresh.type
        tag.is_canonical, tag.merger_id = fresh.is_canonical, fresh.merger_id


def _meta_ancestor_ids(tag_id: int) -> set[int]:
    """The tag and all its meta tags, transitively."""
    return meta_closure({tag_id})[tag_id]


@transaction.atomic
def make_canonical(tag: Tag, *, actor: User | AnonymousUser | None) -> Tag:
    _check_actor(actor)
    _check_wrangleable(tag)
    _lock(tag)
    if tag.merger_id is not None:
        raise WranglingError(
            f"“{tag.name}” is a synonym of “{tag.canonical.name}”; "
            "remove it as a synonym before making it canonical."
        )
    if not tag.is_canonical:
        tag.is_canonical = True
        tag.save(update_fields=["is_canonical"])
        _refilter([tag.pk])
    return tag


@transaction.atomic
def make_uncanonical(tag: Tag, *, actor: User | AnonymousUser | None) -> Tag:
    _check_actor(actor)
    _check_wrangleable(tag)
    _lock(tag)
    if not tag.is_canonical:
        return tag
    if tag.synonyms.exists():
        raise WranglingError(
            f"“{tag.name}” has synonyms; merge them elsewhere or remove them first."
        )
    if tag.sub_taggings.exists():
        raise WranglingError(f"“{tag.name}” has sub tags; remove them first.")
    if tag.meta_taggings.exists():
        raise WranglingError(f"“{tag.name}” has meta tags; remove them first.")
    if tag.child_taggings.exists():
        raise WranglingError(
            f"“{tag.name}” is the parent of other tags; remove them from it first."
        )
    tag.is_canonical = False
    tag.save(update_fields=["is_canonical"])
    _refilter([tag.pk])
    return tag


@transaction.atomic
def merge_into(tag: Tag, canonical: Tag, *, actor: User | AnonymousUser | None) -> Tag:
    """Make ``tag`` a synonym of ``canonical``.

    As on AO3, a canonical tag may be merged too: it stops being canonical and hands
    everything it had to ``canonical`` (its synonyms, meta and sub tags, parents and
    children), so nothing wrangled under it is lost.
    """
    _check_actor(actor)
    _check_wrangleable(tag, canonical)
    _lock(tag, canonical)
    if tag.pk == canonical.pk:
        raise WranglingError(f"“{tag.name}” can't be a synonym of itself.")
    if tag.type != canonical.type:
        raise WranglingError(
            f"“{tag.name}” is a {tag.get_type_display().lower()} tag and “{canonical.name}” "
            f"is a {canonical.get_type_display().lower()} tag; only tags of the same type "
            "can be synonyms."
        )
    if not canonical.is_canonical:
        raise WranglingError(
            f"“{canonical.name}” is not canonical; only a canonical tag can have synonyms."
        )
    if tag.merger_id == canonical.pk:
        return tag
    # Works filtered by the tag (its own, its synonyms', its sub tags') move to the canonical.
    affected = works_tagged_under([tag.pk])
    metas = set(tag.meta_taggings.values_list("meta_tag_id", flat=True)) - {canonical.pk}
    subs = set(tag.sub_taggings.values_list("sub_tag_id", flat=True)) - {canonical.pk}
    canonical_ancestors = _meta_ancestor_ids(canonical.pk) - {tag.pk}
    if subs & canonical_ancestors:
        raise WranglingError(
            f"Merging “{tag.name}” into “{canonical.name}” would make a loop of meta tags: "
            f"a sub tag of “{tag.name}” is a meta tag of “{canonical.name}”."
        )
    for meta_id in metas:
        if canonical.pk in _meta_ancestor_ids(meta_id):
            raise WranglingError(
                f"Merging “{tag.name}” into “{canonical.name}” would make a loop of meta "
                f"tags: a meta tag of “{tag.name}” is a sub tag of “{canonical.name}”."
            )
    tag.synonyms.update(merger=canonical)
    MetaTagging.objects.bulk_create(
        [MetaTagging(meta_tag_id=m, sub_tag=canonical) for m in metas]
        + [MetaTagging(meta_tag=canonical, sub_tag_id=s) for s in subs],
        ignore_conflicts=True,
    )
    MetaTagging.objects.filter(sub_tag=tag).delete()
    MetaTagging.objects.filter(meta_tag=tag).delete()
    # Parents are copied, not moved: the synonym keeps its fandoms, so its page still says
    # where it belongs. Children move: only a canonical tag is a parent.
    ParentTagging.objects.bulk_create(
        [
            ParentTagging(parent_id=parent_id, child=canonical)
            for parent_id in tag.parent_taggings.values_list("parent_id", flat=True)
        ]
        + [
            ParentTagging(parent=canonical, child_id=child_id)
            for child_id in tag.child_taggings.exclude(child=canonical).values_list(
                "child_id", flat=True
            )
        ],
        ignore_conflicts=True,
    )
    tag.child_taggings.all().delete()
    tag.merger = canonical
    tag.is_canonical = False
    tag.save(update_fields=["merger", "is_canonical"])
    refilter_works(affected)
    return tag


@transaction.atomic
def unmerge(tag: Tag, *, actor: User | AnonymousUser | None) -> Tag:
    """Stop ``tag`` being a synonym: its works filter by it alone again."""
    _check_actor(actor)
    _check_wrangleable(tag)
    _lock(tag)
    if tag.merger_id is None:
        return tag
    tag.merger = None
    tag.save(update_fields=["merger"])
    _refilter([tag.pk])  # the works tagged with it (works_tagged_under counts those)
    return tag


@transaction.atomic
def add_meta_tag(sub_tag: Tag, meta_tag: Tag, *, actor: User | AnonymousUser | None) -> None:
    _check_actor(actor)
    _check_wrangleable(sub_tag, meta_tag)
    _lock(sub_tag, meta_tag)
    if sub_tag.pk == meta_tag.pk:
        raise WranglingError(f"“{sub_tag.name}” can't be its own meta tag.")
    if sub_tag.type != meta_tag.type:
        raise WranglingError(
            f"A meta tag must be of the same type as its sub tag: “{meta_tag.name}” is a "
            f"{meta_tag.get_type_display().lower()} tag, “{sub_tag.name}” a "
            f"{sub_tag.get_type_display().lower()} tag."
        )
    for tag in (sub_tag, meta_tag):
        if not tag.is_canonical:
            raise WranglingError(
                f"“{tag.name}” is not canonical; meta and sub tags must both be canonical."
            )
    if sub_tag.pk in _meta_ancestor_ids(meta_tag.pk):
        raise WranglingError(
            f"“{meta_tag.name}” is already a sub tag of “{sub_tag.name}”; making it its meta "
            "tag too would make a loop."
        )
    _, created = MetaTagging.objects.get_or_create(meta_tag=meta_tag, sub_tag=sub_tag)
    if created:
        _refilter([sub_tag.pk])


@transaction.atomic
def remove_meta_tag(sub_tag: Tag, meta_tag: Tag, *, actor: User | AnonymousUser | None) -> None:
    _check_actor(actor)
    affected = works_tagged_under([sub_tag.pk])
    deleted, _ = MetaTagging.objects.filter(meta_tag=meta_tag, sub_tag=sub_tag).delete()
    if deleted:
        refilter_works(affected)


@transaction.atomic
def add_parent(child: Tag, parent: Tag, *, actor: User | AnonymousUser | None) -> None:
    """Give ``child`` a parent: a canonical fandom, or a canonical character for a
    relationship, or a medium for a fandom (media are fixed, but filing fandoms under them
    is what they are for)."""
    _check_actor(actor)
    _check_wrangleable(child)
    _lock(child, parent)
    allowed = PARENT_TYPES_OF_CHILD.get(TagType(child.type), set())
    if parent.type not in allowed:
        kinds = " or ".join(sorted(TagType(t).label.lower() for t in allowed))
        raise WranglingError(
            f"A {child.get_type_display().lower()} tag's parent must be a {kinds} tag; "
            f"“{parent.name}” is a {parent.get_type_display().lower()} tag."
        )
    if not parent.is_canonical:
        raise WranglingError(f"“{parent.name}” is not canonical; only canonical tags are parents.")
    # Parents change no filter tagging (filtering by a fandom finds works tagged with it,
    # not with its characters), so no work needs reindexing.
    ParentTagging.objects.get_or_create(parent=parent, child=child)


@transaction.atomic
def remove_parent(child: Tag, parent: Tag, *, actor: User | AnonymousUser | None) -> None:
    _check_actor(actor)
    ParentTagging.objects.filter(parent=parent, child=child).delete()

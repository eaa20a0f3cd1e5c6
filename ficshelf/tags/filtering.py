"""Filter taggings: which tags a filter finds a work by (AO3's ``filter_taggings``).

A work tagged with a synonym is found by its canonical; any tag is found by all its meta
tags, transitively. A tag nobody has wrangled yet (no merger) filters as itself, so a small
archive without wranglers still has working filters; once a wrangler merges it, its works
move to the canonical.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ficshelf.tags.models import FilterTagging, MetaTagging, Tag

# Works are refreshed this many at a time: SQLite caps the variables in one statement.
REFRESH_BATCH = 500


def filter_tag_ids_by_tag(tag_ids: Iterable[int]) -> dict[int, set[int]]:
    """tag id -> the ids a filter finds works carrying that tag by."""
    tag_ids = set(tag_ids)
    merger_of: dict[int, int | None] = dict(
        Tag.objects.filter(pk__in=tag_ids).values_list("pk", "merger_id")
    )
    present = list(merger_of)
    # Wrangling never makes a synonym of a synonym, but rows written around it (the admin,
    # old data) might: follow such chains to their end, stopping at a loop.
    while missing := {m for m in merger_of.values() if m is not None and m not in merger_of}:
        merger_of.update(dict.fromkeys(missing))
        merger_of.update(Tag.objects.filter(pk__in=missing).values_list("pk", "merger_id"))
    canonical_of = {}
    for tag_id in present:
        canonical, seen = tag_id, {tag_id}
        while (merger_id := merger_of[canonical]) is not None and merger_id not in seen:
            canonical = merger_id
            seen.add(merger_id)
        canonical_of[tag_id] = canonical
    metas = meta_closure(set(canonical_of.values()))
    return {tag_id: metas[canonical] for tag_id, canonical in canonical_of.items()}


def meta_closure(tag_ids: set[int]) -> dict[int, set[int]]:
    """tag id -> itself and all its meta tags, walking up one level per query."""
    closure = {tag_id: {tag_id} for tag_id in tag_ids}
    frontier = {tag_id: {tag_id} for tag_id in tag_ids}  # start tag -> tags to walk up from
    while frontier:
        walking = set().union(*frontier.values())
        metas_of: dict[int, set[int]] = defaultdict(set)
        for meta_id, sub_id in MetaTagging.objects.filter(sub_tag_id__in=walking).values_list(
            "meta_tag_id", "sub_tag_id"
        ):
            metas_of[sub_id].add(meta_id)
        next_frontier = {}
        for start, tags in frontier.items():
            found = set().union(*(metas_of.get(t, set()) for t in tags)) - closure[start]
            if found:  # stops at cycles too: nothing new is found twice
                closure[start] |= found
                next_frontier[start] = found
        frontier = next_frontier
    return closure


def refresh_filter_taggings(work_ids: Iterable[int]) -> None:
    """Recompute the filter taggings of these works from their tags, in the caller's
    transaction."""
    work_ids = sorted(set(work_ids))
    for start in range(0, len(work_ids), REFRESH_BATCH):
        _refresh_batch(work_ids[start : start + REFRESH_BATCH])


def _refresh_batch(work_ids: list[int]) -> None:
    tags_of_work: dict[int, set[int]] = defaultdict(set)
    # ``Tag.works``: the works app's tagging seen from the tag's side (tags sit below works).
    for work_id, tag_id in Tag.works.through.objects.filter(work_id__in=work_ids).values_list(
        "work_id", "tag_id"
    ):
        tags_of_work[work_id].add(tag_id)
    filters_of_tag = filter_tag_ids_by_tag(set().union(*tags_of_work.values()))
    FilterTagging.objects.filter(work_id__in=work_ids).delete()
    FilterTagging.objects.bulk_create(
        [
            FilterTagging(work_id=work_id, tag_id=filter_id)
            for work_id, tag_ids in tags_of_work.items()
            for filter_id in set().union(*(filters_of_tag[t] for t in tag_ids))
        ],
        batch_size=2000,
    )


def works_tagged_under(tag_ids: Iterable[int]) -> list[int]:
    """Works whose filter taggings may change when these tags are wrangled: works carrying
    the tags themselves or filtered by them (their synonyms' and sub tags' works)."""
    tag_ids = list(set(tag_ids))
    direct = Tag.works.through.objects.filter(tag_id__in=tag_ids).values_list("work_id", flat=True)
    filtered = FilterTagging.objects.filter(tag_id__in=tag_ids).values_list("work_id", flat=True)
    return sorted(set(direct) | set(filtered))

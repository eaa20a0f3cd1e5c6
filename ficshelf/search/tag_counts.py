"""How many works each tag finds for a reader: the one count every tag surface shows.

A tag's page, the fandoms index, the media pages and the tag search all count a tag as its
works listing would (``find_works``: the visibility rule, saved exclusions and mutes
included), through the backend's exact facet counts: one question for every tag of the
asked types, however many are shown. A synonym counts as its canonical (its listing is the
canonical's); nothing here is stored, so there is no second count to drift.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from ficshelf.search.query import FACET_TYPES, WorkQuery
from ficshelf.search.service import find_works
from ficshelf.tags.models import Tag

__all__ = ["count_for", "works_per_filter_tag"]


def works_per_filter_tag(
    request: HttpRequest, tag_types: Iterable[str], *, at_most: int
) -> dict[int, int]:
    """filter tag id -> the works its listing shows this reader, for up to ``at_most``
    tags of each type (the most used first); tags finding no work are left out. Raises
    ``SearchUnavailable`` as ``find_works`` does."""
    types = tuple(t for t in FACET_TYPES if t in set(tag_types))
    if not types:
        return {}
    page = find_works(
        request,
        WorkQuery(per_page=0, facet_types=types, facet_limit=max(at_most, 1), exact_facets=True),
    )
    return {entry.tag.pk: entry.count for entries in page.facets.values() for entry in entries}


def count_for(tag: Tag, counts: dict[int, int]) -> int:
    """``tag``'s count among ``works_per_filter_tag``'s: its canonical's for a synonym."""
    return counts.get(tag.merger_id or tag.pk, 0)

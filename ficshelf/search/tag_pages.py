"""A tag's page and the fandoms index: they count the works each tag finds for this reader
as its listing would (``find_works``: exclusions, mutes and the visibility rule included),
so they live with the listings. URLs under the ``tags`` names (``ficshelf/urls.py``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ficshelf.search.query import WorkQuery
from ficshelf.search.service import SearchUnavailable, find_works
from ficshelf.search.tag_counts import works_per_filter_tag
from ficshelf.tags.models import CHILD_TYPE_ORDER, GROUP_LABELS, Tag, TagType, can_wrangle
from ficshelf.works.tag_access import get_tag_for_viewer, visible_tags

RELATED_TAGS_SHOWN = 300


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """AO3's "Fandoms" page: every fandom a filter finds works by, with the count of works
    the viewer may see, grouped by initial."""
    try:
        fandoms = listed_fandoms(request)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", status=503)
    return render(request, "tags/index.html", {"groups": by_initial(fandoms)})


def listed_fandoms(request: HttpRequest) -> list[tuple[Tag, int]]:
    """The fandoms a reader may browse, by name, each with the works its listing shows
    them: canonical fandoms always; an unwrangled one once a reader can find a work in it.
    (The fandoms index and the media pages.)"""
    candidates = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(merger__isnull=True)
        .filter(Q(is_canonical=True) | Q(filter_taggings__isnull=False))
        .distinct()
    )
    # Exact even for small fandoms of a big archive (``tag_counts``).
    counts = works_per_filter_tag(request, [TagType.FANDOM], at_most=candidates.count())
    fandoms = candidates.filter(Q(is_canonical=True) | Q(pk__in=counts)).order_by("name")
    return [(fandom, counts.get(fandom.pk, 0)) for fandom in fandoms]


def by_initial(fandoms: list[tuple[Tag, int]]) -> list[tuple[str, list[tuple[Tag, int]]]]:
    """Grouped under their first letter ("#" for the rest, last), as AO3 lists fandoms."""
    groups: dict[str, list[tuple[Tag, int]]] = {}
    for fandom, count in fandoms:
        groups.setdefault(_initial(fandom.name), []).append((fandom, count))
    return sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))


def _initial(name: str) -> str:
    first = name[:1].upper()
    return first if first.isalpha() else "#"


@require_safe
def show(request: HttpRequest, tag: str) -> HttpResponse:
    found = get_tag_for_viewer(request, tag)
    if found.type == TagType.MEDIA:
        # A medium has no works of its own: its page is the list of its fandoms.
        return redirect("tags:media_fandoms", found.name)
    visible = visible_tags(request.user)
    child_groups = []
    if found.type in (TagType.FANDOM, TagType.CHARACTER):
        for child_type in CHILD_TYPE_ORDER:
            children = visible.filter(parent_taggings__parent=found, type=child_type)
            shown, more = _capped(children.order_by("name"))
            if shown:
                child_groups.append((GROUP_LABELS[child_type], shown, more))
    synonyms, more_synonyms = _capped(visible.filter(merger=found).order_by("name"))
    canonical = found.canonical
    # As many as the tag's works listing shows this reader (exclusions and mutes included).
    works_count = find_works(
        request, WorkQuery(all_tag_ids=frozenset({canonical.pk}), per_page=0, facet_limit=0)
    ).total
    context = {
        "tag": found,
        "is_wrangler": can_wrangle(request.user),
        "synonyms": synonyms,
        "more_synonyms": more_synonyms,
        "meta_tags": list(visible.filter(sub_taggings__sub_tag=found).order_by("name")),
        "sub_tags": list(visible.filter(meta_taggings__meta_tag=found).order_by("name")),
        "parents": list(visible.filter(child_taggings__child=found).order_by("type", "name")),
        "child_groups": child_groups,
        "works_tag": canonical,
        "works_count": works_count,
    }
    return render(request, "tags/show.html", context)


def _capped(tags: QuerySet[Tag]) -> tuple[list[Tag], int]:
    """The first RELATED_TAGS_SHOWN tags, and how many more there are: a big fandom has
    thousands of characters, and the page must stay small."""
    shown = list(tags[: RELATED_TAGS_SHOWN + 1])
    if len(shown) <= RELATED_TAGS_SHOWN:
        return shown, 0
    return shown[:RELATED_TAGS_SHOWN], tags.count() - RELATED_TAGS_SHOWN

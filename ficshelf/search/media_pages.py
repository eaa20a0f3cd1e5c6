"""Fandoms by media, as AO3's /media: each medium with its fandoms, counted for the reader.

Media are tags of the fixed type ``media`` (``tags.models.MEDIA``) that wranglers set as a
fandom's parents. A fandom filed under no medium shows under "Uncategorized Fandoms", as on
AO3, along with any filed there by hand. Counts are the fandoms' listings' counts
(``tag_pages.listed_fandoms``, through ``tag_counts``), so a fandom reads the same here as
on the fandoms index and its own page. URLs under the ``tags`` names (``ficshelf/urls.py``).
"""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.search.service import SearchUnavailable
from ficshelf.search.tag_pages import by_initial, listed_fandoms
from ficshelf.tags.models import MEDIA, UNCATEGORIZED_MEDIA, ParentTagging, Tag, TagType

# The biggest fandoms named under each medium on the media index (AO3 shows five).
TOP_FANDOMS_SHOWN = 5


def _media() -> list[Tag]:
    """The archive's media in AO3's order (any added by an admin after them, by name)."""
    order = {name: position for position, name in enumerate(MEDIA)}
    media = Tag.objects.of_type(TagType.MEDIA)
    return sorted(media, key=lambda m: (order.get(m.name, len(order)), m.name))


def _fandoms_by_medium(
    media: list[Tag], fandoms: list[tuple[Tag, int]]
) -> dict[int, list[tuple[Tag, int]]]:
    """medium id -> its fandoms (by name, with counts); the unfiled ones under
    Uncategorized Fandoms."""
    media_of: dict[int, set[int]] = defaultdict(set)
    for medium_id, fandom_id in ParentTagging.objects.filter(
        parent__type=TagType.MEDIA, child__type=TagType.FANDOM
    ).values_list("parent_id", "child_id"):
        media_of[fandom_id].add(medium_id)
    unfiled = {m.pk for m in media if m.name == UNCATEGORIZED_MEDIA}
    grouped: dict[int, list[tuple[Tag, int]]] = {medium.pk: [] for medium in media}
    for fandom, count in fandoms:
        for medium_id in media_of.get(fandom.pk) or unfiled:
            if medium_id in grouped:
                grouped[medium_id].append((fandom, count))
    return grouped


@require_safe
def media_index(request: HttpRequest) -> HttpResponse:
    media = _media()
    try:
        fandoms = listed_fandoms(request)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", status=503)
    grouped = _fandoms_by_medium(media, fandoms)
    shelves = []
    for medium in media:
        in_medium = grouped[medium.pk]
        biggest = sorted(in_medium, key=lambda pair: (-pair[1], pair[0].name.lower()))
        shelves.append((medium, len(in_medium), biggest[:TOP_FANDOMS_SHOWN]))
    return render(request, "tags/media_index.html", {"shelves": shelves})


@require_safe
def media_fandoms(request: HttpRequest, medium: str) -> HttpResponse:
    found = Tag.objects.of_type(TagType.MEDIA).filter(name=medium).first()
    if found is None:
        raise Http404("No such media.")
    try:
        fandoms = listed_fandoms(request)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", status=503)
    in_medium = _fandoms_by_medium(_media(), fandoms)[found.pk]
    context = {"medium": found, "groups": by_initial(in_medium), "fandom_total": len(in_medium)}
    return render(request, "tags/media_fandoms.html", context)

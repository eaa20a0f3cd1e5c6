"""Fetching a tag for a visitor: a tag nobody could have met yet (only on drafts or hidden
works) answers 404, as a missing one does."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from ficshelf.tags.models import Tag, can_wrangle, visible_among


def tags_called_exactly(name: str) -> list[Tag]:
    """The tag called exactly ``name`` (none or one), with its merger."""
    return list(Tag.objects.select_related("merger").filter(name=name))


def get_tag_for_viewer(request: HttpRequest, name: str, *, found: list[Tag] | None = None) -> Tag:
    """``found``: what ``tags_called_exactly(name)`` answered, when the caller kept it."""
    found = visible_among(tags_called_exactly(name) if found is None else found, request.user)
    if not found:
        raise Http404("No such tag.")
    return found[0]


def get_tag_for_wrangler(request: HttpRequest, name: str) -> Tag:
    """403 for anyone who is not a wrangler (before saying whether the tag exists)."""
    if not can_wrangle(request.user):
        raise PermissionDenied("Only tag wranglers can do that.")
    return get_tag_for_viewer(request, name)

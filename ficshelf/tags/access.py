"""Fetching a tag for a wrangler. Readers' tags are fetched through the visibility rule,
which follows the works (``works.tag_access``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from ficshelf.tags.models import Tag, can_wrangle


def tags_called_exactly(name: str) -> list[Tag]:
    """The tag called exactly ``name`` (none or one), with its merger."""
    return list(Tag.objects.select_related("merger").filter(name=name))


def get_tag_for_wrangler(request: HttpRequest, name: str) -> Tag:
    """403 for anyone who is not a wrangler (before saying whether the tag exists)."""
    if not can_wrangle(request.user):
        raise PermissionDenied("Only tag wranglers can do that.")
    # Wranglers may meet every tag, drafts' and hidden works' too.
    found = tags_called_exactly(name)
    if not found:
        raise Http404("No such tag.")
    return found[0]

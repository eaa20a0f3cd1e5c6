"""Tag suggestions for the posting form (the autocomplete endpoint)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ficshelf.tags.models import Tag, TagType

SUGGESTION_LIMIT = 15
# The tag types writers type freely; ratings, warnings and categories are fixed choices.
SUGGESTED_TYPES = {TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM}


@login_required
@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    """``?type=fandom&term=har`` → ``{"tags": ["Harry Potter - J. K. Rowling", ...]}``.

    Only tags a reader could already meet are suggested (canonical ones, or ones on a
    posted, unhidden work), so a draft's tags stay private.
    """
    tag_type = request.GET.get("type", "")
    term = request.GET.get("term", "").strip()[:100]
    if tag_type not in SUGGESTED_TYPES or not term:
        return JsonResponse({"tags": []})
    known = (
        Tag.objects.of_type(tag_type)
        .filter(Q(is_canonical=True) | Q(works__is_posted=True, works__is_hidden_by_admin=False))
        .filter(name__icontains=term)
        .values_list("name", flat=True)
        .distinct()
    )
    starting = list(known.filter(name__istartswith=term).order_by("name")[:SUGGESTION_LIMIT])
    rest = known.exclude(name__istartswith=term).order_by("name")
    names = starting + list(rest[: SUGGESTION_LIMIT - len(starting)])
    return JsonResponse({"tags": names})

"""Tag suggestions for the posting form (``/tags/autocomplete/``): only tags the writer could
already meet, by the visibility rule of ``tag_access``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from ficshelf.tags.models import TagType
from ficshelf.works.tag_access import visible_tags

SUGGESTION_LIMIT = 15
# The tag types writers type freely (ratings, warnings and categories are fixed choices),
# and media, which wranglers type on a fandom's wrangling form.
SUGGESTED_TYPES = {
    TagType.FANDOM,
    TagType.RELATIONSHIP,
    TagType.CHARACTER,
    TagType.FREEFORM,
    TagType.MEDIA,
}


@login_required
@require_safe
def autocomplete(request: HttpRequest) -> JsonResponse:
    """``?type=fandom&term=har`` → ``{"tags": ["Harry Potter - J. K. Rowling", ...]}``.

    Only tags this reader could already meet are suggested (``visible_tags``:
    canonical ones, or ones on a work they may see), so a draft's or a hidden work's tags
    stay private.
    """
    tag_type = request.GET.get("type", "")
    term = request.GET.get("term", "").strip()[:100]
    if tag_type not in SUGGESTED_TYPES or not term:
        return JsonResponse({"tags": []})
    known = (
        visible_tags(request.user)
        .of_type(tag_type)
        .filter(name__icontains=term)
        .values_list("name", flat=True)
        .distinct()
    )
    starting = list(known.filter(name__istartswith=term).order_by("name")[:SUGGESTION_LIMIT])
    rest = known.exclude(name__istartswith=term).order_by("name")
    names = starting + list(rest[: SUGGESTION_LIMIT - len(starting)])
    return JsonResponse({"tags": names})

"""The home page at ``/``: the latest news, the newest works and the biggest fandoms.

Works and fandom counts come from ``search.service.find_works``, the one path listings
take (exclusions, mutes and the visibility rule included), in one request to the backend.
Kept for guests as the listings are (``search.page_cache``); its news moves the key
through the site state's generation (``core.kept_pages``, ``sitecontent.state``).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.accounts.access import reader_context
from ficshelf.search.page_cache import cache_page_for_guests
from ficshelf.search.query import Sort, WorkQuery
from ficshelf.search.service import SearchUnavailable, find_works
from ficshelf.sitecontent.models import NewsPost, NewsTag
from ficshelf.tags.models import TagType

NEWS_SHOWN = 3
WORKS_SHOWN = 5
FANDOMS_SHOWN = 10


@require_safe
@cache_page_for_guests
def home(request: HttpRequest) -> HttpResponse:
    news = list(
        NewsPost.objects.prefetch_related(
            Prefetch("tags", queryset=NewsTag.objects.order_by("name"))
        )[:NEWS_SHOWN]
    )
    query = WorkQuery(
        sort=Sort.POSTED,
        per_page=WORKS_SHOWN,
        facet_types=(TagType.FANDOM.value,),
        facet_limit=FANDOMS_SHOWN,
        exact_facets=True,
    )
    try:
        found = find_works(request, query)
    except SearchUnavailable:
        works, fandoms, total, unavailable = [], [], 0, True
    else:
        works = found.works
        fandoms = found.facets.get(TagType.FANDOM.value, [])
        total, unavailable = found.total, False
    context = {
        **reader_context(request),
        "news": news,
        "works": works,
        "fandoms": fandoms,
        "works_total": total,
        "search_unavailable": unavailable,
    }
    return render(request, "sitecontent/home.html", context)

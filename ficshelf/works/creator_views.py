"""The page of an imported creator: a name in the byline of works brought in from elsewhere
(a pseud without a user, docs/decisions/0001), who has no profile here. It lists their works
as a member's profile does, through the one visibility rule."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.accounts.access import reader_context
from ficshelf.works.access import get_external_creator_for_viewer, works_credited_to

WORKS_PER_PAGE = 20


@require_safe
def external_creator(request: HttpRequest, pseud_id: int) -> HttpResponse:
    pseud = get_external_creator_for_viewer(request, pseud_id)
    works = works_credited_to(pseud, request.user).order_by("-updated_on", "-pk").for_blurbs()
    paginator = Paginator(works, WORKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        **reader_context(request),
        "pseud": pseud,
        "page": page,
        "works": page.object_list,
        "page_numbers": list(paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/external_creator.html", context)

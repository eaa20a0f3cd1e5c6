"""Creators' pages, listing their works through the one visibility rule: a member's profile
(``/users/<name>/``, under the ``users`` names: ``ficshelf/urls.py``), and the page of an
imported creator, a name in the byline of works brought in from elsewhere (a pseud without a
user, docs/decisions/0001), who has no profile here."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.accounts.access import get_user_for_profile, has_muted, is_blocked, reader_context
from ficshelf.works.access import get_external_creator_for_viewer, works_credited_to
from ficshelf.works.models import Work

WORKS_PER_PAGE = 20
PROFILE_WORKS_SHOWN = 50


@require_safe
def member_profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    works = (
        Work.objects.visible_to(request.user)
        .posted()
        .filter(creatorships__pseud__user=member, creatorships__is_approved=True)
        .shown_on_creator_pages()
        .distinct()
        .order_by("-updated_on", "-pk")
        .for_blurbs()
    )
    viewer = request.user
    is_me = viewer.is_authenticated and viewer.pk == member.pk
    context = {
        **reader_context(request),
        "member": member,
        "pseuds": member.pseuds.order_by("-is_default", "name"),
        "works": works[:PROFILE_WORKS_SHOWN],
        "work_total": works.count(),
        "is_me": is_me,
        "i_blocked": not is_me and is_blocked(by=viewer, other=member),
        "i_muted": not is_me and has_muted(by=viewer, other=member),
    }
    return render(request, "accounts/profile.html", context)


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

"""Creators' pages, listing their works through the one visibility rule: a member's profile
(``/users/<name>/``, under the ``users`` names: ``ficshelf/urls.py``), and the page of an
imported creator, a name in the byline of works brought in from elsewhere (a pseud without a
user, docs/decisions/0001), who has no profile here."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.access import get_user_for_profile, has_muted, is_blocked, reader_context
from ficshelf.accounts.models import User
from ficshelf.works.access import get_external_creator_for_viewer, works_credited_to
from ficshelf.works.actions import refuse_gift
from ficshelf.works.member_choices import member_hidden_from_search_engines
from ficshelf.works.models import Gift, Work

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
        "noindex": member_hidden_from_search_engines(member),
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


@require_safe
def member_gifts(request: HttpRequest, username: str) -> HttpResponse:
    """The works given to a member (refused gifts aside) that the viewer may see; the
    member can refuse each one here."""
    member = get_user_for_profile(username)
    given = Gift.objects.filter(recipient__user=member, refused_at__isnull=True)
    works = (
        Work.objects.visible_to(request.user)
        .posted()
        .filter(pk__in=given.values("work_id"))
        .order_by("-updated_on", "-pk")
        .for_blurbs()
    )
    paginator = Paginator(works, WORKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    is_me = request.user.is_authenticated and request.user.pk == member.pk
    gift_ids = dict(given.filter(work__in=page.object_list).values_list("work_id", "pk"))
    context = {
        **reader_context(request),
        "member": member,
        "page": page,
        "works": page.object_list,
        "page_numbers": list(paginator.get_elided_page_range(page.number)),
        "is_me": is_me,
        "refusable": [(work, gift_ids.get(work.pk)) for work in page.object_list] if is_me else [],
    }
    return render(request, "works/gifts.html", context)


@require_POST
def refuse_gift_view(request: HttpRequest, gift_id: int) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise Http404("No such gift.")
    gift = get_object_or_404(Gift, pk=gift_id, recipient__user=user, refused_at__isnull=True)
    refuse_gift(gift, actor=user)
    messages.success(request, "You refused the gift: the work no longer names you.")
    return redirect("users:gifts", user.get_username())

"""Creators' pages, listing their works through the one visibility rule: a member's profile
(``/users/<name>/``, under the ``users`` names: ``ficshelf/urls.py``) and its tabs (series,
gifts, collections), and the page of an imported creator, a name in the byline of works
brought in from elsewhere (a pseud without a user, docs/decisions/0001), who has no profile
here but the same page shape.

What these pages find through a creator's works (their series, their collections) is found
only through works the viewer may see and that a creator's pages may list
(``shown_on_creator_pages``): a work in an anonymous or unrevealed collection never leads
from its creator to a series or a collection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.access import get_user_for_profile, has_muted, is_blocked, reader_context
from ficshelf.accounts.models import MemberProfile, Pseud, User
from ficshelf.core.sanitizer import refresh_if_stale
from ficshelf.works.access import get_external_creator_for_viewer, works_credited_to
from ficshelf.works.actions import refuse_gift
from ficshelf.works.collection_models import MODERATING_ROLES, Role
from ficshelf.works.member_choices import member_hidden_from_search_engines
from ficshelf.works.models import (
    Collection,
    CollectionItem,
    CollectionParticipant,
    Creatorship,
    Gift,
    Series,
    SeriesWork,
    Work,
    work_visible_to,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

WORKS_PER_PAGE = 20
SERIES_PER_PAGE = 20
COLLECTIONS_PER_PAGE = 20
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
    profile = MemberProfile.objects.filter(user=member).first()
    if profile is not None:
        refresh_if_stale(profile, ["about"])
    pseuds = list(pseuds_with_icons(member))
    context = {
        **reader_context(request),
        "member": member,
        "about": profile.about if profile else "",
        "pseuds": pseuds,
        "default_pseud": next((p for p in pseuds if p.is_default), None),
        "works": works[:PROFILE_WORKS_SHOWN],
        "work_total": works.count(),
        "is_me": is_me,
        "i_blocked": not is_me and is_blocked(by=viewer, other=member),
        "i_muted": not is_me and has_muted(by=viewer, other=member),
        "noindex": member_hidden_from_search_engines(member),
    }
    return render(request, "accounts/profile.html", context)


def pseuds_with_icons(member: User) -> QuerySet[Pseud]:
    """The member's pseuds, default first, each with its icon's description and address
    (the picture itself stays in the database until asked for)."""
    pseuds = member.pseuds.select_related("user", "icon").defer("icon__image")
    return pseuds.order_by("-is_default", "name")


def _tab_context(request: HttpRequest, member: User, tab: str) -> dict[str, Any]:
    return {
        **reader_context(request),
        "member": member,
        "current_tab": tab,
        "noindex": member_hidden_from_search_engines(member),
    }


def _shown_credited_parts(
    credited: QuerySet[Creatorship], viewer: User | AnonymousUser | None
) -> QuerySet[SeriesWork]:
    """Parts of the outer series whose works carry one of ``credited`` and may be listed
    on a creator's page for ``viewer``."""
    return SeriesWork.objects.filter(
        series=OuterRef("pk"),
        work_id__in=credited.values("work_id"),
        work__is_posted=True,
        work__in_anonymous_collection=False,
        work__in_unrevealed_collection=False,
    ).filter(work_visible_to(viewer))


def series_of(
    credited: QuerySet[Creatorship], viewer: User | AnonymousUser | None
) -> QuerySet[Series]:
    """Series with a work credited through ``credited`` that ``viewer`` may see, each with
    the number and words of its works ``viewer`` may see (what its page lists)."""
    visible_parts = (
        SeriesWork.objects.filter(series=OuterRef("pk"), work__is_posted=True)
        .filter(work_visible_to(viewer))
        .order_by()
        .values("series")
    )
    return (
        Series.objects.filter(Exists(_shown_credited_parts(credited, viewer)))
        .annotate(
            work_count=_subquery_total(visible_parts.annotate(n=Count("pk"))),
            word_count=_subquery_total(visible_parts.annotate(n=Sum("work__word_count"))),
        )
        .order_by("title", "pk")
    )


def _subquery_total(rows: QuerySet[Any]) -> Coalesce:
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), 0)


def collections_of(member: User, viewer: User | AnonymousUser | None) -> QuerySet[Collection]:
    """Collections ``member`` owns or moderates, and those holding a work of theirs that
    ``viewer`` may see and a creator's page may list; each with the member's role there
    (``role``, empty for none) and how many of those works it holds."""
    credited = Creatorship.objects.filter(pseud__user=member, is_approved=True)
    their_works = (
        CollectionItem.objects.approved()
        .filter(
            collection=OuterRef("pk"),
            work_id__in=credited.values("work_id"),
            work__is_posted=True,
            work__in_anonymous_collection=False,
            work__in_unrevealed_collection=False,
        )
        .filter(work_visible_to(viewer))
        .order_by()
        .values("collection")
    )
    role = CollectionParticipant.objects.filter(
        collection=OuterRef("pk"), user=member, role__in=MODERATING_ROLES
    ).values("role")[:1]
    return (
        Collection.objects.annotate(
            role=Coalesce(Subquery(role), Value("")),
            member_work_count=_subquery_total(their_works.annotate(n=Count("pk"))),
        )
        .filter(Q(role__in=MODERATING_ROLES) | Q(member_work_count__gt=0))
        .order_by("title", "pk")
    )


@require_safe
def member_series(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    credited = Creatorship.objects.filter(pseud__user=member, is_approved=True)
    page = Paginator(series_of(credited, request.user), SERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        **_tab_context(request, member, "series"),
        "page": page,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/member_series.html", context)


@require_safe
def member_collections(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    page = Paginator(collections_of(member, request.user), COLLECTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    roles = dict(Role.choices)
    context = {
        **_tab_context(request, member, "collections"),
        "page": page,
        "rows": [(c, roles.get(c.role, "")) for c in page.object_list],
        "page_numbers": list(page.paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/member_collections.html", context)


@require_safe
def external_creator(request: HttpRequest, pseud_id: int) -> HttpResponse:
    pseud = get_external_creator_for_viewer(request, pseud_id)
    works = works_credited_to(pseud, request.user).order_by("-updated_on", "-pk").for_blurbs()
    paginator = Paginator(works, WORKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        **reader_context(request),
        "pseud": pseud,
        "current_tab": "works",
        "page": page,
        "works": page.object_list,
        "page_numbers": list(paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/external_creator.html", context)


@require_safe
def external_creator_series(request: HttpRequest, pseud_id: int) -> HttpResponse:
    pseud = get_external_creator_for_viewer(request, pseud_id)
    credited = Creatorship.objects.filter(pseud=pseud, is_approved=True)
    page = Paginator(series_of(credited, request.user), SERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        **reader_context(request),
        "pseud": pseud,
        "current_tab": "series",
        "page": page,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/external_creator_series.html", context)


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
        **_tab_context(request, member, "gifts"),
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

"""Pseuds, a member's pseuds, and imported creators' works, fetched as the site's creator
pages fetch them: a member through the profile's lookup (``get_user_for_profile``), an
imported creator (a pseud without an account) only while a work the reader may see credits
them (``get_external_creator_for_viewer``), so a name credited only on a draft, a hidden or
restricted work, or one in an anonymous or unrevealed collection is never told."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.urls import reverse

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.accounts.models import Pseud
from ficshelf.api import schemas
from ficshelf.api.reads import ERRORS, LISTING_ERRORS, Username, _id, _viewed_as
from ficshelf.api.routes import router
from ficshelf.api.serialize import Urls, api_root, work_summary
from ficshelf.search.views import WORKS_PER_PAGE
from ficshelf.works.access import get_external_creator_for_viewer, works_credited_to


def _pseud(found: Pseud) -> dict[str, Any]:
    return {
        "id": found.pk,
        "name": found.name,
        "description": found.description,
        "is_default": found.is_default,
    }


def _pseud_in_full(found: Pseud) -> dict[str, Any]:
    if found.user is None:  # imported: their page here, and their works
        url = reverse("works:external_creator", args=[found.pk])
        works_url = f"{api_root()}creators/{found.pk}/works"
        username = None
    else:
        username = found.user.username
        url = reverse("users:profile", args=[username])
        works_url = f"{api_root()}works?{urlencode({'username': username})}"
    return {**_pseud(found), "username": username, "url": url, "works_url": works_url}


@router.get("/pseuds/{pseud_id}", response={200: schemas.PseudInFull, **ERRORS}, tags=["read"])
def pseud(request: HttpRequest, pseud_id: int) -> Any:
    """A member's pseud (while their profile is shown), or an imported creator's name
    (while a work the reader may see credits it)."""
    _viewed_as(request)
    found = Pseud.objects.select_related("user").filter(pk=_id(pseud_id)).first()
    if found is None:
        raise Http404("No such pseud.")
    if found.user is None:
        return _pseud_in_full(get_external_creator_for_viewer(request, found.pk))
    member = get_user_for_profile(found.user.username)
    return _pseud_in_full(member.pseuds.get(pk=found.pk))


@router.get("/users/{username}/pseuds", response={200: schemas.PseudList, **ERRORS}, tags=["read"])
def user_pseuds(request: HttpRequest, username: Username) -> Any:
    """A member's pseuds, their default first, as their profile lists them."""
    _viewed_as(request)
    member = get_user_for_profile(username)
    pseuds = member.pseuds.order_by("-is_default", "name")
    return {"username": member.username, "pseuds": [_pseud(p) for p in pseuds]}


@router.get(
    "/creators/{pseud_id}/works",
    response={200: schemas.CreatorWorks, **LISTING_ERRORS},
    tags=["read"],
)
def creator_works(request: HttpRequest, pseud_id: int, cursor: int | None = None) -> Any:
    """An imported creator's works the reader may see (the site's ``/creators/{id}/``),
    newest first, 20 a page: never a work in an anonymous or unrevealed collection."""
    found = get_external_creator_for_viewer(_viewed_as(request), _id(pseud_id))
    works = works_credited_to(found, request.user)
    total = works.count()
    rows = works.order_by("-pk")
    if cursor is not None:
        rows = rows.filter(pk__lt=_id(cursor))
    page = list(rows.for_blurbs()[: WORKS_PER_PAGE + 1])
    urls = Urls()
    return {
        "pseud": _pseud_in_full(found),
        "works": [work_summary(work, urls) for work in page[:WORKS_PER_PAGE]],
        "total": total,
        "next_cursor": (str(page[WORKS_PER_PAGE - 1].pk) if len(page) > WORKS_PER_PAGE else None),
    }

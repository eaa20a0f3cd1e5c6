"""The skin reviewers' queue (``/skins/review/``): the site and work skins members asked to
make public, each with its CSS as it stands, approved or rejected with a reason by members
with ``accounts.approve_skins`` (``core.public_skins``: audited); the public ones, to
unpublish one with a reason. Site skins are the accounts app's, work skins this app's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.models import SiteSkin, User
from ficshelf.accounts.skin_actions import SITE_SKINS
from ficshelf.core.public_skins import (
    APPROVE_SKINS,
    PublicState,
    SkinKind,
    SkinReviewRefused,
    css_digest,
    is_reviewers_own,
)
from ficshelf.works.skin_actions import WORK_SKINS
from ficshelf.works.skin_models import WorkSkin

# The kinds as the queue's addresses name them (``/skins/review/<kind>/<id>/``).
KINDS: dict[str, SkinKind[Any]] = {
    "site": SITE_SKINS,
    "work": WORK_SKINS,
}


def _reviewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm(APPROVE_SKINS):
        raise PermissionDenied("Only the archive's skin reviewers can see this page.")
    return user


def _in_state(model: type[SiteSkin] | type[WorkSkin], state: str) -> QuerySet[SiteSkin | WorkSkin]:
    found: QuerySet[SiteSkin | WorkSkin] = model.objects.filter(public_state=state).select_related(
        "owner"
    )
    return found.order_by("updated_at", "pk")


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    reviewer = _reviewer(request)
    sections = [
        (
            kind,
            label,
            [
                (skin, css_digest(skin.css), is_reviewers_own(skin, reviewer))
                for skin in _in_state(model, PublicState.REQUESTED)
            ],
            list(_in_state(model, PublicState.APPROVED)),
        )
        for kind, label, model in (
            ("site", "Site skins", SiteSkin),
            ("work", "Work skins", WorkSkin),
        )
    ]
    return render(request, "works/skin_review.html", {"sections": sections})


@login_required
@require_POST
def review_skin(request: HttpRequest, kind: str, skin_id: int) -> HttpResponse:
    reviewer = _reviewer(request)
    skin_kind = KINDS.get(kind)
    if skin_kind is None:
        raise Http404("No such kind of skin.")
    skin = get_object_or_404(skin_kind.model, pk=skin_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose Approve or Reject.")
        return redirect("works:skin_review")
    reason = request.POST.get("reason", "")
    read = request.POST.get("read", "")  # the digest of the CSS the page showed
    try:
        skin_kind.review(
            skin, actor=reviewer, approve=decision == "approve", reason=reason, read=read
        )
    except SkinReviewRefused as refused:
        messages.error(request, f"“{skin.title}”: {refused}")
        return redirect("works:skin_review")
    done = "approved: it is public now" if decision == "approve" else "rejected"
    messages.success(request, f"“{skin.title}” was {done}.")
    return redirect("works:skin_review")

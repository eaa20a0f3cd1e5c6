"""The owner's button on a skin's form (``core/skin_form.html``): ask for the skin to be
made public, or make it private again. One view body for both kinds of skin
(``accounts.skin_views``, ``works.skin_views`` pass their ``SkinKind``), as the steps
behind it are one (``core.public_skins``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect

from ficshelf.core.public_skins import ReviewableSkin, SkinKind, SkinReviewRefused


def public_step(
    request: HttpRequest, kind: SkinKind[Any], skin: ReviewableSkin, *, back: str
) -> HttpResponse:
    """The step the form's button sent, for ``skin`` (the caller found it among the
    member's own); then back to its form at ``back``, which says what became of it."""
    step = request.POST.get("step")
    try:
        if step == "request":
            kind.request_public(skin, owner=request.user)
            messages.success(
                request, "Your skin waits for a reviewer; their answer will show on this page."
            )
        elif step == "withdraw":
            kind.withdraw(skin, owner=request.user)
            messages.success(request, "Your skin is private again.")
        else:
            return HttpResponseBadRequest("Ask to make the skin public, or make it private.")
    except SkinReviewRefused as refused:
        messages.error(request, str(refused))
    return redirect(back)

"""The Hide, Unhide, Freeze and Unfreeze buttons under a comment (``social.comment_moderation``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from ficshelf.social import comment_moderation
from ficshelf.social.access import get_comment_for_viewer
from ficshelf.social.comment_moderation import ModerationRefused
from ficshelf.social.views._common import _back

DONE = {
    "hide": "Comment hidden: only its author, the work's creators and moderators see it.",
    "unhide": "Comment shown again.",
    "freeze": "Thread frozen: it takes no more replies.",
    "unfreeze": "Thread unfrozen.",
}


@login_required
@require_POST
def moderate_comment(request: HttpRequest, comment_id: int, change: str) -> HttpResponse:
    if change not in DONE:
        raise Http404("No such change.")
    comment = get_comment_for_viewer(request, comment_id)
    actor = request.user
    try:
        if change in ("hide", "unhide"):
            comment_moderation.set_hidden(comment, hidden=change == "hide", actor=actor)  # type: ignore[arg-type]
        else:
            comment_moderation.set_frozen(comment, frozen=change == "freeze", actor=actor)  # type: ignore[arg-type]
    except ModerationRefused as error:
        return HttpResponse(str(error), status=403)
    messages.success(request, DONE[change])
    default = reverse("social:comment", args=[comment.pk])
    return _back(request, default)

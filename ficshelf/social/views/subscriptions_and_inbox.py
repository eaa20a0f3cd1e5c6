"""Subscriptions to works, series and creators, and the inbox they fill."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.core.parsing import parse_id
from ficshelf.social import actions
from ficshelf.social.actions import ActionRefused
from ficshelf.social.creator_notices import as_they_stand
from ficshelf.social.models import Subscription
from ficshelf.social.prepared_reads import inbox_pages
from ficshelf.social.views._common import _back, _me, _page
from ficshelf.works.access import get_series_for_viewer, get_work_for_viewer
from ficshelf.works.models import work_visible_to

# ---- Subscriptions and the inbox ----


def _toggle_subscription(request: HttpRequest, **target: Any) -> None:
    user = _me(request)
    if request.POST.get("subscribe", "1") == "0":
        Subscription.objects.filter(user=user, **target).delete()
        messages.success(request, "You have unsubscribed.")
        return
    try:
        actions.subscribe(actor=user, **target)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You are now subscribed. New chapters will show in your inbox.")


@login_required
@require_POST
def subscribe_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    _toggle_subscription(request, work=work)
    return _back(request, work.get_absolute_url())


@login_required
@require_POST
def subscribe_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    _toggle_subscription(request, series=series)
    return _back(request, reverse("social:my_subscriptions"))


@login_required
@require_POST
def subscribe_creator(request: HttpRequest, username: str) -> HttpResponse:
    creator = get_user_for_profile(username)  # the profile's one lookup (who has a page)
    _toggle_subscription(request, creator=creator)
    return _back(request, reverse("social:my_subscriptions"))


@login_required
@require_safe
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    subscriptions = (
        Subscription.objects.filter(user=_me(request))
        .filter(Q(work__isnull=True) | Q(work_visible_to(request.user)))
        .select_related("work", "series", "creator")
        .order_by("-created_at")
    )
    return render(request, "social/subscriptions.html", {"subscriptions": subscriptions})


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    only_unread = request.GET.get("filter") == "unread"
    # Items about works the reader can no longer see (hidden, restricted, muted) drop out.
    page = _page(request, inbox_pages(me, unread_only=only_unread))
    as_they_stand(page.object_list)  # invitations: today's titles, not those of the day sent
    unread_count = (
        page.paginator.count if only_unread else inbox_pages(me, unread_only=True).count()
    )
    context = {
        "page": page,
        "items": page.object_list,
        "unread_count": unread_count,
        "only_unread": only_unread,
    }
    return render(request, "social/inbox.html", context)


@login_required
@require_POST
def mark_inbox_read(request: HttpRequest) -> HttpResponse:
    ids = None
    if "all" not in request.POST:
        ids = [i for i in map(parse_id, request.POST.getlist("item")) if i is not None]
    actions.mark_inbox_items_read(actor=_me(request), item_ids=ids)
    return redirect("social:inbox")

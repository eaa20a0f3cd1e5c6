"""The pages where a series' creators manage it: its fields, the order of its works, its
co-creators, deleting it; and where an invited member answers. Every change goes through
``works.series_actions``; a series anyone but its creators asks for here is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts.models import User
from ficshelf.works import series_actions
from ficshelf.works.forms.series import InviteSeriesCreatorForm, ReorderSeriesForm, SeriesForm
from ficshelf.works.models import Series, SeriesCreatorship
from ficshelf.works.series_actions import SeriesError


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in users through
    return user


def _series_for_manager(request: HttpRequest, series_id: int) -> Series:
    series = Series.objects.filter(pk=series_id).first()
    if series is None or not series_actions.manages_series(_user(request), series):
        raise Http404("No such series.")
    return series


def _page(
    request: HttpRequest,
    series: Series,
    *,
    form: SeriesForm | None = None,
    order: ReorderSeriesForm | None = None,
    invite: InviteSeriesCreatorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    parts = series_actions.part_of(series)
    order = order or ReorderSeriesForm(parts=parts)
    context = {
        "series": series,
        "form": form or SeriesForm(initial=SeriesForm.initial_for(series)),
        "order": order,
        "rows": [(part, order[f"part_{part.work_id}"]) for part in parts],
        "invite": invite or InviteSeriesCreatorForm(),
        "co_creators": series.creatorships.select_related("pseud").order_by("pk"),
        "is_co_creator": series.creatorships.filter(
            pseud__user=_user(request), is_approved=True
        ).exists(),
    }
    return render(request, "works/posting/manage_series.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_series(request: HttpRequest, series_id: int) -> HttpResponse:
    """Edit the series' title, description, notes and complete flag (POST), or show the page."""
    series = _series_for_manager(request, series_id)
    if request.method != "POST":
        return _page(request, series)
    form = SeriesForm(request.POST)
    if not form.is_valid():
        return _page(request, series, form=form, status=400)
    series_actions.edit_series(series, form.to_fields(), actor=_user(request))
    messages.success(request, "Series saved.")
    return redirect("works:series", series_id=series.pk)


@login_required
@require_POST
def reorder_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _series_for_manager(request, series_id)
    order = ReorderSeriesForm(request.POST, parts=series_actions.part_of(series))
    if not order.is_valid():
        return _page(request, series, order=order, status=400)
    try:
        series_actions.reorder_series(series, order.ordered_work_ids(), actor=_user(request))
    except SeriesError as refusal:  # a work joined or left since the page was shown
        messages.error(request, str(refusal))
        return redirect("works:manage_series", series_id=series.pk)
    messages.success(request, "Works reordered.")
    return redirect("works:manage_series", series_id=series.pk)


@login_required
@require_POST
def invite_series_creator(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _series_for_manager(request, series_id)
    invite = InviteSeriesCreatorForm(request.POST)
    if invite.is_valid():
        pseud = invite.cleaned_data["name"]
        try:
            series_actions.invite_series_co_creator(series, pseud, actor=_user(request))
        except SeriesError as refusal:
            invite.add_error("name", str(refusal))
        else:
            messages.success(request, f"{pseud.name} is invited to co-create the series.")
            return redirect("works:manage_series", series_id=series.pk)
    return _page(request, series, invite=invite, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _series_for_manager(request, series_id)
    if request.method == "POST":
        title = series.title
        series_actions.delete_series(series, actor=_user(request))
        messages.success(request, f"The series “{title}” was deleted; its works stay.")
        return redirect("works:dashboard")
    return render(request, "works/posting/delete_series.html", {"series": series})


@login_required
@require_POST
def leave_series(request: HttpRequest, series_id: int) -> HttpResponse:
    """A co-creator takes their name off the series; their works in it stay there."""
    series = _series_for_manager(request, series_id)
    series_actions.leave_series(series, actor=_user(request))
    messages.success(request, f"You are no longer a co-creator of the series “{series.title}”.")
    return redirect("works:dashboard")


@login_required
@require_POST
def answer_series_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = (
        SeriesCreatorship.objects.select_related("series", "pseud")
        .filter(pk=invitation_id, pseud__user=_user(request), is_approved=False)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose Accept or Decline.")
        return redirect("works:dashboard")
    title = invitation.series.title
    series_actions.answer_series_invitation(
        invitation, accept=answer == "accept", actor=_user(request)
    )
    if answer == "accept":
        messages.success(request, f"You are now a creator of the series “{title}”.")
    else:
        messages.success(request, f"You declined to co-create the series “{title}”.")
    return redirect("works:dashboard")

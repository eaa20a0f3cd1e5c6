"""Setting the site banner, and dismissing it: a plain form button (no script needed; the
policy forbids inline script), so it works everywhere, for members (a row) and guests (a
cookie naming the banner)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts.models import User
from ficshelf.sitecontent import actions
from ficshelf.sitecontent.forms import BannerForm
from ficshelf.sitecontent.models import SiteBanner
from ficshelf.sitecontent.state import DISMISSED_BANNER_COOKIE

# A guest's dismissal is remembered this long (a member's for good).
GUEST_DISMISSAL_SECONDS = 60 * 60 * 24 * 365


def _back(request: HttpRequest) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return "/"


# No CSRF token: a token in the banner's form would keep every guest page from being kept
# (``search.page_cache`` keeps no page with one). A forged dismissal could only hide a
# notice, and the session cookie (SameSite=Lax) is not sent with another site's POST.
@csrf_exempt
@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("banner", "")
    response = HttpResponseRedirect(_back(request))
    if not raw.isdigit() or len(raw) > 18:
        return response
    if isinstance(request.user, User):
        actions.dismiss_banner(request.user, int(raw))
    else:
        response.set_cookie(
            DISMISSED_BANNER_COOKIE,
            raw,
            max_age=GUEST_DISMISSAL_SECONDS,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(actions.PUBLISH_NEWS):
        raise PermissionDenied("Setting the banner needs the permission to publish news.")
    active = SiteBanner.objects.filter(is_active=True).first()
    status = 200
    if request.method == "POST" and request.POST.get("take_down") == "yes":
        actions.take_down_banner(actor=request.user)
        messages.success(request, "The banner is taken down.")
        return HttpResponseRedirect(request.path)
    if request.method == "POST":
        form = BannerForm(request.POST)
        if form.is_valid():
            actions.set_banner(
                actor=request.user,
                text=form.cleaned_data["text"],
                expires_at=form.cleaned_data["expires_at"],
                show_again=form.cleaned_data["show_again"] or active is None,
            )
            messages.success(request, "The banner is up.")
            return HttpResponseRedirect(request.path)
        status = 400
    else:
        initial = {"text": active.text, "expires_at": active.expires_at} if active else None
        form = BannerForm(initial=initial)
    context = {"form": form, "active": active}
    return render(request, "sitecontent/banner_edit.html", context, status=status)

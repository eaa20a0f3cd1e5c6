"""A member's own site skins: their list, the form to write one, and each one's stylesheet.

A site skin may style the whole page (unlike a work skin, kept to the work's text) with the
same properties and values (``core.css_sanitizer``). The member picks one in their
preferences, over the archive's skin they chose there; only their own pages link it
(``reader_site_skin_url``, from ``accounts.access.reader_context``). The stylesheet's
address carries a digest of its CSS, so it is kept for a year and a change is a new one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.core.skin_forms import SkinForm
from ficshelf.core.versioned import versioned_response

_HELP = (
    "CSS for every page you see, over the archive's skin you chose in your preferences. "
    "The page's parts have classes you can style (.site-header, .site-main, .blurb, "
    ".userstuff...). Comments are dropped, url() is only for images, and position: fixed, "
    "@import and @font-face are not allowed."
)


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only members through
    return user


@login_required
@require_safe
def skin_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    chosen = Preference.objects.filter(user=me).values_list("site_skin_id", flat=True).first()
    skins = [
        {
            "title": skin.title,
            "edit_url": reverse("accounts:site_skin_edit", args=[skin.pk]),
            "note": "in use" if skin.pk == chosen else "",
        }
        for skin in SiteSkin.objects.filter(owner=me)
    ]
    return render(
        request,
        "core/skins.html",
        {
            **reader_context(request),
            "heading": "My site skins",
            "lead": "Your own look for the whole archive. Choose one in your preferences.",
            "skins": skins,
            "new_url": reverse("accounts:site_skin_new"),
            "back_url": reverse("accounts:preferences"),
            "back_label": "Back to your preferences",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def skin_new(request: HttpRequest) -> HttpResponse:
    return _skin_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def skin_edit(request: HttpRequest, skin_id: int) -> HttpResponse:
    return _skin_form(request, get_object_or_404(SiteSkin, pk=skin_id, owner=_me(request)))


def _skin_form(request: HttpRequest, skin: SiteSkin | None) -> HttpResponse:
    initial = {"title": skin.title, "css": skin.css} if skin else None
    form = SkinForm(request.POST or None, initial=initial, scope=None, help_text=_HELP)
    if request.method == "POST" and form.is_valid():
        if skin is None:
            skin = SiteSkin(owner=_me(request))
        skin.title, skin.css = form.cleaned_data["title"], form.cleaned_data["css"]
        skin.save()  # raises the member's reader version: their next page links it anew
        messages.success(request, f"Your site skin “{skin.title}” was saved.")
        return redirect("accounts:site_skin_edit", skin_id=skin.pk)
    context = {
        **reader_context(request),
        "form": form,
        "heading": f"Edit site skin “{skin.title}”" if skin else "New site skin",
        "lead": "Choose a saved skin in your preferences to see it on every page.",
        "list_url": reverse("accounts:site_skins"),
        "delete_url": reverse("accounts:site_skin_delete", args=[skin.pk]) if skin else "",
        "delete_note": "If it is in use, you go back to the archive's skin you chose.",
    }
    return render(request, "core/skin_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def skin_delete(request: HttpRequest, skin_id: int) -> HttpResponse:
    skin = get_object_or_404(SiteSkin, pk=skin_id, owner=_me(request))
    with transaction.atomic():
        skin.delete()
    messages.success(request, f"Your site skin “{skin.title}” was deleted.")
    return redirect("accounts:site_skins")


@require_safe
def skin_stylesheet(request: HttpRequest, skin_id: int, version: str) -> HttpResponse:
    skin = SiteSkin.objects.filter(pk=skin_id).only("css").first()
    if skin is None:
        raise Http404("No such skin.")
    current_url = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    return versioned_response(
        skin.css,
        "text/css; charset=utf-8",
        asked=version,
        current=skin.version,
        current_url=current_url,
    )

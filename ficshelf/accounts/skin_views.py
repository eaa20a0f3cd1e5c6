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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.accounts.skin_actions import (
    SITE_SKINS,
    choose_site_skin,
    delete_site_skin,
    save_site_skin,
)
from ficshelf.core.css_sanitizer import clean_css
from ficshelf.core.public_skin_views import public_step
from ficshelf.core.public_skins import PublicState, public_section
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
            "note": ", ".join(
                note
                for note in (
                    "in use" if skin.pk == chosen else "",
                    PublicState(skin.public_state).label if skin.public_state else "",
                )
                if note
            ),
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
        # Saving raises the member's reader version: their next page links it anew.
        skin = save_site_skin(
            owner=_me(request),
            title=form.cleaned_data["title"],
            css=form.cleaned_data["css"],
            skin=skin,
        )
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
        "public": public_section(
            skin, reverse("accounts:site_skin_public", args=[skin.pk]) if skin else ""
        ),
    }
    return render(request, "core/skin_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def skin_delete(request: HttpRequest, skin_id: int) -> HttpResponse:
    skin = get_object_or_404(SiteSkin, pk=skin_id, owner=_me(request))
    delete_site_skin(skin, owner=_me(request))
    messages.success(request, f"Your site skin “{skin.title}” was deleted.")
    return redirect("accounts:site_skins")


@login_required
@require_POST
def skin_public(request: HttpRequest, skin_id: int) -> HttpResponse:
    """The owner asks for their skin to be made public, or makes it private again."""
    skin = get_object_or_404(SiteSkin, pk=skin_id, owner=_me(request))
    return public_step(
        request, SITE_SKINS, skin, back=reverse("accounts:site_skin_edit", args=[skin.pk])
    )


@login_required
@require_safe
def public_skin_list(request: HttpRequest) -> HttpResponse:
    """The approved public site skins, each with its author (while active), a preview and
    the button that wears it."""
    chosen = Preference.objects.filter(user=_me(request)).values_list("site_skin_id", flat=True)
    skins = SiteSkin.objects.filter(public_state=PublicState.APPROVED).select_related("owner")
    return render(
        request,
        "accounts/public_site_skins.html",
        {**reader_context(request), "skins": skins, "chosen_id": chosen.first()},
    )


@login_required
@require_safe
def public_skin_preview(request: HttpRequest, skin_id: int) -> HttpResponse:
    """The public skins' page as it looks with this skin on, before choosing it."""
    skin = get_object_or_404(SiteSkin, pk=skin_id, public_state=PublicState.APPROVED)
    skins = SiteSkin.objects.filter(public_state=PublicState.APPROVED).select_related("owner")
    context = {
        **reader_context(request),
        "skins": skins,
        "previewed": skin,
        # This page alone links the previewed skin instead of the member's own choice.
        "reader_site_skin_url": reverse(
            "accounts:site_skin_stylesheet", args=[skin.pk, skin.version]
        ),
    }
    return render(request, "accounts/public_site_skins.html", context)


@login_required
@require_POST
def public_skin_choose(request: HttpRequest, skin_id: int) -> HttpResponse:
    skin = get_object_or_404(SiteSkin, pk=skin_id, public_state=PublicState.APPROVED)
    choose_site_skin(_me(request), skin)
    messages.success(request, f"You now see the archive in “{skin.title}”.")
    return redirect("accounts:public_site_skins")


@require_safe
def skin_stylesheet(request: HttpRequest, skin_id: int, version: str) -> HttpResponse:
    skin = SiteSkin.objects.filter(pk=skin_id).only("css").first()
    if skin is None:
        raise Http404("No such skin.")
    current_url = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    return versioned_response(
        # Cleaned again: an image host taken off the list since it was saved is dropped.
        clean_css(skin.css, scope=None).css,
        "text/css; charset=utf-8",
        asked=version,
        current=skin.version,
        current_url=current_url,
    )

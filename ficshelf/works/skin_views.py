"""Work skins: a creator's list, the form to write one, and each skin's stylesheet.

The stylesheet is served at an address carrying a digest of its CSS
(``WorkSkin.stylesheet_url``), so browsers and proxies keep it for a year and a change is a
new address; an old address is sent on to the current one. Anyone may fetch a stylesheet
(a work page's readers need it); it holds nothing but cleaned CSS.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import User
from ficshelf.core.css_sanitizer import WORK_SKIN_SCOPE, clean_css
from ficshelf.core.public_skin_views import public_step
from ficshelf.core.public_skins import public_section
from ficshelf.core.skin_forms import SkinForm
from ficshelf.core.versioned import versioned_response
from ficshelf.works.skin_actions import WORK_SKINS, delete_work_skin, save_work_skin
from ficshelf.works.skin_models import WorkSkin

_HELP = (
    "Style the text of your works: every rule applies inside the work only (the archive "
    "puts it under #workskin). Give parts of your text a class in the HTML "
    '(<code>&lt;p class="letter"&gt;</code>) and style <code>.letter</code> here. Comments '
    "are dropped, and so is what could reach outside the work: url() only for images, "
    "no position: fixed, no @import or @font-face."
)


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only members through
    return user


def _mine(request: HttpRequest, skin_id: int) -> WorkSkin:
    return get_object_or_404(WorkSkin, pk=skin_id, owner=_me(request))


@login_required
@require_safe
def skin_list(request: HttpRequest) -> HttpResponse:
    skins = [
        {
            "title": skin.title,
            "edit_url": reverse("works:skin_edit", args=[skin.pk]),
            "note": _used_by(skin)
            + (f", {skin.get_public_state_display()}" if skin.public_state else ""),
        }
        for skin in WorkSkin.objects.filter(owner=_me(request))
    ]
    return render(
        request,
        "core/skins.html",
        {
            **reader_context(request),
            "heading": "My work skins",
            "lead": "CSS for your works: choose a skin for a work on its posting or edit "
            "form. Readers can always turn a creator's style off.",
            "skins": skins,
            "new_url": reverse("works:skin_new"),
            "back_url": reverse("works:dashboard"),
            "back_label": "Back to your dashboard",
        },
    )


def _used_by(skin: WorkSkin) -> str:
    count = skin.works.count()
    return f"used by {count} work{'s' if count != 1 else ''}" if count else "not used yet"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def skin_new(request: HttpRequest) -> HttpResponse:
    return _skin_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def skin_edit(request: HttpRequest, skin_id: int) -> HttpResponse:
    return _skin_form(request, _mine(request, skin_id))


def _skin_form(request: HttpRequest, skin: WorkSkin | None) -> HttpResponse:
    initial = {"title": skin.title, "css": skin.css} if skin else None
    form = SkinForm(request.POST or None, initial=initial, scope=WORK_SKIN_SCOPE, help_text=_HELP)
    if request.method == "POST" and form.is_valid():
        saved = save_work_skin(
            owner=_me(request),
            title=form.cleaned_data["title"],
            css=form.cleaned_data["css"],
            skin=skin,
        )
        messages.success(request, f"Your work skin “{saved.title}” was saved.")
        return redirect("works:skin_edit", skin_id=saved.pk)
    context = {
        **reader_context(request),
        "form": form,
        "heading": f"Edit work skin “{skin.title}”" if skin else "New work skin",
        "lead": "Saved skins are offered on your works' posting and edit forms.",
        "list_url": reverse("works:skins"),
        "delete_url": reverse("works:skin_delete", args=[skin.pk]) if skin else "",
        "delete_note": "Works using it go back to the archive's own look.",
        "public": public_section(
            skin, reverse("works:skin_public", args=[skin.pk]) if skin else ""
        ),
    }
    return render(request, "core/skin_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def skin_delete(request: HttpRequest, skin_id: int) -> HttpResponse:
    skin = _mine(request, skin_id)
    delete_work_skin(skin, owner=_me(request))
    messages.success(request, f"Your work skin “{skin.title}” was deleted.")
    return redirect("works:skins")


@login_required
@require_POST
def skin_public(request: HttpRequest, skin_id: int) -> HttpResponse:
    """The owner asks for their skin to be made public, or makes it private again."""
    skin = _mine(request, skin_id)
    return public_step(request, WORK_SKINS, skin, back=reverse("works:skin_edit", args=[skin.pk]))


@require_safe
def skin_stylesheet(request: HttpRequest, skin_id: int, version: str) -> HttpResponse:
    skin = WorkSkin.objects.filter(pk=skin_id).only("css").first()
    if skin is None:
        raise Http404("No such skin.")
    return versioned_response(
        # Cleaned again: an image host taken off the list since it was saved is dropped.
        clean_css(skin.css, scope=WORK_SKIN_SCOPE).css,
        "text/css; charset=utf-8",
        asked=version,
        current=skin.version,
        current_url=skin.stylesheet_url(),
    )

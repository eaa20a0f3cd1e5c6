"""The e-reader keys page: make a key for an app (shown once), see when each was last
used, revoke one (``accounts.reader_keys`` says how keys sign apps in)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import ReaderKey, User
from ficshelf.accounts.reader_keys import make_key
from ficshelf.core.forms import SingleLineField

# The new key waits here between the POST that made it and the page that shows it once.
NEW_KEY_SESSION = "new-reader-key"


class ReaderKeyForm(forms.Form):
    label = SingleLineField(
        label="Name this key",
        max_length=100,
        help_text="Which app or device it is for, e.g. “KOReader on my Kobo”.",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reader_keys(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReaderKeyForm(request.POST)
        if form.is_valid():
            label = form.cleaned_data["label"]
            request.session[NEW_KEY_SESSION] = make_key(_me(request), label)
            return redirect("accounts:reader_keys")
    else:
        form = ReaderKeyForm()
    context = {
        **reader_context(request),
        "form": form,
        "keys": ReaderKey.objects.filter(user=_me(request)),
        "new_key": request.session.pop(NEW_KEY_SESSION, None),
        "catalog_url": request.build_absolute_uri(reverse("feeds:opds_root")),
    }
    response = render(request, "accounts/reader_keys.html", context)
    patch_cache_control(response, no_store=True)  # the new key must not be kept anywhere
    return response


@login_required
@require_POST
def revoke_reader_key(request: HttpRequest, key_id: int) -> HttpResponse:
    deleted, _ = ReaderKey.objects.filter(pk=key_id, user=_me(request)).delete()
    if not deleted:
        raise Http404("No such key.")
    messages.success(request, "The key is revoked: the app using it can no longer sign in.")
    return redirect("accounts:reader_keys")


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user

"""The API tokens page of a member's account: make a token (shown once), see each one's
scopes, expiry and last use, revoke one alone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import User
from ficshelf.api.models import ApiToken, Scope
from ficshelf.api.tokens import EXPIRY_DAYS, TokenRefused, make_token, revoke_token
from ficshelf.core.forms import SingleLineField

# The new token waits here between the POST that made it and the page that shows it once.
NEW_TOKEN_SESSION = "new-api-token"  # noqa: S105 - a session key's name


class TokenForm(forms.Form):
    name = SingleLineField(
        label="Name this token",
        max_length=100,
        help_text="What it is for, e.g. “my bookmark exporter”.",
    )
    scopes = forms.MultipleChoiceField(
        label="It may",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the token may do."},
    )
    days = forms.TypedChoiceField(
        label="It expires in",
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        coerce=int,
        initial=30,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    member = _me(request)
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token = make_token(member, data["name"], data["scopes"], data["days"])
            except TokenRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                request.session[NEW_TOKEN_SESSION] = token
                return redirect("api_tokens:list")
    else:
        form = TokenForm(initial={"scopes": [Scope.READ.value], "days": 30})
    context = {
        **reader_context(request),
        "form": form,
        "tokens": ApiToken.objects.filter(user=member),
        "new_token": request.session.pop(NEW_TOKEN_SESSION, None),
    }
    status = 400 if form.errors else 200
    response = render(request, "api/tokens.html", context, status=status)
    patch_cache_control(response, no_store=True)  # the new token must not be kept anywhere
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if not revoke_token(_me(request), token_id):
        raise Http404("No such token.")
    messages.success(request, "The token is revoked: nothing can use it any more.")
    return redirect("api_tokens:list")


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user

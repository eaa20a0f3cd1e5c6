"""The two-factor pages: set up, the second step at sign-in, recovery codes, turn off."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts import two_factor
from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import limit_address, with_retry_after
from ficshelf.core.staff import has_admin_role, is_verified


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "Type the code your app shows."},
    )


def _member(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User) or user.is_authenticated
    return user


def _next(request: HttpRequest, fallback: str = "accounts:two_factor") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    from django.urls import reverse

    return reverse(fallback)


def _guess_allowed(request: HttpRequest, user: User) -> HttpResponse | None:
    """One guess counted against the account and the address; a 429 page past the limit."""
    for key in (f"user:{user.pk}", f"addr:{limit_address(request)}"):
        verdict = two_factor.CODE_GUESSES_BY_ACCOUNT.attempt(key)
        if not verdict:
            page = render(
                request,
                "accounts/two_factor_verify.html",
                {"form": CodeForm(), "limited": True, "retry_in_words": verdict.retry_in_words},
                status=429,
            )
            return with_retry_after(page, verdict)
    return None


def _wrong_code_message(hint: str, *, slowed: bool) -> str:
    """``slowed``: the device was still waiting after an earlier wrong code when this one
    came, so it was not checked."""
    if slowed:
        return "Too many wrong codes in a row: wait a few seconds, then type the current one."
    return f"That code is not right. {hint}".strip()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "is_on": two_factor.has_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": has_admin_role(user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if two_factor.has_two_factor(user):
        # Changing the app is: turn off (or, for admins, regenerate) and set up again;
        # a session that has not passed the second step gets there first (middleware).
        return redirect("accounts:two_factor")
    device = two_factor.pending_app_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        limited = _guess_allowed(request, user)
        if limited is not None:
            return limited
        slowed = two_factor.slowed_down(user)
        codes = None
        if not slowed:
            codes = two_factor.confirm_app_device(request, user, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next(request), "first_time": True},
            )
        form.add_error("code", _wrong_code_message("Check the time on your phone.", slowed=slowed))
        status = 400
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.secret_text(device),
            "qr": two_factor.qr_svg(device),
            "next": request.GET.get("next", ""),
            "required": has_admin_role(user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if is_verified(user) or not two_factor.has_two_factor(user):
        return redirect(_next(request, "works:index"))
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "Code from your app, or a recovery code"
    status = 200
    if request.method == "POST" and form.is_valid():
        limited = _guess_allowed(request, user)
        if limited is not None:
            return limited
        slowed = two_factor.slowed_down(user)
        if two_factor.check_code(request, user, form.cleaned_data["code"]):
            return redirect(_next(request, "works:index"))
        form.add_error("code", _wrong_code_message("", slowed=slowed))
        status = 400
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_POST
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if not two_factor.has_two_factor(user):
        return redirect("accounts:two_factor")
    codes = two_factor.new_recovery_codes(user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if has_admin_role(user):
        messages.error(request, "Admins keep two-factor sign-in on.")
        return render(
            request,
            "accounts/two_factor.html",
            {"is_on": True, "codes_left": two_factor.recovery_codes_left(user), "required": True},
            status=403,
        )
    two_factor.turn_off(request, user)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts:two_factor")

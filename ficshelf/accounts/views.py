"""Account pages: sign-up, log in, settings, pseuds, preferences, profiles, blocks, mutes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts import actions, moderation
from ficshelf.accounts.access import get_user_for_profile, reader_context
from ficshelf.accounts.forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    InviteRequestForm,
    LoginForm,
    PreferenceForm,
    ProfileForm,
    PseudForm,
    PseudIconForm,
    SignupForm,
)
from ficshelf.accounts.login_limits import guarded_login
from ficshelf.accounts.models import (
    ArchiveSettings,
    MemberProfile,
    MemberWarning,
    Preference,
    Pseud,
    PseudIcon,
    SignupMode,
    User,
)
from ficshelf.core.ratelimit import (
    RateLimit,
    Verdict,
    attempt_all,
    limit_address,
    too_many_response,
    with_retry_after,
)
from ficshelf.core.versioned import versioned_response

# Attempts per window before the archive answers 429; logins: accounts/login_limits.py.
SIGNUPS_BY_ADDRESS = RateLimit("signup", limit=10, window_seconds=60 * 60)
INVITATION_REQUESTS_BY_ADDRESS = RateLimit("invite-request", limit=5, window_seconds=60 * 60)
RESETS_BY_ADDRESS = RateLimit("password-reset", limit=5, window_seconds=60 * 60)
# Reset mails one address receives, whoever asks: nobody's inbox is flooded.
RESETS_BY_EMAIL = RateLimit("password-reset-email", limit=3, window_seconds=60 * 60)


def too_many(verdict: Verdict) -> str:
    return f"Too many attempts. Please try again {verdict.retry_in_words}."


# ---- Sign-up ----


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("works:index")
    mode = ArchiveSettings.current().signup_mode
    code = request.GET.get("invitation", "")
    if mode == SignupMode.QUEUE and request.method != "POST" and "invitation" not in request.GET:
        return redirect("accounts:request_invitation")
    needs_invitation = mode != SignupMode.OPEN
    if request.method == "POST":
        form = SignupForm(request.POST, needs_invitation=needs_invitation)
        verdict = SIGNUPS_BY_ADDRESS.attempt(limit_address(request))
        if not verdict:
            form.is_valid()
            form.add_error(None, too_many(verdict))
            page = _render(request, "accounts/signup.html", _signup_context(form, mode), status=429)
            return with_retry_after(page, verdict)
        if form.is_valid():
            try:
                user = actions.create_account(
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    invitation=form.invitation,
                    terms_version=form.cleaned_data["terms_version"],
                )
            except actions.AccountActionError as error:
                form.add_error(None, str(error))
            except IntegrityError:
                # Someone took the name between the check and the insert.
                form.add_error("username", "That username is taken. Please choose another.")
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome to the archive, {user.username}!")
                return redirect("accounts:settings")
    else:
        initial = {"invitation_code": code} if code else {}
        form = SignupForm(initial=initial, needs_invitation=needs_invitation)
    return _render(request, "accounts/signup.html", _signup_context(form, mode))


def _signup_context(form: SignupForm, mode: str) -> dict[str, Any]:
    return {"form": form, "mode": mode, "queue": mode == SignupMode.QUEUE}


@require_http_methods(["GET", "HEAD", "POST"])
def request_invitation(request: HttpRequest) -> HttpResponse:
    mode = ArchiveSettings.current().signup_mode
    if mode != SignupMode.QUEUE:
        return redirect("accounts:signup")
    form = InviteRequestForm(request.POST or None)
    if request.method == "POST":
        verdict = INVITATION_REQUESTS_BY_ADDRESS.attempt(limit_address(request))
        if not verdict:
            form.is_valid()
            form.add_error(None, too_many(verdict))
            page = _render(request, "accounts/request_invitation.html", {"form": form}, status=429)
            return with_retry_after(page, verdict)
        if form.is_valid():
            queued = actions.request_invitation(email=form.cleaned_data["email"])
            return _render(
                request,
                "accounts/request_invitation.html",
                {"form": None, "email": form.cleaned_data["email"], "queued": queued},
            )
    return _render(request, "accounts/request_invitation.html", {"form": form})


# ---- Log in, password reset ----


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Without django.contrib.sites, Django's LoginView names the site by the request's
        # host ("127.0.0.1:8101"), which the title and header would show.
        context["site_name"] = settings.SITE_NAME
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def check_password(request: HttpRequest) -> HttpResponse:
            return super(LoginView, self).post(request, *args, **kwargs)

        return guarded_login(request, check_password, self.refused)

    def refused(self, request: HttpRequest, verdict: Verdict) -> HttpResponse:
        """The login form again, its password not checked, saying when to try again."""
        form = self.get_form_class()(request, data=None)
        form.initial = {"username": request.POST.get("username", "")}
        context = self.get_context_data(form=form, rate_limited=True, too_many=too_many(verdict))
        response = self.render_to_response(context, status=429)
        return with_retry_after(response, verdict)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's login behind the same limits as the archive's."""
    return guarded_login(request, admin.site.login, _admin_login_refused)


def _admin_login_refused(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    return too_many_response(
        request,
        verdict,
        heading="Too many sign-in attempts",
        message="There have been too many attempts to sign in from here or to this account.",
        back_url=request.get_full_path(),
        back_label="Back to the admin sign-in",
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        return super().form_valid(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email", "")).strip().lower()
        verdict = attempt_all(
            [(RESETS_BY_ADDRESS, limit_address(request)), (RESETS_BY_EMAIL, email)]
        )
        if not verdict:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, too_many(verdict))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            return with_retry_after(response, verdict)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


# ---- Account settings ----


@login_required
@require_safe
def account_settings(request: HttpRequest) -> HttpResponse:
    return _render(request, "accounts/settings.html", {})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = ChangeEmailForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_email(user, email=form.cleaned_data["email"])
        messages.success(request, "Your email address has been changed.")
        return redirect("accounts:settings")
    return _render(request, "accounts/change_email.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.delete_account(user, orphan_works=form.cleaned_data["works"] == "orphan")
        # The user is gone; logging out flushes the session so nothing of it lingers.
        logout(request)
        return _render(request, "accounts/deleted.html", {})
    work_count = _work_count(user)
    return _render(request, "accounts/delete.html", {"form": form, "work_count": work_count})


def _work_count(user: User) -> int:
    # The works crediting any of the user's pseuds (``Pseud.creatorships``: the works app's
    # credits, seen from the pseud's side).
    credited = Pseud.objects.filter(user=user, creatorships__isnull=False)
    return credited.values("creatorships__work").distinct().count()


# ---- Preferences ----


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    instance = Preference.objects.filter(user=user).first() or Preference(user=user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        actions.save_preferences(user, **form.cleaned_data)
        messages.success(request, "Your preferences were saved.")
        return redirect("accounts:preferences")
    return _render(request, "accounts/preferences.html", {"form": form})


# ---- The profile ----


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    profile = MemberProfile.objects.filter(user=user).first()
    initial = {"about": profile.about if profile else ""}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_profile_about(user, about=form.cleaned_data["about"])
        messages.success(request, "Your profile was saved.")
        return redirect("users:profile", username=user.get_username())
    status = 400 if form.is_bound else None
    return _render(request, "accounts/edit_profile.html", {"form": form}, status=status)


@require_safe
def pseud_icon(request: HttpRequest, username: str, pseud_id: int, digest: str) -> HttpResponse:
    """A pseud's icon, for anyone who may see its member's profile."""
    icon = (
        PseudIcon.objects.filter(
            pseud_id=pseud_id, pseud__user__username=username, pseud__user__is_active=True
        )
        .only("image", "digest")
        .first()
    )
    if icon is None:
        raise Http404("No such icon.")
    # A new picture gets a new address (``PseudIcon.digest``).
    return versioned_response(
        bytes(icon.image),
        "image/png",
        asked=digest,
        current=icon.digest,
        current_url=reverse("users:pseud_icon", args=[username, pseud_id, icon.digest]),
    )


# ---- Pseuds ----


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pseud_list(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PseudForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pseud = actions.create_pseud(
                user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except actions.AccountActionError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Pseud “{pseud.name}” created.")
            return redirect("accounts:pseuds")
    actions.ensure_default_pseud(user)
    pseuds = (
        Pseud.objects.filter(user=user)
        .select_related("user", "icon")
        .defer("icon__image")
        .order_by("-is_default", "name")
    )
    return _render(request, "accounts/pseuds.html", {"form": form, "pseuds": pseuds})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pseud_edit(request: HttpRequest, pseud_id: int) -> HttpResponse:
    user = _me(request)
    pseud = get_object_or_404(Pseud, pk=pseud_id, user=user)
    form = PseudForm(request.POST or None, instance=pseud)
    icon = PseudIcon.objects.filter(pseud=pseud).defer("image").first()
    icon_form = PseudIconForm(initial={"icon_alt": icon.alt if icon else ""}, has_icon=bool(icon))
    context = {"form": form, "pseud": pseud, "icon": icon, "icon_form": icon_form}
    if request.method == "POST" and form.is_valid():
        try:
            # The form already wrote its values onto the instance; the action checks them.
            actions.rename_pseud(
                pseud,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except actions.AccountActionError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, "Pseud saved.")
            return redirect("accounts:pseuds")
    return _render(request, "accounts/pseud_edit.html", context)


@login_required
@require_POST
def pseud_icon_edit(request: HttpRequest, pseud_id: int) -> HttpResponse:
    """The icon part of a pseud's edit page: a new picture, its description, or none."""
    user = _me(request)
    pseud = get_object_or_404(Pseud, pk=pseud_id, user=user)
    icon = PseudIcon.objects.filter(pseud=pseud).defer("image").first()
    icon_form = PseudIconForm(request.POST, request.FILES, has_icon=bool(icon))
    if icon_form.is_valid():
        removed = bool(icon_form.cleaned_data.get("remove_icon"))
        actions.set_pseud_icon(
            pseud, image=icon_form.icon, alt=icon_form.cleaned_data["icon_alt"], remove=removed
        )
        messages.success(request, "Icon removed." if removed else "Icon saved.")
        return redirect("accounts:pseud_edit", pseud.pk)
    context = {
        "form": PseudForm(instance=pseud),
        "pseud": pseud,
        "icon": icon,
        "icon_form": icon_form,
    }
    return _render(request, "accounts/pseud_edit.html", context, status=400)


@login_required
@require_POST
def pseud_make_default(request: HttpRequest, pseud_id: int) -> HttpResponse:
    user = _me(request)
    pseud = get_object_or_404(Pseud, pk=pseud_id, user=user)
    actions.set_default_pseud(pseud)
    messages.success(request, f"“{pseud.name}” is now your default pseud.")
    return redirect("accounts:pseuds")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pseud_delete(request: HttpRequest, pseud_id: int) -> HttpResponse:
    user = _me(request)
    pseud = get_object_or_404(Pseud, pk=pseud_id, user=user)
    if pseud.is_default:
        messages.error(
            request, "You cannot delete your default pseud. Make another pseud the default first."
        )
        return redirect("accounts:pseuds")
    if request.method == "POST":
        default = actions.delete_pseud(pseud)
        messages.success(
            request, f"Pseud “{pseud.name}” deleted; its works are now credited to {default.name}."
        )
        return redirect("accounts:pseuds")
    work_count = pseud.creatorships.count()
    return _render(
        request, "accounts/pseud_delete.html", {"pseud": pseud, "work_count": work_count}
    )


# ---- Profiles, blocks and mutes ----


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def block(request: HttpRequest, username: str) -> HttpResponse:
    return _relation_page(request, username, kind="block")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unblock(request: HttpRequest, username: str) -> HttpResponse:
    return _relation_page(request, username, kind="unblock")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mute(request: HttpRequest, username: str) -> HttpResponse:
    return _relation_page(request, username, kind="mute")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unmute(request: HttpRequest, username: str) -> HttpResponse:
    return _relation_page(request, username, kind="unmute")


_RELATION_ACTIONS = {
    "block": (actions.block_user, "You have blocked {name}.", "accounts:blocks"),
    "unblock": (actions.unblock_user, "You have unblocked {name}.", "accounts:blocks"),
    "mute": (actions.mute_user, "You have muted {name}.", "accounts:mutes"),
    "unmute": (actions.unmute_user, "You have unmuted {name}.", "accounts:mutes"),
}


def _relation_page(request: HttpRequest, username: str, *, kind: str) -> HttpResponse:
    """A confirmation page (GET) and the change itself (POST), AO3's block/mute flow."""
    me = _me(request)
    member = get_user_for_profile(username)
    if member.pk == me.pk:
        messages.error(request, f"You cannot {kind.removeprefix('un')} yourself.")
        return redirect("users:profile", username=username)
    action, done, next_page = _RELATION_ACTIONS[kind]
    if request.method == "POST":
        action(member, actor=me)
        messages.success(request, done.format(name=member.username))
        # Unmuting from a muted work's page goes back to the work, now shown.
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect(next_page)
    return _render(request, "accounts/confirm_relation.html", {"member": member, "kind": kind})


@login_required
@require_safe
def blocks(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    rows = me.blocks_made.select_related("blocked").order_by("blocked__username")
    return _render(request, "accounts/blocks.html", {"rows": rows})


@login_required
@require_safe
def mutes(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    rows = me.mutes_made.select_related("muted").order_by("muted__username")
    return _render(request, "accounts/mutes.html", {"rows": rows})


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int | None = None
) -> HttpResponse:
    # The reader's theme even where the context processor is not (yet) configured.
    return render(request, template, {**reader_context(request), **context}, status=status)


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


@login_required
@require_POST
def acknowledge_warning(request: HttpRequest, warning_id: int) -> HttpResponse:
    warning = get_object_or_404(MemberWarning, pk=warning_id, member_id=request.user.pk)
    moderation.acknowledge_warning(warning)
    back = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("works:dashboard")
    return redirect(back)

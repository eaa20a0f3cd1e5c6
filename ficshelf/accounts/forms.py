"""Forms for the account pages. Every error here is shown beside its field, never raised."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape, format_html

from ficshelf.accounts import terms
from ficshelf.accounts.actions import ORPHAN_USERNAME, find_unused_invitation
from ficshelf.accounts.icons import ICON_LIMITS, ICON_SIDE, icon_from_upload
from ficshelf.accounts.models import ICON_ALT_MAX, Invitation, Preference, Pseud, SiteSkin, User
from ficshelf.accounts.skin_actions import usable_site_skins
from ficshelf.core.form_guards import FormGuard
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.core.spam import email_domain_blocked

# The model's EmailField column is 254 wide (RFC 5321's limit); a longer address must be a
# form error, not a database error on PostgreSQL.
EMAIL_MAX_LENGTH = 254
# AO3's limit on "About me".
ABOUT_MAX_LENGTH = 2000


class SignupForm(FormGuard, forms.Form):
    username = SingleLineField(
        max_length=40,
        min_length=3,
        validators=[UnicodeUsernameValidator()],
        help_text="3 to 40 characters: letters, numbers and @ . + - _",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    is_at_least_13 = forms.BooleanField(
        label="I am at least 13 years old.",
        error_messages={"required": "You must be at least 13 to sign up."},
    )
    accepts_terms = forms.BooleanField(
        label="I have read and accept the Terms of Service.",
        error_messages={"required": "You must accept the Terms of Service to sign up."},
    )
    # The version of the Terms shown with the form (``accounts.terms``).
    terms_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, needs_invitation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation: Invitation | None = None
        self.terms = terms.registered()
        if self.terms is not None:
            self.fields["terms_version"].initial = self.terms.current_version()
            url = escape(self.terms.page_url())
            self.fields["accepts_terms"].help_text = (
                f'<a href="{url}" target="_blank" rel="noopener">Read the Terms of Service</a>'
                " (opens in a new tab)."
            )
        if needs_invitation:
            self.fields["invitation_code"] = SingleLineField(label="Invitation code", max_length=40)
            self.order_fields(["invitation_code"])

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if (
            username.lower() == ORPHAN_USERNAME
            or User.objects.filter(username__iexact=username).exists()
        ):
            raise forms.ValidationError("That username is taken. Please choose another.")
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        if email_domain_blocked(email):
            raise forms.ValidationError(
                "Sorry, this archive does not accept sign-ups from that email domain. "
                "Please use another address."
            )
        return email

    def clean_invitation_code(self) -> str:
        code: str = self.cleaned_data["invitation_code"]
        self.invitation = find_unused_invitation(code)
        if self.invitation is None:
            raise forms.ValidationError("This invitation code is not valid or has been used.")
        return code

    def clean_terms_version(self) -> int | None:
        """The version the person read: refused when the Terms changed meanwhile, and the
        form then carries the new one, to read and accept."""
        if self.terms is None:
            return None
        current = self.terms.current_version()
        shown = self.cleaned_data.get("terms_version")
        # A form sent without the version (not the archive's page) accepts the current one.
        if shown is not None and shown != current:
            if isinstance(self.data, QueryDict):
                data = self.data.copy()
                data[self.add_prefix("terms_version")] = str(current)
                self.data = data
            # Not the hidden field's own error: the page shows it above the form.
            self.add_error(
                None,
                "The Terms of Service changed while you were signing up. Please read the "
                "new version and accept it.",
            )
        return current

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteRequestForm(forms.Form):
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": "This account is banned. Contact the archive's admins.",
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError as error:
            # Django's backend turns banned accounts away like a wrong password. Say
            # it is banned, but only to someone who knows the password.
            banned = self._banned_and_right() if error.code == "invalid_login" else None
            if banned is not None:
                message = self.error_messages["inactive"]
                if banned.ban_reason:
                    message = f"{message} Reason: {banned.ban_reason}"
                raise forms.ValidationError(message, code="inactive") from None
            raise

    def _banned_and_right(self) -> User | None:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        user = User.objects.filter(username=username).first()
        if user is not None and not user.is_active and user.check_password(password):
            return user
        return None


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(
        label="New email",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses this email address.")
        return email


class DeleteAccountForm(forms.Form):
    works = forms.ChoiceField(
        label="What should happen to your works?",
        choices=[
            ("orphan", "Orphan them: keep them on the archive, credited to orphan_account"),
            ("delete", "Delete them (works you co-created stay, without your name)"),
        ],
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick this box to confirm."},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class PseudForm(forms.ModelForm[Pseud]):
    name = SingleLineField(max_length=100)

    class Meta:
        model = Pseud
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("A pseud needs a name.")
        return name


class ProfileForm(forms.Form):
    about = LongTextField(
        label="About me",
        required=False,
        max_length=ABOUT_MAX_LENGTH,
        help_text="Shown on your profile. HTML is allowed (as in a work's summary).",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class PseudIconForm(forms.Form):
    """A pseud's icon: a new picture, its description, or taking it away."""

    icon_file = forms.FileField(
        label="Icon image",
        required=False,
        help_text=f"{ICON_LIMITS.described}; shown at {ICON_SIDE}×{ICON_SIDE}.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    icon_alt = SingleLineField(
        label="Icon description",
        required=False,
        max_length=ICON_ALT_MAX,
        help_text="For readers who cannot see the icon, e.g. “A red fox curled up asleep”.",
    )
    remove_icon = forms.BooleanField(label="Remove the icon", required=False)

    def __init__(self, *args: Any, has_icon: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_icon = has_icon
        self.icon: bytes | None = None
        if not has_icon:
            del self.fields["remove_icon"]

    def clean_icon_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("icon_file")
        if upload is not None:
            self.icon = icon_from_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_an_icon = not cleaned.get("remove_icon")
        if not self.errors and wants_an_icon and self.icon is None and not self.has_icon:
            self.add_error("icon_file", "Choose a picture for the icon.")
        return cleaned


def time_zone_choices() -> list[tuple[str, str]]:
    import zoneinfo

    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [("", f"The archive's time ({settings.TIME_ZONE})")] + [(z, z) for z in zones]


def site_skin_label(skin: SiteSkin, member_id: int | None) -> str:
    """How the preferences name a site skin: a public one by its author while they are an
    active member (``ReviewableSkin.author_name``), the member's own as theirs."""
    if skin.owner_id == member_id:
        return f"{skin.title} (mine{', public' if skin.is_public else ''})"
    author = skin.author_name()
    return f"{skin.title} (public, by {author})" if author else f"{skin.title} (public)"


class PreferenceForm(forms.ModelForm[Preference]):
    # The page shows the fields in these groups, in this order (``accounts/preferences.html``).
    SECTIONS = [
        ("Reading", ["hide_adult_notice", "hide_warnings", "hide_freeform_tags", "view_full_work"]),
        ("Appearance", ["font_size", "theme", "site_skin", "hide_work_skins", "time_zone"]),
        (
            "Mail me about",
            [
                "mail_comments",
                "mail_kudos",
                "mail_subscriptions",
                "mail_gifts",
                "mail_collections",
                "mail_co_creator_invitations",
                "daily_digest",
            ],
        ),
        ("History", ["keep_history"]),
        (
            "My works and me",
            [
                "refuse_gifts",
                "refuse_co_creator_invitations",
                "guest_comments_on_new_works",
                "hide_from_search_engines",
                "private_bookmarks_by_default",
                "keep_drafts",
            ],
        ),
    ]

    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Dates and times on the pages you see are shown in it.",
    )

    class Meta:
        model = Preference
        fields = [
            "hide_adult_notice",
            "hide_warnings",
            "hide_freeform_tags",
            "view_full_work",
            "font_size",
            "theme",
            "site_skin",
            "hide_work_skins",
            "time_zone",
            "mail_comments",
            "mail_kudos",
            "mail_subscriptions",
            "mail_gifts",
            "mail_collections",
            "mail_co_creator_invitations",
            "daily_digest",
            "keep_history",
            "refuse_gifts",
            "refuse_co_creator_invitations",
            "guest_comments_on_new_works",
            "hide_from_search_engines",
            "private_bookmarks_by_default",
            "keep_drafts",
        ]
        widgets = {"theme": forms.RadioSelect}
        # "Site skin", not the model's "My own site skin": public skins are offered too.
        labels = {"theme": "The archive's skin", "site_skin": "Site skin"}
        help_texts = {
            "daily_digest": "The inbox keeps every notice either way; this changes only mail.",
            "keep_history": "Turning it off stops new entries; clear what is kept below.",
            "guest_comments_on_new_works": "The default for works you post from now on; "
            "each work can still say otherwise.",
            "keep_drafts": "Otherwise drafts are deleted a month after they were begun, "
            "as on AO3 (a draft scheduled to post is kept until then); a week before, you "
            "are told in your inbox and by mail, whatever you chose above.",
            "hide_work_skins": "Works show the archive's own look; each work still offers "
            "“Show creator's style”.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        # The member's own site skins and the public ones (``core.public_skins``).
        owner = self.instance.user_id
        field = self.fields["site_skin"]
        field.queryset = (  # type: ignore[attr-defined]
            usable_site_skins(owner).select_related("owner").order_by("title", "pk")
        )
        field.label_from_instance = lambda skin: site_skin_label(skin, owner)  # type: ignore[attr-defined]
        field.empty_label = "None (the archive's skin alone)"  # type: ignore[attr-defined]
        field.help_text = format_html(
            "CSS worn over the archive's skin you chose: one of your own (write one under <a "
            'href="{}">My site skins</a>) or a public one members made (<a href="{}">preview '
            "the public skins</a>).",
            reverse("accounts:site_skins"),
            reverse("accounts:public_site_skins"),
        )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

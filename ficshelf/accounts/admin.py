"""Accounts in the admin site. Suspending, unsuspending and deleting members ask for a
reason and go through ``accounts.moderation``, which signs them out, moves the kept listing
pages' keys and records the audit entry; every other change is recorded by
``AuditedModelAdmin``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ficshelf.accounts import actions, moderation
from ficshelf.accounts.models import (
    ArchiveSettings,
    Block,
    Invitation,
    InviteRequest,
    Mute,
    Preference,
    Pseud,
    User,
)
from ficshelf.core.admin_audit import (
    REASON_MAX_LENGTH,
    AuditedModelAdmin,
    ReasonForm,
    acting_admin,
    confirm_with_reason,
    delete_with_reason_view,
    given_reason,
    mark_audited,
)


class PseudInline(admin.TabularInline[Pseud, User]):
    model = Pseud
    fields = ["name", "is_default", "description"]
    extra = 0


def _acting_user(request: HttpRequest) -> User:
    user = acting_admin(request)
    assert isinstance(user, User)
    return user


class MemberChangeForm(UserChangeForm[User]):
    audit_reason = forms.CharField(
        label="Reason (kept in the audit log)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Needed when you suspend or unsuspend the member (Active).",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "is_active" in self.changed_data:
            try:
                cleaned["audit_reason"] = given_reason(cleaned.get("audit_reason", ""))
            except forms.ValidationError as error:
                self.add_error("audit_reason", error)
        return cleaned


class DeleteMembersForm(ReasonForm):
    works = forms.ChoiceField(
        label="Their works",
        choices=[
            ("orphan", "Orphan them (credit them to orphan_account)"),
            ("delete", "Delete those nobody else co-created"),
        ],
        initial="orphan",
        widget=forms.RadioSelect,
    )


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], DjangoUserAdmin[User]):
    form = MemberChangeForm
    inlines = [PseudInline]
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "pseud_names"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    actions = ["suspend", "unsuspend", "delete_with_reason"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or []),
        ("Audit log", {"fields": ["audit_reason"]}),
    ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django's own "delete selected" would skip the reason, the works and the sessions.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    @admin.display(description="Pseuds")
    def pseud_names(self, user: User) -> str:
        return ", ".join(p.name for p in user.pseuds.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("pseuds")

    @admin.action(description="Suspend the selected users (they can no longer log in)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Suspend users",
            question=(
                "Suspend these members? They are signed out everywhere at once and cannot "
                "sign in; their works stay readable."
            ),
            button="Suspend them",
            perform=lambda form: _suspended(request, queryset, form),
        )

    @admin.action(description="Unsuspend the selected users")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Unsuspend users",
            question="Let these members sign in again?",
            button="Unsuspend them",
            perform=lambda form: _unsuspended(request, queryset, form),
        )

    @admin.action(description="Delete the selected users", permissions=["delete"])
    def delete_with_reason(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Delete users",
            question="Delete these accounts for good? They are signed out everywhere at once.",
            button="Delete them",
            perform=lambda form: _deleted(request, queryset, form),
            form_class=DeleteMembersForm,
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The change form's Delete button: the same reason page as the list action."""
        return delete_with_reason_view(
            self,
            request,
            object_id,
            question="Delete this account for good? They are signed out everywhere at once.",
            perform=lambda users, form: _deleted(request, users, form),
            form_class=DeleteMembersForm,
        )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # Suspending goes through its action (sessions, kept pages, the audit entry): the
        # other fields are saved as they are, Active by the action.
        wanted = obj.is_active
        obj.is_active = not wanted
        super().save_model(request, obj, form, change)
        reason = form.cleaned_data["audit_reason"]
        if wanted:
            done = moderation.unsuspend_users([obj], reason=reason, actor=_acting_user(request))
        else:
            done = moderation.suspend_users([obj], reason=reason, actor=_acting_user(request))
        obj.refresh_from_db(fields=["is_active"])
        if not done:
            self.message_user(
                request, f"{obj} was left {'active' if obj.is_active else 'suspended'}: "
                "admins cannot suspend themselves, nor unsuspend orphan_account.",
                messages.WARNING,
            )  # fmt: skip
        if set(form.changed_data) <= {"is_active", "audit_reason"}:
            mark_audited(request)


def _suspended(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason = form.cleaned_data["reason"]
    count = moderation.suspend_users(users, reason=reason, actor=_acting_user(request))
    return f"Suspended {count} user(s)."


def _unsuspended(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason = form.cleaned_data["reason"]
    count = moderation.unsuspend_users(users, reason=reason, actor=_acting_user(request))
    return f"Unsuspended {count} user(s)."


def _deleted(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    count = moderation.delete_users(
        users,
        orphan_works=form.cleaned_data["works"] == "orphan",
        reason=form.cleaned_data["reason"],
        actor=_acting_user(request),
    )
    return f"Deleted {count} user(s)."


@admin.register(Pseud)
class PseudAdmin(AuditedModelAdmin[Pseud]):
    list_display = ["name", "user", "is_default"]
    search_fields = ["name", "user__username"]


@admin.register(ArchiveSettings)
class ArchiveSettingsAdmin(AuditedModelAdmin[ArchiveSettings]):
    """One row: the list page goes straight to it."""

    fields = ["signup_mode"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        row = ArchiveSettings.current()
        return HttpResponseRedirect(reverse("admin:accounts_archivesettings_change", args=[row.pk]))


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin[Invitation]):
    list_display = ["code", "email", "used_by", "created_at", "sent_at", "used_at"]
    list_filter = [("used_by", admin.EmptyFieldListFilter)]
    search_fields = ["code", "email", "used_by__username"]
    readonly_fields = ["code", "used_by", "used_at", "sent_at", "created_at"]
    actions = ["send"]

    @admin.action(description="Email the selected invitations to their addresses")
    def send(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        signup_url = request.build_absolute_uri(actions.signup_path())
        sent = 0
        for invitation in queryset.filter(used_by__isnull=True).exclude(email=""):
            actions.send_invitation(invitation, actor=_acting_user(request), signup_url=signup_url)
            sent += 1
        self.message_user(request, f"Sent {sent} invitation(s).", messages.SUCCESS)


@admin.register(InviteRequest)
class InviteRequestAdmin(AuditedModelAdmin[InviteRequest]):
    list_display = ["email", "created_at", "is_approved"]
    list_filter = [("invitation", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["invitation", "created_at"]
    actions = ["approve"]

    @admin.display(boolean=True, description="Approved")
    def is_approved(self, invite_request: InviteRequest) -> bool:
        return invite_request.is_approved

    @admin.action(description="Approve: email each an invitation code")
    def approve(self, request: HttpRequest, queryset: QuerySet[InviteRequest]) -> None:
        signup_url = request.build_absolute_uri(actions.signup_path())
        count = actions.approve_invite_requests(
            queryset, actor=_acting_user(request), signup_url=signup_url
        )
        self.message_user(request, f"Sent {count} invitation(s).", messages.SUCCESS)


admin.site.register(Block, AuditedModelAdmin, list_display=["blocker", "blocked", "created_at"])
admin.site.register(Mute, AuditedModelAdmin, list_display=["muter", "muted", "created_at"])
admin.site.register(Preference, AuditedModelAdmin, list_display=["user", "theme", "font_size"])

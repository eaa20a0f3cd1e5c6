"""Accounts in the admin site. Suspending, banning, warning and deleting members ask for a
reason and go through ``accounts.moderation``, which signs them out where it must, moves
the kept listing pages' keys and records the audit entry; every other change is recorded
by ``AuditedModelAdmin``. Each action needs its permission (``moderation.roles``); roles
(the groups) are changed only with ``accounts.change_roles``, and each change of them is
recorded as "change roles"."""

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
    MemberNote,
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
from ficshelf.core.audit import record


class MemberNoteInline(admin.TabularInline[MemberNote, User]):
    """Admins' notes on the member: read here, written on the moderators' desk (which
    records each in the audit log)."""

    model = MemberNote
    fk_name = "member"
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author", "text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("accounts.note_member")


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
        help_text="Needed when you ban or unban the member (Active) or change the next of kin.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if {"is_active", "next_of_kin_name", "next_of_kin_email"} & set(self.changed_data):
            try:
                cleaned["audit_reason"] = given_reason(cleaned.get("audit_reason", ""))
            except forms.ValidationError as error:
                self.add_error("audit_reason", error)
        return cleaned


class SuspendForm(ReasonForm):
    until = forms.DateTimeField(
        label="Suspended until",
        help_text="Date and time (YYYY-MM-DD HH:MM), in the archive's time zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean_until(self) -> Any:
        from django.utils import timezone

        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError("A suspension ends in the future.")
        return until


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
    inlines = [PseudInline, MemberNoteInline]
    list_display = [
        "username",
        "email",
        "is_active",
        "suspended_until",
        "is_staff",
        "date_joined",
        "pseud_names",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    actions = ["suspend", "unsuspend", "warn", "ban", "unban", "delete_with_reason"]
    readonly_fields = ["suspended_until", "suspension_reason", "ban_reason"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or []),
        ("Standing", {"fields": ["suspended_until", "suspension_reason", "ban_reason"]}),
        ("Next of kin", {"fields": ["next_of_kin_name", "next_of_kin_email"]}),
        ("Audit log", {"fields": ["audit_reason"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        hidden = set()
        if not request.user.has_perm("accounts.change_roles"):
            hidden.add("Permissions")
        if not request.user.has_perm("accounts.change_next_of_kin"):
            hidden.add("Next of kin")
        return [(name, opts) for name, opts in fieldsets if name not in hidden]

    # Each action is offered to the roles that may take it.
    def has_suspend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.suspend_member")

    def has_ban_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.ban_member")

    def has_warn_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.warn_member")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            record(
                actor=acting_admin(request),
                action="change roles",
                target=form.instance,
                reason=form.cleaned_data.get("audit_reason", ""),
                details={"added": sorted(after - before), "removed": sorted(before - after)},
            )

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

    @admin.action(
        description="Suspend the selected users until a date (they read, but post nothing)",
        permissions=["suspend"],
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Suspend users",
            question=(
                "Suspend these members until the date below? They can sign in and read, and "
                "see the reason and the end; they cannot post, edit, comment, give kudos, "
                "bookmark or send messages until it ends."
            ),
            button="Suspend them",
            perform=lambda form: _suspended(request, queryset, form),
            form_class=SuspendForm,
        )

    @admin.action(description="End the selected users' suspensions now", permissions=["suspend"])
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Unsuspend users",
            question="End these members' suspensions now?",
            button="Unsuspend them",
            perform=lambda form: _unsuspended(request, queryset, form),
        )

    @admin.action(description="Warn the selected users", permissions=["warn"])
    def warn(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Warn users",
            question=(
                "Warn these members? They see the reason on every page until they say they "
                "have read it."
            ),
            button="Warn them",
            perform=lambda form: _warned(request, queryset, form),
        )

    @admin.action(
        description="Ban the selected users (they can no longer sign in)", permissions=["ban"]
    )
    def ban(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Ban users",
            question=(
                "Ban these members? They are signed out everywhere at once and cannot "
                "sign in; their works stay readable, their profile pages go."
            ),
            button="Ban them",
            perform=lambda form: _banned(request, queryset, form),
        )

    @admin.action(description="Unban the selected users", permissions=["ban"])
    def unban(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Unban users",
            question="Let these members sign in again?",
            button="Unban them",
            perform=lambda form: _unbanned(request, queryset, form),
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
        kin_changed = {"next_of_kin_name", "next_of_kin_email"} & set(form.changed_data)
        if change and kin_changed:
            # Through its action, which records the old and new values with the reason.
            name, email = obj.next_of_kin_name, obj.next_of_kin_email
            old = User.objects.get(pk=obj.pk)
            obj.next_of_kin_name, obj.next_of_kin_email = (
                old.next_of_kin_name,
                old.next_of_kin_email,
            )
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
        else:
            # Banning goes through its action (sessions, kept pages, the audit entry): the
            # other fields are saved as they are, Active by the action.
            wanted = obj.is_active
            obj.is_active = not wanted
            super().save_model(request, obj, form, change)
            reason = form.cleaned_data["audit_reason"]
            if wanted:
                done = moderation.unban_users([obj], reason=reason, actor=_acting_user(request))
            else:
                done = moderation.ban_users([obj], reason=reason, actor=_acting_user(request))
            obj.refresh_from_db(fields=["is_active", "ban_reason"])
            if not done:
                self.message_user(
                    request, f"{obj} was left {'active' if obj.is_active else 'banned'}: "
                    "admins cannot ban themselves, nor unban orphan_account.",
                    messages.WARNING,
                )  # fmt: skip
        if change and kin_changed:
            moderation.set_next_of_kin(
                obj,
                name=name,
                email=email,
                reason=form.cleaned_data["audit_reason"],
                actor=_acting_user(request),
            )
            obj.refresh_from_db(fields=["next_of_kin_name", "next_of_kin_email"])
        if change and set(form.changed_data) <= {
            "is_active",
            "audit_reason",
            "next_of_kin_name",
            "next_of_kin_email",
        }:
            mark_audited(request)


def _each(request: HttpRequest, users: QuerySet[User], act: Any, done: str) -> str:
    """``act(user)`` for each chosen member; those it refuses are named with why."""
    count, refused = 0, []
    for user in users.order_by("pk"):
        try:
            act(user)
            count += 1
        except moderation.AccountModerationRefused as why:
            refused.append(f"{user}: {why}")
    message = f"{done} {count} user(s)."
    if refused:
        message += " Left alone: " + "; ".join(refused)
    return message


def _suspended(request: HttpRequest, users: QuerySet[User], form: SuspendForm) -> str:
    reason, until, actor = (
        form.cleaned_data["reason"],
        form.cleaned_data["until"],
        _acting_user(request),
    )
    return _each(
        request,
        users,
        lambda user: moderation.suspend(user, until=until, reason=reason, actor=actor),
        "Suspended",
    )


def _unsuspended(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason, actor = form.cleaned_data["reason"], _acting_user(request)
    return _each(
        request,
        users,
        lambda user: moderation.unsuspend(user, reason=reason, actor=actor),
        "Unsuspended",
    )


def _warned(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason, actor = form.cleaned_data["reason"], _acting_user(request)
    return _each(
        request, users, lambda user: moderation.warn(user, reason=reason, actor=actor), "Warned"
    )


def _banned(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason = form.cleaned_data["reason"]
    count = moderation.ban_users(users, reason=reason, actor=_acting_user(request))
    return f"Banned {count} user(s)."


def _unbanned(request: HttpRequest, users: QuerySet[User], form: ReasonForm) -> str:
    reason = form.cleaned_data["reason"]
    count = moderation.unban_users(users, reason=reason, actor=_acting_user(request))
    return f"Unbanned {count} user(s)."


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

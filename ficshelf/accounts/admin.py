from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ficshelf.accounts import actions
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


class PseudInline(admin.TabularInline[Pseud, User]):
    model = Pseud
    fields = ["name", "is_default", "description"]
    extra = 0


def _acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [PseudInline]
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "pseud_names"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    actions = ["suspend", "unsuspend"]

    @admin.display(description="Pseuds")
    def pseud_names(self, user: User) -> str:
        return ", ".join(p.name for p in user.pseuds.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("pseuds")

    @admin.action(description="Suspend the selected users (they can no longer log in)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = actions.suspend_users(queryset, actor=_acting_user(request))
        self.message_user(request, f"Suspended {count} user(s).", messages.SUCCESS)

    @admin.action(description="Unsuspend the selected users")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = actions.unsuspend_users(queryset, actor=_acting_user(request))
        self.message_user(request, f"Unsuspended {count} user(s).", messages.SUCCESS)


@admin.register(Pseud)
class PseudAdmin(admin.ModelAdmin[Pseud]):
    list_display = ["name", "user", "is_default"]
    search_fields = ["name", "user__username"]


@admin.register(ArchiveSettings)
class ArchiveSettingsAdmin(admin.ModelAdmin[ArchiveSettings]):
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
class InvitationAdmin(admin.ModelAdmin[Invitation]):
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
class InviteRequestAdmin(admin.ModelAdmin[InviteRequest]):
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


admin.site.register(Block, list_display=["blocker", "blocked", "created_at"])
admin.site.register(Mute, list_display=["muter", "muted", "created_at"])
admin.site.register(Preference, list_display=["user", "theme", "font_size"])

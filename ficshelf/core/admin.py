"""The audit log's page in the admin site: read only, with filters by actor, action,
target type and date. Also puts Django's groups (which carry permissions such as tag
wrangling) under the audit log like every other admin page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ficshelf.core.admin_audit import AuditedModelAdmin
from ficshelf.core.models import AuditEntry

ENTRY_FIELDS = [
    "created_at",
    "actor",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target",
    "reason",
    "details",
]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor_name", "action", "target_type", "target", "reason"]
    list_filter = [
        ("actor", admin.RelatedOnlyFieldListFilter),
        "action",
        ("target_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    date_hierarchy = "created_at"
    search_fields = ["actor_name", "target_repr", "reason"]
    list_select_related = ["target_type"]
    fields = tuple(ENTRY_FIELDS)
    readonly_fields = tuple(ENTRY_FIELDS)

    # The log is written by the actions alone: nobody adds, edits or removes entries.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Target", ordering="target_repr")
    def target(self, entry: AuditEntry) -> str:
        """The target as it read then, linked to its admin page when it has one."""
        if entry.target_type is None or not entry.target_id:
            return entry.target_repr
        name = f"admin:{entry.target_type.app_label}_{entry.target_type.model}_change"
        try:
            url = reverse(name, args=[entry.target_id])
        except NoReverseMatch:
            return entry.target_repr
        return format_html('<a href="{}">{}</a>', url, entry.target_repr)


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedModelAdmin[Group], GroupAdmin):
    pass

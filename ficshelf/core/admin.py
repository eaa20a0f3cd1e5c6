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
from django.utils.text import Truncator

from ficshelf.core.admin_audit import AuditedModelAdmin
from ficshelf.core.models import (
    AuditEntry,
    BlockedEmailDomain,
    BlockedNetwork,
    EmbedHost,
    SkinImageHost,
)

# Characters of a reason the log's list shows.
REASON_SHOWN = 120
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
    list_display = ["created_at", "actor_name", "action", "target", "short_reason"]
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
        """The target's kind and how it read then, linked to its admin page when it has
        one (a deleted target's link says so when followed)."""
        if entry.target_type is None:
            return entry.target_repr
        kind = entry.target_type.name
        name = f"admin:{entry.target_type.app_label}_{entry.target_type.model}_change"
        try:
            url = reverse(name, args=[entry.target_id])
        except NoReverseMatch:
            return format_html("{}: {}", kind, entry.target_repr)
        return format_html('{}: <a href="{}">{}</a>', kind, url, entry.target_repr)

    @admin.display(description="Reason", ordering="reason")
    def short_reason(self, entry: AuditEntry) -> str:
        # The whole reason is on the entry's page; the list stays readable.
        return Truncator(entry.reason).chars(REASON_SHOWN)


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedModelAdmin[Group], GroupAdmin):
    pass


# The spam defence's blocklists (core/spam.py): edits are recorded in the audit log.
@admin.register(BlockedEmailDomain)
class BlockedEmailDomainAdmin(AuditedModelAdmin[BlockedEmailDomain]):
    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]


@admin.register(BlockedNetwork)
class BlockedNetworkAdmin(AuditedModelAdmin[BlockedNetwork]):
    list_display = ["network", "note", "created_at"]
    search_fields = ["network", "note"]


# Hosts whose players works may embed (core/embed_hosts.py): edits are audited.
@admin.register(EmbedHost)
class EmbedHostAdmin(AuditedModelAdmin[EmbedHost]):
    list_display = ["host", "note", "created_at"]
    search_fields = ["host", "note"]


# Hosts skins may load images from (core/skin_image_hosts.py): edits are audited.
@admin.register(SkinImageHost)
class SkinImageHostAdmin(AuditedModelAdmin[SkinImageHost]):
    list_display = ["host", "note", "created_at"]
    search_fields = ["host", "note"]

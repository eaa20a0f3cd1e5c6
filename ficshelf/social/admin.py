from django.contrib import admin

from ficshelf.core.admin_audit import AuditedModelAdmin
from ficshelf.social.models import (
    Bookmark,
    Comment,
    InboxItem,
    Kudos,
    Reading,
    ReadingList,
    Subscription,
)


@admin.register(Comment)
class CommentAdmin(AuditedModelAdmin[Comment]):
    list_display = ["pk", "work", "user", "guest_name", "is_approved", "is_deleted", "created_at"]
    list_filter = ["is_approved", "is_deleted"]
    search_fields = ["text", "user__username", "guest_name", "guest_email"]
    raw_id_fields = ["work", "chapter", "parent", "user"]


@admin.register(Kudos)
class KudosAdmin(AuditedModelAdmin[Kudos]):
    list_display = ["work", "user", "created_at"]
    raw_id_fields = ["work", "user"]


@admin.register(Bookmark)
class BookmarkAdmin(AuditedModelAdmin[Bookmark]):
    list_display = ["pk", "user", "work", "series", "is_private", "is_rec", "updated_at"]
    raw_id_fields = ["user", "work", "series"]


@admin.register(Subscription)
class SubscriptionAdmin(AuditedModelAdmin[Subscription]):
    list_display = ["user", "work", "series", "creator", "created_at"]
    raw_id_fields = ["user", "work", "series", "creator"]


@admin.register(InboxItem)
class InboxItemAdmin(AuditedModelAdmin[InboxItem]):
    list_display = ["recipient", "kind", "text", "is_read", "awaits_digest", "created_at"]
    list_filter = ["kind", "is_read", "awaits_digest"]
    raw_id_fields = ["recipient"]


@admin.register(Reading)
class ReadingAdmin(AuditedModelAdmin[Reading]):
    list_display = ["user", "work", "chapter", "last_viewed_at", "is_marked_for_later"]
    raw_id_fields = ["user", "work", "chapter"]


@admin.register(ReadingList)
class ReadingListAdmin(AuditedModelAdmin[ReadingList]):
    list_display = ["name", "owner", "is_public", "created_at"]
    raw_id_fields = ["owner"]

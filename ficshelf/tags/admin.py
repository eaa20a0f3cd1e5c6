from django.contrib import admin

from ficshelf.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "type", "is_canonical", "merger"]
    list_filter = ["type", "is_canonical"]
    search_fields = ["name"]
    raw_id_fields = ["merger"]

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest

from ficshelf.search.queue import enqueue_works
from ficshelf.tags.filtering import refresh_filter_taggings, works_tagged_under
from ficshelf.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "type", "is_canonical", "merger"]
    list_filter = ["type", "is_canonical"]
    search_fields = ["name"]
    raw_id_fields = ["merger"]

    def save_model(self, request: HttpRequest, obj: Tag, form: Form, change: bool) -> None:
        # Wrangling belongs on the tag's wrangling page, whose checks keep the tree sound;
        # a change made here still keeps the works' filters current.
        affected = works_tagged_under([obj.pk]) if change else []
        super().save_model(request, obj, form, change)
        if affected:
            refresh_filter_taggings(affected)
            enqueue_works(affected)

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        self._delete_and_refilter([obj])

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        self._delete_and_refilter(list(queryset))

    def _delete_and_refilter(self, tags: list[Model]) -> None:
        affected = works_tagged_under([t.pk for t in tags])
        for tag in tags:
            tag.delete()
        refresh_filter_taggings(affected)
        enqueue_works(affected)

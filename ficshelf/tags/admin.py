from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest

from ficshelf.core.admin_audit import AuditedModelAdmin
from ficshelf.tags.actions import refilter_works
from ficshelf.tags.filtering import works_tagged_under
from ficshelf.tags.models import Tag


@admin.register(Tag)
class TagAdmin(AuditedModelAdmin[Tag]):
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
            refilter_works(affected)

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        with transaction.atomic():
            affected = works_tagged_under([obj.pk])
            super().delete_model(request, obj)
            refilter_works(affected)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            affected = works_tagged_under([t.pk for t in queryset])
            super().delete_queryset(request, queryset)
            refilter_works(affected)

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ficshelf.works.models import Chapter, Creatorship, Language, Series, Work


class ChapterInline(admin.StackedInline[Chapter, Work]):
    model = Chapter
    extra = 0
    fields = ["position", "title", "is_posted", "word_count"]
    readonly_fields = ["word_count"]


class CreatorshipInline(admin.TabularInline[Creatorship, Work]):
    model = Creatorship
    extra = 0
    raw_id_fields = ["pseud"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin[Work]):
    list_display = ["title", "is_posted", "is_restricted", "is_hidden_by_admin", "word_count"]
    list_filter = ["is_posted", "is_restricted", "is_hidden_by_admin"]
    search_fields = ["title"]
    raw_id_fields = ["tags", "language"]
    inlines = [CreatorshipInline, ChapterInline]
    actions = ["hide", "unhide"]

    @admin.action(description="Hide from readers (creators and admins still see them)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        from ficshelf.moderation.actions import hide_works

        count = hide_works(queryset, hidden=True, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{count} work(s) hidden.", messages.SUCCESS)

    @admin.action(description="Unhide")
    def unhide(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        from ficshelf.moderation.actions import hide_works

        count = hide_works(queryset, hidden=False, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{count} work(s) unhidden.", messages.SUCCESS)


admin.site.register(Series)
admin.site.register(Language)

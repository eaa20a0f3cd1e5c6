from django.contrib import admin

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


admin.site.register(Series)
admin.site.register(Language)

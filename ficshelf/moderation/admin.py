"""The admins' report queue, with the actions a report usually calls for."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ficshelf.moderation.actions import close_reports, delete_reported_comments, hide_works
from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.works.models import Work


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["created_at", "reason", "work", "comment", "reporter", "status"]
    list_filter = ["status", "reason"]
    search_fields = ["work__title", "details", "reporter__username", "reporter_email"]
    raw_id_fields = ["work", "comment", "reporter", "resolved_by"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by"]
    actions = ["hide_reported_works", "delete_reported_comments", "mark_resolved", "dismiss"]

    @admin.action(description="Delete the reported comments and resolve these reports")
    def delete_reported_comments(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        deleted = delete_reported_comments(queryset, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{deleted} comment(s) deleted.", messages.SUCCESS)

    @admin.action(description="Hide the reported works and resolve these reports")
    def hide_reported_works(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        works = Work.objects.filter(pk__in=queryset.values("work_id"))
        hidden = hide_works(works, hidden=True, actor=request.user)  # type: ignore[arg-type]
        close_reports(queryset, status=ReportStatus.RESOLVED, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{hidden} work(s) hidden.", messages.SUCCESS)

    @admin.action(description="Mark resolved")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = close_reports(queryset, status=ReportStatus.RESOLVED, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{count} report(s) resolved.", messages.SUCCESS)

    @admin.action(description="Dismiss")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = close_reports(queryset, status=ReportStatus.DISMISSED, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{count} report(s) dismissed.", messages.SUCCESS)

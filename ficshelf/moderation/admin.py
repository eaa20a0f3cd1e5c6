"""The admins' report queue, with the actions a report usually calls for. Each asks for a
reason, kept in the audit log with what was done."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from ficshelf.accounts.models import User
from ficshelf.core.admin_audit import (
    AuditedModelAdmin,
    ReasonForm,
    acting_admin,
    confirm_with_reason,
)
from ficshelf.moderation import actions
from ficshelf.moderation.models import Report, ReportStatus


@admin.register(Report)
class ReportAdmin(AuditedModelAdmin[Report]):
    list_display = ["created_at", "kind", "reason", "about", "reporter", "status"]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["work__title", "about", "details", "reporter__username", "reporter_email"]
    raw_id_fields = ["work", "chapter", "comment", "bookmark", "tag", "profile", "reporter"]
    # A report is closed by the actions, which record why.
    readonly_fields = ["status", "created_at", "resolved_at", "resolved_by"]

    # The actions each need the role's permission (moderation.roles), on top of the
    # permission of what they change.
    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.resolve_report")

    def has_hide_permission(self, request: HttpRequest) -> bool:
        return self.has_resolve_permission(request) and request.user.has_perm("works.change_work")

    def has_delete_comments_permission(self, request: HttpRequest) -> bool:
        return self.has_resolve_permission(request) and request.user.has_perm(
            "social.delete_comment"
        )

    actions = ["hide_reported_works", "delete_reported_comments", "mark_resolved", "dismiss"]

    @admin.action(
        description="Delete the reported comments and resolve these reports",
        permissions=["delete_comments"],
    )
    def delete_reported_comments(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._confirm(
            request,
            queryset,
            title="Delete reported comments",
            question="Delete the comments these reports are about, and resolve the reports?",
            button="Delete the comments",
            act=lambda reason, actor: (
                f"{actions.delete_reported_comments(queryset, reason=reason, actor=actor)} "
                "comment(s) deleted."
            ),
        )

    @admin.action(
        description="Hide the reported works and resolve these reports", permissions=["hide"]
    )
    def hide_reported_works(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._confirm(
            request,
            queryset,
            title="Hide reported works",
            question=(
                "Hide the works these reports are about from readers (their creators and "
                "admins still see them), and resolve the reports?"
            ),
            button="Hide the works",
            act=lambda reason, actor: (
                f"{actions.hide_reported_works(queryset, reason=reason, actor=actor)} "
                "work(s) hidden."
            ),
        )

    @admin.action(description="Mark resolved", permissions=["resolve"])
    def mark_resolved(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._close(request, queryset, ReportStatus.RESOLVED, "resolved")

    @admin.action(description="Dismiss", permissions=["resolve"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> HttpResponse | None:
        return self._close(request, queryset, ReportStatus.DISMISSED, "dismissed")

    def _close(
        self, request: HttpRequest, queryset: QuerySet[Report], status: str, done: str
    ) -> HttpResponse | None:
        return self._confirm(
            request,
            queryset,
            title=f"Mark reports {done}",
            question=f"Mark these reports {done}?",
            button=f"Mark them {done}",
            act=lambda reason, actor: (
                f"{actions.close_reports(queryset, status=status, reason=reason, actor=actor)} "
                f"report(s) {done}."
            ),
        )

    def _confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet[Report],
        *,
        title: str,
        question: str,
        button: str,
        act: Callable[[str, User], str],
    ) -> HttpResponse | None:
        def perform(form: ReasonForm) -> str:
            actor = acting_admin(request)
            assert isinstance(actor, User)
            return act(form.cleaned_data["reason"], actor)

        return confirm_with_reason(
            self,
            request,
            queryset.select_related("work"),
            title=title,
            question=question,
            button=button,
            perform=perform,
        )

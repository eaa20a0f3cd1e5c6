"""Works in the admin site. Whatever here changes who may see a work (hiding, unhiding,
deleting, the change form's visibility fields) asks for a reason and goes through
``works.moderation``, which queues the work and records the audit entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from ficshelf.accounts.models import User
from ficshelf.core.admin_audit import (
    REASON_MAX_LENGTH,
    AuditedModelAdmin,
    ReasonForm,
    acting_admin,
    confirm_with_reason,
    delete_with_reason_view,
    mark_audited,
)
from ficshelf.works import moderation
from ficshelf.works.models import Chapter, Creatorship, Language, Series, Work

# Where the change form keeps the audit entry its save made, for the inline changes.
_SAVED_ENTRY = "_ficshelf_work_audit_entry"


class ChapterInline(admin.StackedInline[Chapter, Work]):
    model = Chapter
    extra = 0
    fields = ["position", "title", "is_posted", "word_count"]
    readonly_fields = ["word_count"]


class CreatorshipInline(admin.TabularInline[Creatorship, Work]):
    model = Creatorship
    extra = 0
    raw_id_fields = ["pseud"]


class WorkAdminForm(forms.ModelForm[Work]):
    """The work's fields (the admin site makes the form for the model) and a reason."""

    audit_reason = forms.CharField(
        label="Reason (kept in the audit log)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Needed when you hide or unhide the work, post or unpost it, or restrict it.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        changes_visibility = any(f in moderation.VISIBILITY_FIELDS for f in self.changed_data)
        if changes_visibility and not cleaned.get("audit_reason", "").strip():
            self.add_error(
                "audit_reason",
                "Say why: this changes who can see the work, and the reason is kept in "
                "the audit log.",
            )
        return cleaned


@admin.register(Work)
class WorkAdmin(AuditedModelAdmin[Work]):
    form = WorkAdminForm
    list_display = ["title", "is_posted", "is_restricted", "is_hidden_by_admin", "word_count"]
    list_filter = ["is_posted", "is_restricted", "is_hidden_by_admin"]
    search_fields = ["title"]
    raw_id_fields = ["tags", "language"]
    # Kept by social.counters from the kudos, hits, comments, bookmarks and subscriptions
    # themselves: an edit here would make them disagree with what they count.
    readonly_fields = list(Work.STORED_COUNTS)
    inlines = [CreatorshipInline, ChapterInline]
    actions = ["hide", "unhide", "delete_with_reason"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django's own "delete selected" would skip the reason and the audit log.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    @admin.action(
        description="Hide from readers (creators and admins still see them)",
        permissions=["change"],
    )
    def hide(self, request: HttpRequest, queryset: QuerySet[Work]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Hide works",
            question="Hide these works from readers? Their creators and admins still see them.",
            button="Hide them",
            perform=lambda form: _hidden(request, queryset, form),
        )

    @admin.action(description="Unhide", permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[Work]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Unhide works",
            question="Show these works to readers again?",
            button="Unhide them",
            perform=lambda form: _unhidden(request, queryset, form),
        )

    @admin.action(description="Delete the selected works", permissions=["delete"])
    def delete_with_reason(
        self, request: HttpRequest, queryset: QuerySet[Work]
    ) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Delete works",
            question="Delete these works for good, with their chapters, comments and kudos?",
            button="Delete them",
            perform=lambda form: _deleted(request, queryset, form),
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The change form's Delete button: the same reason page as the list action."""
        return delete_with_reason_view(
            self,
            request,
            object_id,
            question="Delete this work for good, with its chapters, comments and kudos?",
            perform=lambda works, form: _deleted(request, works, form),
        )

    def save_model(
        self, request: HttpRequest, obj: Work, form: forms.ModelForm[Work], change: bool
    ) -> None:
        entry = moderation.save_work_from_admin(
            obj,
            changed_fields=[f for f in form.changed_data if f != "audit_reason"],
            reason=form.cleaned_data.get("audit_reason", ""),
            actor=_admin(request),
            is_new=not change,
        )
        setattr(request, _SAVED_ENTRY, entry)
        mark_audited(request)

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Work],
        formsets: list[BaseInlineFormSet[Any, Work, Any]],
        change: bool,
    ) -> None:
        # Chapters and credits save one by one, so the model signals queue the work; the
        # audit entry made by ``save_model`` is completed with what they changed.
        super().save_related(request, form, formsets, change)
        entry = getattr(request, _SAVED_ENTRY, None)
        changed_inlines = [
            str(obj)
            for formset in formsets
            for obj in [*formset.new_objects, *(o for o, _ in formset.changed_objects)]
        ] + [f"deleted {obj}" for formset in formsets for obj in formset.deleted_objects]
        if entry is not None and changed_inlines:
            entry.details = {**entry.details, "inlines": changed_inlines}
            entry.save(update_fields=["details"])


def _admin(request: HttpRequest) -> User:
    user = acting_admin(request)
    assert isinstance(user, User)
    return user


def _hidden(request: HttpRequest, works: QuerySet[Work], form: ReasonForm) -> str:
    count = moderation.hide_works(works, reason=form.cleaned_data["reason"], actor=_admin(request))
    return f"{count} work(s) hidden."


def _unhidden(request: HttpRequest, works: QuerySet[Work], form: ReasonForm) -> str:
    reason = form.cleaned_data["reason"]
    count = moderation.unhide_works(works, reason=reason, actor=_admin(request))
    return f"{count} work(s) unhidden."


def _deleted(request: HttpRequest, works: QuerySet[Work], form: ReasonForm) -> str:
    count = moderation.delete_works(
        works, reason=form.cleaned_data["reason"], actor=_admin(request)
    )
    return f"{count} work(s) deleted."


admin.site.register(Series, AuditedModelAdmin)
admin.site.register(Language, AuditedModelAdmin)

from typing import Any

from django import forms
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
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile, sanitize_html
from ficshelf.social.external_works import (
    NotAWebAddress,
    checked_url,
    set_external_works_hidden,
    url_key,
)
from ficshelf.social.models import (
    Bookmark,
    Comment,
    ExternalWork,
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
    list_display = ["pk", "user", "work", "series", "external_work", "is_private", "is_rec"]
    raw_id_fields = ["user", "work", "series", "external_work"]


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


class ExternalWorkAdminForm(forms.ModelForm[ExternalWork]):
    """An admin's correction of an external work: the address stays http(s) and keeps its
    normalised key; the summary is cleaned as when a member wrote it."""

    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https")

    class Meta:
        model = ExternalWork
        fields = ["url", "title", "creator", "summary", "tags"]

    def clean_url(self) -> str:
        try:
            return checked_url(self.cleaned_data["url"])
        except NotAWebAddress as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        url = cleaned.get("url")
        if url:
            taken = ExternalWork.objects.filter(url_key=url_key(url)).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("url", "Another external work already has this address.")
        return cleaned

    def save(self, commit: bool = True) -> ExternalWork:
        external = super().save(commit=False)
        external.url_key = url_key(external.url)
        external.summary = sanitize_html(external.summary, Profile.COMMENT)
        external.sanitizer_version = SANITIZER_VERSION
        if commit:
            external.save()
            self.save_m2m()
        return external


@admin.register(ExternalWork)
class ExternalWorkAdmin(AuditedModelAdmin[ExternalWork]):
    """Edits are recorded by ``AuditedModelAdmin``; hiding asks for a reason."""

    form = ExternalWorkAdminForm
    list_display = ["pk", "title", "creator", "url", "is_hidden_by_admin", "created_at"]
    list_filter = ["is_hidden_by_admin"]
    search_fields = ["title", "creator", "url"]
    readonly_fields = ["is_hidden_by_admin"]
    raw_id_fields = ["tags"]
    actions = ["hide", "unhide"]

    @admin.action(description="Hide from bookmark listings", permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet[ExternalWork]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Hide external works",
            question="Hide these external works from every bookmark listing and search?",
            button="Hide them",
            perform=lambda form: _set_hidden(request, queryset, form, hidden=True),
        )

    @admin.action(description="Unhide", permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[ExternalWork]) -> HttpResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Unhide external works",
            question="Show these external works in bookmark listings again?",
            button="Unhide them",
            perform=lambda form: _set_hidden(request, queryset, form, hidden=False),
        )


def _set_hidden(
    request: HttpRequest, queryset: QuerySet[ExternalWork], form: ReasonForm, *, hidden: bool
) -> str:
    admin_user = acting_admin(request)
    assert isinstance(admin_user, User)
    count = set_external_works_hidden(
        queryset, hidden=hidden, reason=form.cleaned_data["reason"], actor=admin_user
    )
    return f"{count} external work(s) {'hidden' if hidden else 'unhidden'}."

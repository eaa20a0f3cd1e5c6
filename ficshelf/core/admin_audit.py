"""The admin site's side of the audit log: every change made there is recorded, and the
changes that decide who sees what first ask the admin why.

``AuditedModelAdmin`` is the base of every ModelAdmin in the project: what its add, change
and delete pages do is recorded beside Django's own history, with the change's summary.
A save that went through an action (works, accounts) says so with ``mark_audited``: the
action recorded its entry, with the reason, itself.

``confirm_with_reason`` is the page in between, like Django's delete confirmation: the
objects chosen, a reason (kept in the audit log) and a button that does it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ficshelf.core.audit import record, record_each

M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=forms.Form)

# The name of the reason page's button: a POST that carries it is the confirmation.
CONFIRM = "confirm_with_reason"
# The reason page lists this many of the chosen objects and counts the rest.
OBJECTS_LISTED = 100
REASON_MAX_LENGTH = 2000
# Set on a request whose save an action has already recorded.
_AUDITED = "_ficshelf_audited_by_action"


def acting_admin(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in admin: the admin site lets nobody else this far."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


def mark_audited(request: HttpRequest) -> None:
    """The change form's save went through an action that recorded it: no second entry."""
    setattr(request, _AUDITED, True)


def given_reason(value: str) -> str:
    """A reason as kept: trimmed; refused when there is none."""
    reason = value.strip()
    if not reason:
        raise forms.ValidationError("Say why: the reason is kept in the audit log.")
    return reason


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (kept in the audit log)",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=REASON_MAX_LENGTH,
        # Checked by ``clean_reason`` with a message that says why it is needed.
        required=False,
    )

    def clean_reason(self) -> str:
        return given_reason(self.cleaned_data.get("reason", ""))


def confirm_with_reason(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    objects: QuerySet[Any] | Sequence[models.Model],
    *,
    title: str,
    question: str,
    button: str,
    perform: Callable[[F], str],
    form_class: type[F] = ReasonForm,  # type: ignore[assignment]
    from_action: bool = True,
) -> TemplateResponse | None:
    """The reason page for ``objects``, or, once confirmed with a reason, ``perform(form)``
    and its message (None: the caller goes back to the list).

    ``from_action``: shown by a list action, so the page sends the action and the chosen
    objects back with the confirmation (Django's own delete confirmation does the same).
    """
    confirmed = CONFIRM in request.POST
    form = form_class(request.POST if confirmed else None)
    if confirmed and form.is_valid():
        model_admin.message_user(request, perform(form), messages.SUCCESS)
        return None
    listed = list(objects[: OBJECTS_LISTED + 1])
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "question": question,
        "button": button,
        "form": form,
        "objects": listed[:OBJECTS_LISTED],
        "more_count": max(0, _count(objects) - OBJECTS_LISTED),
        "from_action": from_action,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "confirm_name": CONFIRM,
    }
    # A confirmation without a reason is refused: nothing was done.
    status = 400 if confirmed else 200
    return TemplateResponse(request, "admin/ficshelf/reason.html", context, status=status)


def delete_with_reason_view(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    object_id: str,
    *,
    question: str,
    perform: Callable[[QuerySet[Any], F], str],
    form_class: type[F] = ReasonForm,  # type: ignore[assignment]
) -> HttpResponse:
    """A change form's Delete button, for objects whose deletion is an action: the reason
    page for the one object, then back to the list."""
    opts = model_admin.model._meta
    found = model_admin.get_object(request, unquote(object_id))
    if found is None:
        raise Http404(f"No {opts.verbose_name} with the id {object_id}.")
    if not model_admin.has_delete_permission(request, found):
        raise PermissionDenied
    chosen = model_admin.model._default_manager.filter(pk=found.pk)
    shown = confirm_with_reason(
        model_admin,
        request,
        chosen,
        title=f"Delete {opts.verbose_name}",
        question=question,
        button="Delete it",
        perform=lambda form: perform(chosen, form),
        form_class=form_class,
        from_action=False,
    )
    if shown is not None:
        return shown
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def _count(objects: QuerySet[Any] | Sequence[models.Model]) -> int:
    return objects.count() if isinstance(objects, QuerySet) else len(objects)


class AuditedModelAdmin(admin.ModelAdmin[M]):
    """A ModelAdmin whose additions, changes and deletions go into the audit log."""

    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> LogEntry:
        logged = super().log_addition(request, obj, message)
        if not getattr(request, _AUDITED, False):
            record(
                actor=acting_admin(request),
                action="add",
                target=obj,
                details={"change": _summary(logged)},
            )
        return logged

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> LogEntry:
        logged = super().log_change(request, obj, message)
        if not getattr(request, _AUDITED, False):
            record(
                actor=acting_admin(request),
                action="change",
                target=obj,
                details={"change": _summary(logged)},
            )
        return logged

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        with transaction.atomic():
            record(actor=acting_admin(request), action="delete", target=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        # Django's "delete selected" runs outside a transaction: the entries and the
        # deletion commit together or not at all.
        with transaction.atomic():
            record_each(actor=acting_admin(request), action="delete", targets=list(queryset))
            super().delete_queryset(request, queryset)


def _summary(logged: Any) -> str:
    # ``log_actions(single_object=True)`` returns the one entry it made.
    if isinstance(logged, LogEntry):
        return str(logged.get_change_message())
    return ""

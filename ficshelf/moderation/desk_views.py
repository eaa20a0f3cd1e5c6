"""The moderators' desk: the report queue, one report with its reply and its closing,
the audit log with filters, and a member's notes, warnings and suspension.

Every page needs its permission (``moderation.roles``) and an admin who passed two-factor
in this session (``accounts.two_factor`` sends the others to set it up or verify first).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ficshelf.accounts import moderation as account_moderation
from ficshelf.accounts.models import User
from ficshelf.core.admin_audit import ReasonForm
from ficshelf.core.models import AuditEntry
from ficshelf.core.staff import has_admin_role, is_verified
from ficshelf.moderation import actions
from ficshelf.moderation.forms import AuditFilterForm, ReplyForm
from ficshelf.moderation.models import Report, ReportKind, ReportStatus
from ficshelf.works.moderation import ModerationRefused

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def desk_permission(permission: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not has_admin_role(user) or not is_verified(user):
                raise PermissionDenied
            if not user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@desk_permission("moderation.view_report")
def queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", ReportStatus.OPEN)
    reports = Report.objects.select_related("reporter")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    if state in ReportStatus.values:
        reports = reports.filter(status=state)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/desk/queue.html",
        {
            "page": page,
            "kinds": ReportKind.choices,
            "states": ReportStatus.choices,
            "kind": kind,
            "state": state,
            "here": "queue",
        },
    )


def _report_page(request: HttpRequest, report: Report, **forms_: Any) -> dict[str, Any]:
    return {
        "report": report,
        "replies": list(report.replies.select_related("author")),
        "reply_form": forms_.get("reply_form") or ReplyForm(),
        "close_form": forms_.get("close_form") or ReasonForm(),
        "can_reply": request.user.has_perm("moderation.reply_to_report"),
        "can_resolve": request.user.has_perm("moderation.resolve_report"),
        "can_hide": request.user.has_perm("moderation.resolve_report")
        and request.user.has_perm("works.change_work")
        and report.work_id is not None,
    }


@desk_permission("moderation.view_report")
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.select_related("reporter", "work"), pk=report_id)
    return render(request, "moderation/desk/report.html", _report_page(request, report))


@require_POST
@desk_permission("moderation.reply_to_report")
def reply(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=report_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            actions.reply_to_report(report, text=form.cleaned_data["text"], actor=_actor(request))
        except ModerationRefused as why:
            form.add_error("text", str(why))
        else:
            messages.success(request, f"Reply sent to {report.answer_address}.")
            return redirect("moderation:desk_report", report.pk)
    page = _report_page(request, report, reply_form=form)
    return render(request, "moderation/desk/report.html", page, status=400)


@require_POST
@desk_permission("moderation.resolve_report")
def close(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=report_id)
    form = ReasonForm(request.POST)
    what = request.POST.get("do", "")
    if what == "hide" and not request.user.has_perm("works.change_work"):
        raise PermissionDenied
    if form.is_valid() and what in ("resolve", "dismiss", "hide"):
        chosen = Report.objects.filter(pk=report.pk)
        reason, actor = form.cleaned_data["reason"], _actor(request)
        try:
            if what == "hide":
                hidden = actions.hide_reported_works(chosen, reason=reason, actor=actor)
                messages.success(request, f"{hidden} work(s) hidden; report resolved.")
            else:
                status = ReportStatus.RESOLVED if what == "resolve" else ReportStatus.DISMISSED
                actions.close_reports(chosen, status=status, reason=reason, actor=actor)
                messages.success(request, f"Report {status}.")
        except ModerationRefused as why:
            form.add_error("reason", str(why))
        else:
            return redirect("moderation:desk_report", report.pk)
    page = _report_page(request, report, close_form=form)
    return render(request, "moderation/desk/report.html", page, status=400)


@desk_permission("core.view_auditentry")
def audit_log(request: HttpRequest) -> HttpResponse:
    known = sorted(AuditEntry.objects.values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actions=known)
    entries = AuditEntry.objects.select_related("target_type").order_by("-created_at", "-pk")
    if form.is_bound and form.is_valid():
        wanted = form.cleaned_data
        if wanted["actor"]:
            entries = entries.filter(actor_name__iexact=wanted["actor"].strip())
        if wanted["member"]:
            member = User.objects.filter(username__iexact=wanted["member"].strip()).first()
            user_type = ContentType.objects.get_for_model(User)
            entries = entries.filter(
                target_type=user_type, target_id=str(member.pk) if member else "-"
            )
        if wanted["action"]:
            entries = entries.filter(action=wanted["action"])
        zone = timezone.get_current_timezone()
        if wanted["since"]:
            entries = entries.filter(
                created_at__gte=datetime.combine(wanted["since"], time.min, tzinfo=zone)
            )
        if wanted["until"]:
            end = datetime.combine(wanted["until"] + timedelta(days=1), time.min, tzinfo=zone)
            entries = entries.filter(created_at__lt=end)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/desk/audit.html",
        {"form": form, "page": page, "query": query.urlencode(), "here": "audit"},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note (admins only)", widget=forms.Textarea(attrs={"rows": 3}))


class NextOfKinForm(ReasonForm):
    name = forms.CharField(label="Next of kin: name", max_length=100, required=False)
    email = forms.EmailField(label="Next of kin: email", required=False)


class SuspendForm(ReasonForm):
    until = forms.DateTimeField(
        label="Suspended until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    field_order = ["until", "reason"]


@desk_permission("accounts.view_user")
def member(request: HttpRequest, username: str) -> HttpResponse:
    found = get_object_or_404(User, username=username)
    return render(request, "moderation/desk/member.html", _member_page(request, found))


def _member_page(request: HttpRequest, found: User, **forms_: Any) -> dict[str, Any]:
    can = request.user.has_perm
    return {
        "member": found,
        "notes": list(found.admin_notes.select_related("author"))
        if can("accounts.note_member")
        else None,
        "warnings": list(found.warnings.all()),
        "note_form": forms_.get("note_form") or NoteForm(),
        "warn_form": forms_.get("warn_form") or ReasonForm(prefix="warn"),
        "suspend_form": forms_.get("suspend_form") or SuspendForm(prefix="suspend"),
        "kin_form": forms_.get("kin_form")
        or NextOfKinForm(
            prefix="kin",
            initial={"name": found.next_of_kin_name, "email": found.next_of_kin_email},
        ),
        "can_kin": can("accounts.change_next_of_kin"),
        "can_note": can("accounts.note_member"),
        "can_warn": can("accounts.warn_member"),
        "can_suspend": can("accounts.suspend_member"),
    }


@require_POST
def member_act(request: HttpRequest, username: str, what: str) -> HttpResponse:
    permission = {
        "note": "accounts.note_member",
        "warn": "accounts.warn_member",
        "suspend": "accounts.suspend_member",
        "unsuspend": "accounts.suspend_member",
        "kin": "accounts.change_next_of_kin",
    }.get(what)
    if permission is None:
        raise PermissionDenied
    return desk_permission(permission)(_member_act)(request, username, what)


def _member_act(request: HttpRequest, username: str, what: str) -> HttpResponse:
    found = get_object_or_404(User, username=username)
    actor = _actor(request)
    form: forms.Form
    try:
        if what == "note":
            form = NoteForm(request.POST)
            if form.is_valid():
                account_moderation.add_note(found, text=form.cleaned_data["text"], actor=actor)
                messages.success(request, "Note kept.")
                return redirect("moderation:desk_member", found.username)
            extra: dict[str, Any] = {"note_form": form}
        elif what == "warn":
            form = ReasonForm(request.POST, prefix="warn")
            if form.is_valid():
                account_moderation.warn(found, reason=form.cleaned_data["reason"], actor=actor)
                messages.success(request, f"{found} warned.")
                return redirect("moderation:desk_member", found.username)
            extra = {"warn_form": form}
        elif what == "suspend":
            form = SuspendForm(request.POST, prefix="suspend")
            if form.is_valid():
                account_moderation.suspend(
                    found,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                    actor=actor,
                )
                messages.success(request, f"{found} suspended.")
                return redirect("moderation:desk_member", found.username)
            extra = {"suspend_form": form}
        elif what == "kin":
            form = NextOfKinForm(request.POST, prefix="kin")
            if form.is_valid():
                account_moderation.set_next_of_kin(
                    found,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    reason=form.cleaned_data["reason"],
                    actor=actor,
                )
                messages.success(request, "Next of kin saved.")
                return redirect("moderation:desk_member", found.username)
            extra = {"kin_form": form}
        else:
            form = ReasonForm(request.POST, prefix="unsuspend")
            if form.is_valid():
                account_moderation.unsuspend(found, reason=form.cleaned_data["reason"], actor=actor)
                messages.success(request, f"{found}'s suspension ended.")
                return redirect("moderation:desk_member", found.username)
            extra = {}
    except account_moderation.AccountModerationRefused as why:
        messages.error(request, str(why))
        extra = {}
    page = _member_page(request, found, **extra)
    return render(request, "moderation/desk/member.html", page, status=400)

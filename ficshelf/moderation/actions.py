"""Writing reports and acting on them.

The report queue's actions are moderation: each records an audit entry with the admin's
reason, in the same transaction as what it does. Hiding goes through
``works.moderation.hide_works``, which queues the works so they leave every listing, count
and search at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.audit import record_each
from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.social.actions import delete_comment
from ficshelf.social.models import Comment
from ficshelf.works.models import Work
from ficshelf.works.moderation import ModerationRefused, hide_works

# The audit log's words for closing a report each way.
CLOSING_ACTIONS = {
    ReportStatus.RESOLVED: "resolve report",
    ReportStatus.DISMISSED: "dismiss report",
}


@transaction.atomic
def file_report(
    *,
    work: Work,
    reason: str,
    details: str,
    actor: User | None,
    reporter_email: str = "",
    comment: Comment | None = None,
) -> Report:
    return Report.objects.create(
        work=work,
        comment=comment,
        reason=reason,
        details=details,
        reporter=actor,
        reporter_email="" if actor else reporter_email,
    )


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ModerationRefused("Say why: the reason is kept in the audit log.")
    return reason


@transaction.atomic
def close_reports(reports: QuerySet[Report], *, status: str, reason: str, actor: User) -> int:
    """Resolve or dismiss the open reports among ``reports``; returns how many."""
    reason = _required(reason)
    closing = list(
        Report.objects.select_for_update()
        .filter(pk__in=reports.values("pk"), status=ReportStatus.OPEN)
        .select_related("work")
        .order_by("pk")
    )
    if not closing:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in closing]).update(
        status=status, resolved_at=timezone.now(), resolved_by=actor
    )
    record_each(
        actor=actor, action=CLOSING_ACTIONS[ReportStatus(status)], targets=closing, reason=reason
    )
    return len(closing)


@transaction.atomic
def delete_reported_comments(reports: QuerySet[Report], *, reason: str, actor: User) -> int:
    """Delete the comments these reports are about and resolve the reports."""
    reason = _required(reason)
    report_ids = list(reports.values_list("pk", flat=True))
    comments = list(
        Comment.objects.filter(reports__in=report_ids, is_deleted=False).distinct().order_by("pk")
    )
    # Recorded before they go: the entries name the comments as they were.
    record_each(actor=actor, action="delete comment", targets=comments, reason=reason)
    for comment in comments:
        delete_comment(comment, actor=actor, audited=False)
    close_reports(
        Report.objects.filter(pk__in=report_ids),
        status=ReportStatus.RESOLVED,
        reason=reason,
        actor=actor,
    )
    return len(comments)


@transaction.atomic
def hide_reported_works(reports: QuerySet[Report], *, reason: str, actor: User) -> int:
    """Hide the works these reports are about and resolve the reports; returns how many
    works were hidden."""
    report_ids = list(reports.values_list("pk", flat=True))
    works = Work.objects.filter(reports__in=report_ids).distinct()
    hidden = hide_works(works, reason=reason, actor=actor)
    close_reports(
        Report.objects.filter(pk__in=report_ids),
        status=ReportStatus.RESOLVED,
        reason=reason,
        actor=actor,
    )
    return hidden

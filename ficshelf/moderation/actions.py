"""Writing reports and acting on them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.social.models import Comment
from ficshelf.works.models import Work


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


@transaction.atomic
def close_reports(reports: QuerySet[Report], *, status: str, actor: User) -> int:
    return reports.filter(status=ReportStatus.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def delete_reported_comments(reports: QuerySet[Report], *, actor: User) -> int:
    """Delete the comments these reports are about and resolve the reports."""
    from ficshelf.social.actions import delete_comment

    report_ids = list(reports.values_list("pk", flat=True))
    comments = Comment.objects.filter(reports__in=report_ids, is_deleted=False).distinct()
    count = 0
    for comment in comments:
        delete_comment(comment, actor=actor)
        count += 1
    close_reports(
        Report.objects.filter(pk__in=report_ids), status=ReportStatus.RESOLVED, actor=actor
    )
    return count


@transaction.atomic
def hide_works(works: QuerySet[Work], *, hidden: bool, actor: User) -> int:
    """Hide (or unhide) works; hidden works stay visible to their creators and admins."""
    return works.update(is_hidden_by_admin=hidden)

"""Writing reports and acting on them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.works.models import Work


@transaction.atomic
def file_report(
    *, work: Work, reason: str, details: str, actor: User | None, reporter_email: str = ""
) -> Report:
    return Report.objects.create(
        work=work,
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
def hide_works(works: QuerySet[Work], *, hidden: bool, actor: User) -> int:
    """Hide (or unhide) works; hidden works stay visible to their creators and admins."""
    return works.update(is_hidden_by_admin=hidden)

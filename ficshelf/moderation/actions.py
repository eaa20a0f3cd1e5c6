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
from ficshelf.core.audit import record, record_each
from ficshelf.moderation.models import Report, ReportKind, ReportReply, ReportStatus
from ficshelf.social.actions import delete_comment
from ficshelf.social.models import Bookmark, Comment
from ficshelf.tags.models import Tag
from ficshelf.works.models import Chapter, Work
from ficshelf.works.moderation import ModerationRefused, hide_works

# The audit log's words for closing a report each way.
CLOSING_ACTIONS = {
    ReportStatus.RESOLVED: "resolve report",
    ReportStatus.DISMISSED: "dismiss report",
}


@transaction.atomic
def file_report(
    *,
    reason: str,
    details: str,
    actor: User | None,
    reporter_email: str = "",
    work: Work | None = None,
    chapter: Chapter | None = None,
    comment: Comment | None = None,
    bookmark: Bookmark | None = None,
    tag: Tag | None = None,
    profile: User | None = None,
    subject: str = "",
) -> Report:
    """A report into the queue; its kind is the most specific thing named (a comment's
    report names its work too)."""
    about: object
    if comment is not None:
        kind, about = ReportKind.COMMENT, f"comment {comment.pk} on {comment.work}"
    elif chapter is not None:
        kind, about = ReportKind.CHAPTER, f"{chapter.work}, chapter {chapter.position}"
    elif work is not None:
        kind, about = ReportKind.WORK, work
    elif bookmark is not None:
        kind, about = ReportKind.BOOKMARK, f"bookmark {bookmark.pk} by {bookmark.user}"
    elif tag is not None:
        kind, about = ReportKind.TAG, f"tag {tag.name}"
    elif profile is not None:
        kind, about = ReportKind.PROFILE, f"profile of {profile.get_username()}"
    else:
        kind, about = ReportKind.CONTACT, ""
    return Report.objects.create(
        kind=kind,
        about=str(about)[:300],
        work=work,
        chapter=chapter,
        comment=comment,
        bookmark=bookmark,
        tag=tag,
        profile=profile,
        subject=subject,
        reason=reason,
        details=details,
        reporter=actor,
        # A member's report is answered at their account's address; a contact message at
        # the one typed in the form.
        reporter_email=reporter_email if (actor is None or kind == ReportKind.CONTACT) else "",
    )


@transaction.atomic
def reply_to_report(report: Report, *, text: str, actor: User) -> ReportReply:
    """Answer the reporter: kept with the report, recorded, mailed by the worker once the
    transaction commits."""
    text = text.strip()
    if not text:
        raise ModerationRefused("Write the reply.")
    address = report.answer_address
    if not address:
        raise ModerationRefused("This reporter left no address to answer.")
    reply = ReportReply.objects.create(report=report, author=actor, text=text, sent_to=address)
    record(actor=actor, action="reply to report", target=report, details={"to": address})

    def send() -> None:
        from ficshelf.moderation.tasks import email_report_reply

        email_report_reply.enqueue(reply.pk)

    transaction.on_commit(send)
    return reply


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
        # Only the reports' rows are locked: their work is joined (for the audit entry's
        # text) on its nullable side, which PostgreSQL will not lock.
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=reports.values("pk"), status=ReportStatus.OPEN)
        .select_related("work")
        .order_by("pk")
    )
    if not closing:
        return 0
    for report in closing:
        report.status, report.resolved_at, report.resolved_by = status, timezone.now(), actor
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
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

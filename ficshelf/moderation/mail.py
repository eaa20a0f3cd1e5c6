"""The mail that carries an admin's reply to whoever reported or wrote in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from ficshelf.core.single_line import one_line
from ficshelf.moderation.models import ReportKind, ReportReply


def email_report_reply(reply_id: int) -> bool:
    reply = ReportReply.objects.select_related("report").filter(pk=reply_id).first()
    if reply is None or not reply.sent_to:
        return False
    report = reply.report
    site = getattr(settings, "SITE_NAME", "Ficshelf")
    if report.kind == ReportKind.CONTACT:
        about = f"your message “{report.subject}”"
    else:
        about = f"your report of a {report.get_kind_display().lower()} ({report.about})"
    send_mail(
        subject=one_line(f"[{site}] About {about}")[:200],
        message=(
            f"The admins of {site} answered {about}:\n\n{reply.text}\n\n"
            f"What you wrote on {report.created_at:%d %B %Y}:\n\n{report.details}\n"
        ),
        from_email=None,
        recipient_list=[reply.sent_to],
    )
    return True

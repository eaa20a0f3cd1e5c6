"""When an account closes, the reports it made stay in the queue (moderators may still
have to act on them) without the address they were made from, and the replies mailed to
them keep their text but forget where they were sent."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.accounts.models import User
from ficshelf.accounts.signals import account_closing
from ficshelf.moderation.models import Report, ReportReply


@receiver(account_closing)
def _account_closing(sender: Any, user: User, **kwargs: Any) -> None:
    Report.objects.filter(reporter=user).update(reporter_email="")
    ReportReply.objects.filter(report__reporter=user).update(sent_to="")
    if user.email:
        Report.objects.filter(reporter_email__iexact=user.email).update(reporter_email="")
        ReportReply.objects.filter(sent_to__iexact=user.email).update(sent_to="")

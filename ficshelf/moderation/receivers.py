"""When an account closes, the reports it made stay in the queue (moderators may still
have to act on them) without the address they were made from."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.accounts.models import User
from ficshelf.accounts.signals import account_closing
from ficshelf.moderation.models import Report


@receiver(account_closing)
def _account_closing(sender: Any, user: User, **kwargs: Any) -> None:
    Report.objects.filter(reporter=user).update(reporter_email="")
    if user.email:
        Report.objects.filter(reporter_email__iexact=user.email).update(reporter_email="")

"""What the downloads app does when an account closes: its data exports, and their files,
go with it (a zip of someone's data must not outlive their account)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.accounts.models import User
from ficshelf.accounts.signals import account_closing
from ficshelf.downloads.member_data import remove_for


@receiver(account_closing)
def _account_closing(sender: Any, user: User, **kwargs: Any) -> None:
    remove_for(user.pk)

"""On every page: the reader's preferences (``reader_body_class`` goes on <body>) and the
member's standing (a suspension, unread warnings) for the banner."""

from __future__ import annotations

from django.http import HttpRequest

from ficshelf.accounts.access import reader_context
from ficshelf.accounts.models import MemberWarning, User
from ficshelf.accounts.reader_cache import cached_for_reader


def reader_preferences(request: HttpRequest) -> dict[str, object]:
    return reader_context(request)


# A minute: a new warning shows on the next page anyway (warning raises reader_version).
WARNINGS_CACHE_SECONDS = 60


def standing(request: HttpRequest) -> dict[str, object]:
    """The signed-in member's suspension and unread warnings, for the banner on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member: User = user

    def unread() -> list[MemberWarning]:
        return list(MemberWarning.objects.filter(member_id=member.pk, acknowledged_at__isnull=True))

    return {
        "suspended_until": member.suspended_until if member.suspended_now() else None,
        "unread_warnings": cached_for_reader(
            member, "warnings", unread, seconds=WARNINGS_CACHE_SECONDS
        ),
    }

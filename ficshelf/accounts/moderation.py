"""What admins do to accounts: suspend, unsuspend and delete them.

Each is one transaction that changes the accounts, announces it (``accounts.signals``: the
search app moves the kept listing pages' keys; the works app hands a deleted account's works
on) and records an audit entry with the admin's reason. Suspension and deletion sign the
member out everywhere at once. As on AO3, a suspended member's works stay readable (hiding
them is a separate action); their profile and works pages answer 404 while suspended.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ficshelf.accounts.actions import ORPHAN_USERNAME, close_account
from ficshelf.accounts.models import User
from ficshelf.accounts.sessions import end_sessions
from ficshelf.accounts.signals import members_changed
from ficshelf.core.audit import record_each


class AccountModerationRefused(Exception):
    """An admin's request that was not carried out; the message says why."""


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise AccountModerationRefused("Say why: the reason is kept in the audit log.")
    return reason


@transaction.atomic
def suspend_users(users: Iterable[User], *, reason: str, actor: User) -> int:
    """Suspend members (never the admin acting); returns how many were suspended."""
    reason = _required(reason)
    return _set_active(users, active=False, reason=reason, actor=actor)


@transaction.atomic
def unsuspend_users(users: Iterable[User], *, reason: str, actor: User) -> int:
    """Let suspended members sign in again (never orphan_account, which nobody uses)."""
    reason = _required(reason)
    return _set_active(users, active=True, reason=reason, actor=actor)


def _set_active(users: Iterable[User], *, active: bool, reason: str, actor: User) -> int:
    ids = [user.pk for user in users]
    changing = list(
        User.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(is_active=active)
        .exclude(pk=actor.pk)
        .exclude(username=ORPHAN_USERNAME)
        .order_by("pk")
    )
    changed_ids = [user.pk for user in changing]
    if not changed_ids:
        return 0
    User.objects.filter(pk__in=changed_ids).update(is_active=active)
    if not active:
        end_sessions(changed_ids)
    members_changed.send(sender=User, user_ids=changed_ids)
    record_each(
        actor=actor, action="unsuspend" if active else "suspend", targets=changing, reason=reason
    )
    return len(changed_ids)


@transaction.atomic
def delete_users(users: Iterable[User], *, orphan_works: bool, reason: str, actor: User) -> int:
    """Delete accounts: their works go to orphan_account (``orphan_works``) or are deleted
    unless someone else co-created them, as when members delete their own account."""
    reason = _required(reason)
    doomed = list(
        User.objects.select_for_update()
        .filter(pk__in=[user.pk for user in users])
        .exclude(pk=actor.pk)
        .exclude(username=ORPHAN_USERNAME)
        .order_by("pk")
    )
    # Recorded first: the entries name the accounts as they were.
    record_each(
        actor=actor,
        action="delete",
        targets=doomed,
        reason=reason,
        details={"works": "orphaned" if orphan_works else "deleted"},
    )
    for user in doomed:
        close_account(user, orphan_works=orphan_works)
    return len(doomed)

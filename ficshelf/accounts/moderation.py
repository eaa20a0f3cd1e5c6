"""What admins do to accounts: suspend, ban, warn, keep notes, set the next of kin, delete.

Each is one transaction that changes the accounts, announces it where it changes what
others see (``accounts.signals``: the search app moves the kept listing pages' keys; the
works app hands a deleted account's works on) and records an audit entry with the admin's
reason.

A suspension (``suspend``) has an end and a reason, both shown to the member: they still
sign in and read, and write nothing until it ends (``accounts.suspension``). Their profile
and works stay as they were: hiding works is a separate action. A ban (``ban_users``) is
the old suspension: ``is_active=False``, signed out everywhere at once, no sign-in, and
their profile and works pages answer 404 (their works stay readable).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ficshelf.accounts.actions import ORPHAN_USERNAME, close_account
from ficshelf.accounts.models import MemberNote, MemberWarning, User
from ficshelf.accounts.reader_cache import reader_choices_changed
from ficshelf.accounts.sessions import end_sessions
from ficshelf.accounts.signals import members_changed
from ficshelf.core.audit import record, record_each


class AccountModerationRefused(Exception):
    """An admin's request that was not carried out; the message says why."""


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise AccountModerationRefused("Say why: the reason is kept in the audit log.")
    return reason


def _one_member(member: User, actor: User) -> User:
    """The member, locked, refused when it is the admin acting or orphan_account."""
    if member.pk == actor.pk:
        raise AccountModerationRefused("Admins cannot do this to their own account.")
    if member.username == ORPHAN_USERNAME:
        raise AccountModerationRefused("orphan_account is nobody's account.")
    return User.objects.select_for_update().get(pk=member.pk)


@transaction.atomic
def suspend(member: User, *, until: datetime, reason: str, actor: User) -> User:
    """Suspend ``member`` until ``until`` (a later suspension replaces an earlier one)."""
    reason = _required(reason)
    if until <= timezone.now():
        raise AccountModerationRefused("A suspension ends in the future.")
    locked = _one_member(member, actor)
    locked.suspended_until = until
    locked.suspension_reason = reason
    locked.save(update_fields=["suspended_until", "suspension_reason"])
    record(
        actor=actor,
        action="suspend",
        target=locked,
        reason=reason,
        details={"until": until.isoformat()},
    )
    return locked


@transaction.atomic
def unsuspend(member: User, *, reason: str, actor: User) -> User:
    """End a suspension before its time."""
    reason = _required(reason)
    locked = _one_member(member, actor)
    if not locked.suspended_now():
        raise AccountModerationRefused(f"{locked} is not suspended.")
    locked.suspended_until = None
    locked.save(update_fields=["suspended_until"])
    record(actor=actor, action="unsuspend", target=locked, reason=reason)
    return locked


@transaction.atomic
def ban_users(users: Iterable[User], *, reason: str, actor: User) -> int:
    """Ban members (never the admin acting): they cannot sign in at all. Returns how many."""
    reason = _required(reason)
    return _set_active(users, active=False, reason=reason, actor=actor)


@transaction.atomic
def unban_users(users: Iterable[User], *, reason: str, actor: User) -> int:
    """Let banned members sign in again (never orphan_account, which nobody uses)."""
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
    if not changing:
        return 0
    for user in changing:
        user.is_active = active
        user.ban_reason = "" if active else reason
        user.save(update_fields=["is_active", "ban_reason"])
    changed_ids = [user.pk for user in changing]
    if not active:
        end_sessions(changed_ids)
    members_changed.send(sender=User, user_ids=changed_ids)
    record_each(actor=actor, action="unban" if active else "ban", targets=changing, reason=reason)
    return len(changed_ids)


@transaction.atomic
def warn(member: User, *, reason: str, actor: User) -> MemberWarning:
    """A warning the member sees on every page until they acknowledge it."""
    reason = _required(reason)
    warning = MemberWarning.objects.create(member=member, reason=reason)
    reader_choices_changed(member.pk)
    record(actor=actor, action="warn", target=member, reason=reason)
    return warning


@transaction.atomic
def acknowledge_warning(warning: MemberWarning) -> None:
    """The member read it: it leaves their pages (the record stays)."""
    if warning.acknowledged_at is None:
        warning.acknowledged_at = timezone.now()
        warning.save(update_fields=["acknowledged_at"])
        reader_choices_changed(warning.member_id)


@transaction.atomic
def add_note(member: User, *, text: str, actor: User) -> MemberNote:
    text = text.strip()
    if not text:
        raise AccountModerationRefused("A note needs some text.")
    note = MemberNote.objects.create(member=member, author=actor, text=text)
    record(actor=actor, action="note", target=member, reason=text)
    return note


@transaction.atomic
def set_next_of_kin(member: User, *, name: str, email: str, reason: str, actor: User) -> User:
    """Record (or clear, with blanks) who speaks for the account if its member dies."""
    reason = _required(reason)
    locked = User.objects.select_for_update().get(pk=member.pk)
    before = {"name": locked.next_of_kin_name, "email": locked.next_of_kin_email}
    locked.next_of_kin_name = name.strip()
    locked.next_of_kin_email = email.strip()
    locked.save(update_fields=["next_of_kin_name", "next_of_kin_email"])
    record(
        actor=actor,
        action="change next of kin",
        target=locked,
        reason=reason,
        details={"before": before, "after": {"name": name.strip(), "email": email.strip()}},
    )
    return locked


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

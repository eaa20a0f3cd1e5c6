"""What admins do to works: hide, unhide, delete, and edit them in the admin site.

Each is one transaction that changes the works, queues them for reindexing (which also
moves the kept listing pages' keys, so no kept page shows the old state) and records an
audit entry with the admin's reason. Callers (the admin site's list actions and change
form, the report queue) call these and nothing else. A hidden work stays visible to its
creators and to admins (``Work.objects.visible_to``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from ficshelf.core.audit import record, record_each
from ficshelf.core.models import AuditEntry
from ficshelf.works.actions import delete_work
from ficshelf.works.models import Work
from ficshelf.works.signals import works_changed

if TYPE_CHECKING:
    from ficshelf.accounts.models import User

# The fields of a work that decide who may see it: an admin changing one must say why.
VISIBILITY_FIELDS = ("is_hidden_by_admin", "is_posted", "is_restricted")


class ModerationRefused(Exception):
    """An admin's request that was not carried out; the message says why."""


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ModerationRefused("Say why: the reason is kept in the audit log.")
    return reason


@transaction.atomic
def hide_works(works: Iterable[Work], *, reason: str, actor: User) -> int:
    """Hide works from everyone but their creators and admins; returns how many were
    hidden (works already hidden are left as they are)."""
    return _set_hidden(works, hidden=True, reason=_required(reason), actor=actor)


@transaction.atomic
def unhide_works(works: Iterable[Work], *, reason: str, actor: User) -> int:
    return _set_hidden(works, hidden=False, reason=_required(reason), actor=actor)


def _set_hidden(works: Iterable[Work], *, hidden: bool, reason: str, actor: User) -> int:
    ids = [work.pk for work in works]
    # Locked, so two admins acting at once each record only what they changed.
    changing = list(
        Work.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(is_hidden_by_admin=hidden)
        .order_by("pk")
    )
    changed_ids = [work.pk for work in changing]
    if not changed_ids:
        return 0
    # One statement for them all; the signal queues them in this transaction.
    Work.objects.filter(pk__in=changed_ids).update(is_hidden_by_admin=hidden)
    works_changed.send(sender=Work, work_ids=changed_ids)
    record_each(actor=actor, action="hide" if hidden else "unhide", targets=changing, reason=reason)
    return len(changed_ids)


@transaction.atomic
def delete_works(works: Iterable[Work], *, reason: str, actor: User) -> int:
    """Delete works (and series left empty, as a creator's deletion does)."""
    reason = _required(reason)
    doomed = list(Work.objects.select_for_update().filter(pk__in=[w.pk for w in works]))
    # Recorded first: the entries name the works as they were.
    record_each(actor=actor, action="delete", targets=doomed, reason=reason)
    for work in doomed:
        delete_work(work)
    return len(doomed)


@transaction.atomic
def save_work_from_admin(
    work: Work, *, changed_fields: Iterable[str], reason: str, actor: User, is_new: bool
) -> AuditEntry:
    """Save what the admin site's form put into ``work``; a change to who may see it
    (hidden, posted, restricted) needs a reason. Returns the audit entry, which the admin
    completes with what its inline forms changed."""
    changed = sorted(set(changed_fields))
    was_hidden = (
        False
        if is_new
        else Work.objects.filter(pk=work.pk).values_list("is_hidden_by_admin", flat=True).get()
    )
    if any(name in VISIBILITY_FIELDS for name in changed):
        reason = _required(reason)
    # A save of every field but the stored counts (``Work.STORED_COUNTS``: the form loaded
    # them before a kudos or a comment may have moved them); the model signals queue the
    # work in this transaction.
    if is_new:
        work.save()
    else:
        work.save(
            update_fields=[
                field.name
                for field in Work._meta.concrete_fields
                if not field.primary_key and field.name not in Work.STORED_COUNTS
            ]
        )
    if is_new:
        action = "add"
    elif work.is_hidden_by_admin != was_hidden:
        action = "hide" if work.is_hidden_by_admin else "unhide"
    else:
        action = "edit"
    return record(
        actor=actor, action=action, target=work, reason=reason, details={"fields": changed}
    )

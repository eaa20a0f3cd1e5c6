"""Recording moderation and admin actions in the audit log (``core.models.AuditEntry``).

Called by the actions themselves, inside their transaction: an action that rolls back
leaves no entry, and no action commits without its entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ficshelf.core.models import AuditEntry

# As long as ``AuditEntry.target_repr`` allows.
TARGET_TEXT_LENGTH = 300


def record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model | None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """One entry: ``actor`` did ``action`` to ``target`` because of ``reason``."""
    return record_each(
        actor=actor, action=action, targets=[target], reason=reason, details=details
    )[0]


def record_each(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    targets: Iterable[models.Model | None],
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """One entry per target, for an action taken on several objects at once."""
    if not transaction.get_connection().in_atomic_block:
        # An entry written outside the action's transaction could survive an action that
        # failed, or go missing from one that succeeded.
        raise RuntimeError("Audit entries are recorded inside the action's transaction.")
    entries = [_entry(actor, action, target, reason, details or {}) for target in targets]
    return AuditEntry.objects.bulk_create(entries)


def _entry(
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model | None,
    reason: str,
    details: dict[str, Any],
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        reason=reason.strip(),
        details=details,
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:TARGET_TEXT_LENGTH]
    return entry

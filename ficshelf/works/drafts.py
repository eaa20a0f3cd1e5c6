"""Which drafts the monthly purge deletes, and the notice a week before (as AO3 warns).

A draft is deleted ``DRAFT_LIFETIME`` after it was begun, unless it is scheduled to post or
a creator keeps their drafts (``Preference.keep_drafts``). ``DRAFT_PURGE_NOTICE`` before
that, the purge tells its creators (``draft_purge_coming``: the social app writes the inbox
notice and its mail) and notes when on the draft (``Work.purge_warned_at``), so each draft
is announced once. A draft is never deleted sooner than ``DRAFT_PURGE_NOTICE`` after its
notice: a draft that was already old when it became due (its creator stopped keeping
drafts, unscheduled it, or it was old when this came in) is announced and given its week.
A warning no longer holds once the draft is posted, scheduled or kept: the next run forgets
it, and the draft is announced again if it ever becomes due again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ficshelf.works.models import (
    DRAFT_LIFETIME,
    DRAFT_PURGE_NOTICE,
    Work,
    WorkQuerySet,
    drafts_kept_by_their_creators,
)
from ficshelf.works.signals import draft_purge_coming


def purgeable() -> WorkQuerySet:
    """Drafts the purge may come to: never posted, not scheduled, kept by no creator."""
    return Work.objects.filter(is_posted=False, post_at__isnull=True).exclude(
        pk__in=drafts_kept_by_their_creators()
    )


def due_for_purge(now: datetime.datetime) -> WorkQuerySet:
    """Drafts past their lifetime whose creators were told at least a notice ago."""
    return purgeable().filter(
        created_at__lt=now - DRAFT_LIFETIME,
        purge_warned_at__lte=now - DRAFT_PURGE_NOTICE,
    )


def due_for_warning(now: datetime.datetime) -> WorkQuerySet:
    """Drafts that go within ``DRAFT_PURGE_NOTICE`` and whose creators were not told yet."""
    return purgeable().filter(
        created_at__lt=now - (DRAFT_LIFETIME - DRAFT_PURGE_NOTICE),
        purge_warned_at__isnull=True,
    )


def forget_stale_warnings() -> int:
    """Warnings of drafts posted, scheduled or kept since no longer hold. Returns how many."""
    stale = Work.objects.filter(purge_warned_at__isnull=False).filter(
        Q(is_posted=True) | Q(post_at__isnull=False) | Q(pk__in=drafts_kept_by_their_creators())
    )
    return stale.update(purge_warned_at=None)


def warn_of_purge(now: datetime.datetime | None = None) -> int:
    """Tell the creators of every draft due for a warning; each draft in its own
    transaction, with the notice. Returns how many drafts were announced."""
    now = now or timezone.now()
    warned = 0
    for work_id in list(due_for_warning(now).values_list("pk", flat=True)):
        with transaction.atomic():
            # Posted, scheduled or announced by another worker since it was listed: not now.
            work = due_for_warning(now).select_for_update().filter(pk=work_id).first()
            if work is None:
                continue
            work.purge_warned_at = now
            work.save(update_fields=["purge_warned_at"])
            draft_purge_coming.send(sender=Work, work=work, purge_on=work.draft_deleted_on)
            warned += 1
    return warned

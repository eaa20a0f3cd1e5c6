"""What the social app does when the works app posts (``works.signals``): it tells
subscribers, and the creators of a work another names as its source, in their inbox now and
by mail in the next digest.

The works app is below social and cannot call it; it sends the signals inside its action's
transaction, so the inbox items commit with the posting or not at all.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.social.actions import (
    notify_subscribers_of_new_chapter,
    notify_subscribers_of_new_work,
)
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works.models import Chapter, Creatorship, Inspiration, Work
from ficshelf.works.signals import chapter_posted, source_named, work_posted


@receiver(work_posted)
def _work_posted(sender: Any, work: Work, **kwargs: Any) -> None:
    notify_subscribers_of_new_work(work)
    notify_source_creators(work)


@receiver(chapter_posted)
def _chapter_posted(sender: Any, chapter: Chapter, **kwargs: Any) -> None:
    notify_subscribers_of_new_chapter(chapter)


@receiver(source_named)
def _source_named(sender: Any, work: Work, **kwargs: Any) -> None:
    notify_source_creators(work)


def notify_source_creators(work: Work) -> int:
    """Tell the creators of the work ``work`` names as its source (on this archive) that a
    posted work was inspired by theirs; in their inbox now, by mail in the next digest.
    Returns how many were told."""
    inspiration = Inspiration.objects.filter(work=work, source__isnull=False).first()
    if inspiration is None or not work.is_posted:
        return 0
    own = set(work.creatorships.filter(is_approved=True).values_list("pseud__user", flat=True))
    credits = Creatorship.objects.filter(
        work=inspiration.source, is_approved=True, pseud__user__isnull=False
    ).exclude(pseud__user__in=own)
    recipients = {credit.pseud.user for credit in credits.select_related("pseud__user")}
    verb = "translated" if inspiration.is_translation else "was inspired by"
    told = 0
    for user in recipients:
        if user is None:
            continue
        InboxItem.objects.create(
            recipient=user,
            work=work,
            kind=InboxKind.INSPIRED,
            text=f"{work.title} {verb} your work {inspiration.title}"[:500],
            link=work.get_absolute_url(),
            awaits_digest=True,
        )
        told += 1
    return told

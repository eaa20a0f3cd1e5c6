"""Scheduled posting: a draft work or chapter its creators set to post at a time, which the
worker posts then (``works.tasks.post_scheduled``, every minute) through the same actions as
the Post button (``actions.post_work``, ``actions.post_chapter``), so the index, the kept
pages, subscribers' notices, gifts and collections all happen at that time and not before.

Until then the item is a draft like any other: its creators alone see it. The posting form
sets the time (``WorkData.post_at``, ``ChapterData.post_at``); the dashboard lists what is
scheduled and changes it here.

Two workers may look for due items at once (several servers share the database): each item
is claimed by a conditional update of its ``post_at`` in the posting's own transaction, so
only the worker whose update found the row as it was posts it, and a crash mid-way rolls
the claim back with the posting. A suspended creator's items wait until the suspension ends.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ficshelf.works import actions
from ficshelf.works.actions import PostingError
from ficshelf.works.models import Chapter, Creatorship, Work

log = logging.getLogger(__name__)

# A year ahead at most: a typo ("2062") would otherwise keep a draft for decades.
LATEST_AHEAD = datetime.timedelta(days=366)


def check_post_at(post_at: datetime.datetime, *, now: datetime.datetime | None = None) -> None:
    """Refuse a time that is past or more than a year ahead (``PostingError`` says why)."""
    now = now or timezone.now()
    if post_at <= now:  # it would post at once: say so rather than surprise the writer
        raise PostingError("Choose a time in the future to post it.")
    if post_at > now + LATEST_AHEAD:
        raise PostingError("Choose a time within a year from now.")


@transaction.atomic
def schedule_work(work: Work, *, post_at: datetime.datetime) -> Work:
    """Set (or move) the time a draft work is posted."""
    check_post_at(post_at)
    work = Work.objects.select_for_update().get(pk=work.pk)
    if work.is_posted:
        raise PostingError("This work is posted already.")
    work.post_at = post_at
    work.save(update_fields=["post_at", "modified_at"])
    return work


@transaction.atomic
def unschedule_work(work: Work) -> Work:
    """Keep the work a draft, posted by nobody but its creators."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    work.post_at = None
    work.save(update_fields=["post_at", "modified_at"])
    return work


@transaction.atomic
def schedule_chapter(chapter: Chapter, *, post_at: datetime.datetime) -> Chapter:
    check_post_at(post_at)
    chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
    if chapter.is_posted:
        raise PostingError("This chapter is posted already.")
    chapter.post_at = post_at
    chapter.save(update_fields=["post_at", "modified_at"])
    return chapter


@transaction.atomic
def unschedule_chapter(chapter: Chapter) -> Chapter:
    chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
    chapter.post_at = None
    chapter.save(update_fields=["post_at", "modified_at"])
    return chapter


def _a_creator_suspended(now: datetime.datetime, work: str) -> Exists:
    """Items with a credited creator suspended now: they wait (a suspended member writes
    nothing, and a scheduled post is their writing). ``work``: the outer row's work key."""
    return Exists(
        Creatorship.objects.filter(
            work_id=OuterRef(work), is_approved=True, pseud__user__suspended_until__gt=now
        )
    )


def due_works(now: datetime.datetime) -> QuerySet[Work]:
    due = Work.objects.filter(is_posted=False, post_at__lte=now)
    return due.exclude(_a_creator_suspended(now, "pk")).order_by("post_at", "pk")


def due_chapters(now: datetime.datetime) -> QuerySet[Chapter]:
    due = Chapter.objects.filter(is_posted=False, post_at__lte=now)
    return due.exclude(_a_creator_suspended(now, "work_id")).order_by("post_at", "pk")


def claim_work(work_id: int, post_at: datetime.datetime | None) -> bool:
    """Take the work for posting: true for one caller only. Call inside the posting's
    transaction, so the claim is undone with it."""
    claimed = Work.objects.filter(pk=work_id, is_posted=False, post_at=post_at)
    return claimed.update(post_at=None) == 1


def claim_chapter(chapter_id: int, post_at: datetime.datetime | None) -> bool:
    claimed = Chapter.objects.filter(pk=chapter_id, is_posted=False, post_at=post_at)
    return claimed.update(post_at=None) == 1


def post_due(*, now: datetime.datetime | None = None) -> int:
    """Post every work and chapter whose time has come (works first, so a chapter due with
    its work tells subscribers of the chapter of a posted work); return how many."""
    now = now or timezone.now()
    posted = 0
    for work_id, post_at in list(due_works(now).values_list("pk", "post_at")):
        try:
            with transaction.atomic():
                if not claim_work(work_id, post_at):
                    continue  # another worker posted it, or its creators changed the time
                actions.post_work(Work.objects.get(pk=work_id))
        except actions.PostingError as refusal:
            # Refused now (a collection closed since it was scheduled): the claim is rolled
            # back with the rest, the draft keeps its time, the others are still posted.
            log.warning("scheduled work %s not posted: %s", work_id, refusal)
            continue
        posted += 1
        log.info("posted scheduled work %s", work_id)
    for chapter_id, post_at in list(due_chapters(now).values_list("pk", "post_at")):
        try:
            with transaction.atomic():
                if not claim_chapter(chapter_id, post_at):
                    continue
                chapter = Chapter.objects.select_related("work").get(pk=chapter_id)
                actions.post_chapter(chapter)
        except actions.PostingError as refusal:
            log.warning("scheduled chapter %s not posted: %s", chapter_id, refusal)
            continue
        posted += 1
        log.info("posted scheduled chapter %s", chapter_id)
    return posted


def scheduled_for(user_id: int) -> tuple[list[Work], list[Chapter]]:
    """The member's scheduled draft works and chapters, soonest first (the dashboard)."""
    mine = Q(creatorships__pseud__user_id=user_id, creatorships__is_approved=True)
    works = list(
        Work.objects.filter(mine, is_posted=False, post_at__isnull=False)
        .distinct()
        .order_by("post_at", "pk")
    )
    chapter_mine = Q(
        work__creatorships__pseud__user_id=user_id, work__creatorships__is_approved=True
    )
    chapters = list(
        Chapter.objects.filter(chapter_mine, is_posted=False, post_at__isnull=False)
        .defer("text")
        .select_related("work")
        .distinct()
        .order_by("post_at", "pk")
    )
    return works, chapters

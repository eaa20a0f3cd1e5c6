"""The works' kudos, hits, comments and bookmarks counts: kept here, and only here.

A work's ``*_count`` fields are the one source every surface reads (the work page, blurbs,
feeds, the index and its sorts); nothing else writes them (``tests/social/
test_counter_writes.py`` keeps it so). Each change happens in the transaction that changed
what is counted, then ``signals.counts_changed`` tells the index.

Kudos only ever appear or disappear, so they move by one. Comments and bookmarks change
state (approved, deleted, private), so they are recounted: one query over a work's few.
Hits arrive in batches from ``social.hits``, which buffers them outside the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from ficshelf.social.models import Bookmark, Comment
from ficshelf.social.signals import counts_changed
from ficshelf.works.models import Work

COUNTED_FIELDS = ("kudos_count", "hits_count", "comments_count", "bookmarks_count")


def add_kudos(work_id: int, delta: int) -> None:
    # Greatest(0, ...): a kudos deleted twice over (a cascade racing a delete) never makes
    # the count negative, which the field refuses.
    Work.objects.filter(pk=work_id).update(kudos_count=Greatest(F("kudos_count") + delta, 0))
    counts_changed.send(sender=Work, work_ids=[work_id], counters_only=False)


def add_hits(hits_by_work: Mapping[int, int]) -> None:
    """Add each work's new hits (work id -> how many). Works deleted since are skipped."""
    for work_id, hits in hits_by_work.items():
        Work.objects.filter(pk=work_id).update(hits_count=F("hits_count") + hits)
    if hits_by_work:
        counts_changed.send(sender=Work, work_ids=list(hits_by_work), counters_only=True)


def recount_comments_and_bookmarks(work_ids: Iterable[int]) -> None:
    """As everyone may see them: approved, undeleted comments neither hidden nor held or
    marked spam (``Comment.objects.public``); public bookmarks not hidden as spam."""
    work_ids = list(work_ids)
    comments = Comment.objects.public().filter(work=OuterRef("pk"))
    bookmarks = Bookmark.objects.public().filter(work=OuterRef("pk"))
    Work.objects.filter(pk__in=work_ids).update(
        comments_count=_count(comments), bookmarks_count=_count(bookmarks)
    )
    counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("work").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

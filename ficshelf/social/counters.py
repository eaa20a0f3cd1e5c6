"""The works' kudos, hits, comments, comment threads, bookmarks and subscriptions counts:
kept here, and only here.

A work's ``*_count`` fields are the one source every surface reads (the work page, blurbs,
feeds, the index and its sorts); nothing else writes them (``tests/social/
test_counter_writes.py`` keeps it so). Each change happens in the transaction that changed
what is counted, then ``signals.counts_changed`` tells the index.

Kudos only ever appear or disappear, so they move by one. Comments and bookmarks change
state (approved, deleted, hidden, spam, private), so they are recounted: one query over a
work's few; its comment threads (the top-level comments) with them, by the same rule.
Subscriptions to a work are recounted as they come and go. Hits arrive in batches from
``social.hits``, which buffers them outside the database.

``differences`` compares every stored count (hits aside: they are only ever stored) with
a count of its rows, and ``recount_all`` rewrites those (``ficshelf recount_counts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from ficshelf.social.models import Bookmark, Comment, Kudos, Subscription
from ficshelf.social.signals import counts_changed
from ficshelf.works.models import Work

COUNTED_FIELDS = (
    "kudos_count",
    "hits_count",
    "comments_count",
    "comment_threads_count",
    "bookmarks_count",
    "subscriptions_count",
)


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
    marked spam (``Comment.objects.public``), and the top-level ones among them (the work
    page's threads, a writer's "comment threads"); public bookmarks not hidden as spam."""
    work_ids = list(work_ids)
    Work.objects.filter(pk__in=work_ids).update(
        **{name: _count(rows) for name, rows in _comment_and_bookmark_rows().items()}
    )
    counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def recount_subscriptions(work_ids: Iterable[int]) -> None:
    """Readers subscribed to each work (not to its series or creators). Shown only on the
    writer's statistics page, so the index is not told."""
    work_ids = list(work_ids)
    Work.objects.filter(pk__in=work_ids).update(subscriptions_count=_count(_subscription_rows()))


def _comment_and_bookmark_rows() -> dict[str, QuerySet[Any]]:
    comments = Comment.objects.public().filter(work=OuterRef("pk"))
    return {
        "comments_count": comments,
        "comment_threads_count": comments.filter(parent__isnull=True),
        "bookmarks_count": Bookmark.objects.public().filter(work=OuterRef("pk")),
    }


def _subscription_rows() -> QuerySet[Any]:
    return Subscription.objects.filter(work=OuterRef("pk"))


def _all_counted_rows() -> dict[str, QuerySet[Any]]:
    """Every stored count but hits, each as the rows it counts."""
    return {
        "kudos_count": Kudos.objects.filter(work=OuterRef("pk")),
        **_comment_and_bookmark_rows(),
        "subscriptions_count": _subscription_rows(),
    }


def differences(work_ids: Iterable[int] | None = None) -> dict[int, dict[str, tuple[int, int]]]:
    """Works whose stored counts differ from their rows: work id -> field -> (stored,
    counted). ``work_ids``: only these (None: every work)."""
    rows = _all_counted_rows()
    works = Work.objects.order_by("pk")
    if work_ids is not None:
        works = works.filter(pk__in=list(work_ids))
    works = works.annotate(**{f"counted_{name}": _count(counted) for name, counted in rows.items()})
    found: dict[int, dict[str, tuple[int, int]]] = {}
    for work in works.values("pk", *rows, *(f"counted_{name}" for name in rows)).iterator():
        wrong = {
            name: (work[name], work[f"counted_{name}"])
            for name in rows
            if work[name] != work[f"counted_{name}"]
        }
        if wrong:
            found[work["pk"]] = wrong
    return found


def recount_all(work_ids: Iterable[int]) -> None:
    """Rewrite every stored count but hits of these works from their rows, in one
    statement (the repair ``differences`` leads to)."""
    work_ids = list(work_ids)
    if not work_ids:
        return
    Work.objects.filter(pk__in=work_ids).update(
        **{name: _count(rows) for name, rows in _all_counted_rows().items()}
    )
    counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("work").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

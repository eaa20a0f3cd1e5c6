"""The works' kudos, hits, comments, comment threads, bookmarks and subscriptions counts:
kept here, and only here.

A work's ``*_count`` fields are the one source every surface reads (the work page, blurbs,
feeds, the index and its sorts); nothing else writes them (``tests/social/
test_counter_writes.py`` keeps it so). Each change happens in the transaction that changed
what is counted, then ``signals.counts_changed`` tells the index.

Kudos and subscriptions only ever appear or disappear, so they move by one (a deletion of
many moves each work once, by all it took: ``social.deletions``). Comments and bookmarks
change state (approved, deleted, hidden, spam, private), so they are recounted: one query
over a work's few; its comment threads (the top-level comments) with them, by the same
rule. Hits arrive in batches from ``social.hits``, which buffers them outside the database.

Two transactions changing one work's rows at once must both be counted. A move is one
``UPDATE ... SET n = n + 1``: on PostgreSQL the second waits for the first's row lock and
adds to the row the first committed. A recount cannot be one statement: under READ
COMMITTED the ``COUNT`` of an ``UPDATE`` waiting for that lock still reads the snapshot its
statement began with, and writes a count missing the first transaction's row. So every
recount locks the works first, in a statement of its own, and counts in the next one,
whose snapshot sees all that was committed before the lock was granted (``_recount``).

``differences`` compares every stored count (hits aside: they are only ever stored) with
a count of its rows, and ``recount_all`` rewrites those (``ficshelf recount_counts``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from ficshelf.social.models import Bookmark, Comment, Kudos, Subscription
from ficshelf.social.signals import counts_changed
from ficshelf.works.models import Work

COUNTED_FIELDS = Work.STORED_COUNTS

# Works per statement when many are locked, moved or recounted at once.
CHUNK = 500


def add_kudos(work_id: int, delta: int) -> None:
    add_kudos_by_work({work_id: delta})


def add_kudos_by_work(deltas: Mapping[int, int]) -> None:
    """Move each work's kudos (work id -> how many came, negative: went)."""
    work_ids = _move("kudos_count", deltas)
    if work_ids:
        counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def add_subscriptions(deltas: Mapping[int, int]) -> None:
    """Move each work's subscriptions (work id -> how many came, negative: went). Shown only
    on the writer's statistics page, so the index is not told."""
    _move("subscriptions_count", deltas)


def recount_kudos_and_subscriptions(work_ids: Iterable[int]) -> None:
    """After a deletion of kudos or subscriptions: recounted under the works' locks, not
    moved by one. Django sends ``post_delete`` for every row it meant to delete, also when
    another transaction deleted that row first (a double click on "Unsubscribe", two tabs):
    a move would take it twice. One statement for all the works a deletion touched."""
    work_ids = _recount(
        work_ids,
        {
            "kudos_count": Kudos.objects.filter(work=OuterRef("pk")),
            "subscriptions_count": _subscription_rows(),
        },
    )
    if work_ids:
        counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def add_hits(hits_by_work: Mapping[int, int]) -> None:
    """Add each work's new hits (work id -> how many). Works deleted since are skipped."""
    # Ascending, as every other write of several works' counts takes their rows.
    for work_id, hits in sorted(hits_by_work.items()):
        Work.objects.filter(pk=work_id).update(hits_count=F("hits_count") + hits)
    if hits_by_work:
        counts_changed.send(sender=Work, work_ids=list(hits_by_work), counters_only=True)


def recount_comments_and_bookmarks(work_ids: Iterable[int]) -> None:
    """As everyone may see them: approved, undeleted comments neither hidden nor held or
    marked spam (``Comment.objects.public``), and the top-level ones among them (the work
    page's threads, a writer's "comment threads"); public bookmarks not hidden as spam."""
    work_ids = _recount(work_ids, _comment_and_bookmark_rows())
    if work_ids:
        counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


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
    """Rewrite every stored count but hits of these works from their rows (the repair
    ``differences`` leads to)."""
    work_ids = _recount(work_ids, _all_counted_rows())
    if work_ids:
        counts_changed.send(sender=Work, work_ids=work_ids, counters_only=False)


def lock_works_counting_rows_of(user_id: int) -> None:
    """Before a member's kudos, comments, bookmarks and subscriptions go (an account
    closing): lock every work whose counts they are in, ascending, in the caller's
    transaction. The deletion then changes those counts model by model, each in ascending
    order but one after another; two accounts closing at once over the same works would
    otherwise each hold a work the other waits for."""
    if not connection.features.has_select_for_update:
        return
    work_ids: set[int] = set()
    for model in (Kudos, Comment, Bookmark, Subscription):
        rows = model._default_manager.filter(user_id=user_id, work_id__isnull=False)
        work_ids.update(rows.values_list("work_id", flat=True))
    with _works_locked(sorted(work_ids)):
        pass


def _move(field: str, deltas: Mapping[int, int]) -> list[int]:
    """Add each work's delta to ``field``: one ``UPDATE`` per distinct delta (an account
    closing takes one subscription from each of its works: one statement for them all).

    One work needs no lock of its own: its ``UPDATE`` waits for another transaction's and
    then adds to what that one committed. Several are locked first in ascending order, as
    recounts lock them, so two moves of the same works never wait for each other crosswise.
    ``Greatest(0, ...)``: a row deleted twice over (a cascade racing a delete) never makes
    a count negative, which the field refuses. Returns the works moved, ascending."""
    by_delta: dict[int, list[int]] = defaultdict(list)
    for work_id, delta in sorted(deltas.items()):
        if delta:
            by_delta[delta].append(work_id)
    moved = sorted(work_id for work_id, delta in deltas.items() if delta)
    with _works_locked(moved if len(moved) > 1 else []):
        for delta, work_ids in by_delta.items():
            for chunk in _chunks(work_ids):
                Work.objects.filter(pk__in=chunk).update(**{field: Greatest(F(field) + delta, 0)})
    return moved


def _recount(work_ids: Iterable[int], counted: Mapping[str, QuerySet[Any]]) -> list[int]:
    """Rewrite these works' ``counted`` fields (name -> the rows counted) from their rows:
    the one path every recount takes. Returns the works, in ascending order.

    The lock is its own statement, before the counting one (the module's docstring says
    why): the ``UPDATE`` after it starts once every transaction that changed these works'
    rows before it has committed, and its ``COUNT`` sees their rows."""
    ids = sorted(set(work_ids))
    with _works_locked(ids):
        for chunk in _chunks(ids):
            Work.objects.filter(pk__in=chunk).update(
                **{name: _count(rows) for name, rows in counted.items()}
            )
    return ids


@contextmanager
def _works_locked(work_ids: list[int]) -> Iterator[None]:
    """These works' rows locked (ascending ``work_ids``) until the transaction ends; one is
    opened when none is. ``FOR NO KEY UPDATE``, the lock the ``UPDATE`` itself takes: it lets
    a comment's or a kudos' foreign key check on the work (``FOR KEY SHARE``) through.

    SQLite has one writer at a time: a transaction that writes has the database to itself
    already, and this does nothing."""
    if not work_ids or not connection.features.has_select_for_update:
        yield
        return
    with transaction.atomic(savepoint=False):
        for chunk in _chunks(work_ids):
            works = Work.objects.filter(pk__in=chunk).order_by("pk")
            list(works.select_for_update(no_key=True).values_list("pk", flat=True))
        yield


def _chunks(work_ids: list[int]) -> Iterator[list[int]]:
    # A repair after a restore may name every work: no statement gets more parameters
    # than a database takes (SQLite: 32,766).
    for start in range(0, len(work_ids), CHUNK):
        yield work_ids[start : start + CHUNK]


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("work").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

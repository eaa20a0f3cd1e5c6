"""Hits: one per visitor per work per day, as AO3 counts them, without a database write on
the page view.

A work page is read far more often than anything else, and on SQLite every write
transaction waits for the one writer: a hit written on each view made readers queue
behind each other. So a view touches only the cache (the archive's shared one: the
embedded cache on one server, Redis on several):

1. ``cache.add`` of a key naming the day, the work and the visitor: true only for the
   visitor's first view of the work that day, so repeat views cost one cache call;
2. a first view takes a numbered slot in the current ``BUCKET_SECONDS`` time bucket
   (``cache.incr``, atomic on both caches) and stores the work's id in it.

The worker (``tasks.flush_hits``, every 30 s) adds the closed buckets' slots to the works'
``hits_count`` through ``social.counters``, and notes the last bucket flushed in
``HitFlushMark``. Buckets, not one running number, so that an emptied cache (Redis
restarted, the embedded cache cleared) never renumbers slots the mark has passed; a
bucket is flushed ``CLOSE_SECONDS`` after it ends, long after its last writer (a few
microseconds between taking a slot and filling it) and clocks of several servers a few
seconds apart. A slot the cache evicted before the flush is a hit lost, not an error.

Nothing about the visitor is stored in the database: the dedup key holds the member's id
or the guest's keyed hash (``actions.guest_key``) and expires the next day.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ficshelf.social.access import is_work_creator
from ficshelf.social.actions import guest_key
from ficshelf.social.counters import add_hits
from ficshelf.social.models import HitFlushMark
from ficshelf.works.models import Work

logger = logging.getLogger(__name__)

BUCKET_SECONDS = 10
CLOSE_SECONDS = 20
# How long an unflushed slot waits for a worker (one that was stopped for a while).
SLOT_LIFETIME = 2 * 24 * 60 * 60
# A worker started fresh, or back after longer than this, looks no further back.
LOOK_BACK_SECONDS = 24 * 60 * 60
_GET_MANY_BATCH = 500


def record_hit(request: HttpRequest, work: Work) -> bool:
    """Count the viewer's first view of ``work`` today; creators' own visits don't count.

    Call it when the work's text is shown to a viewer who may see it. True when counted.
    """
    user = request.user
    if is_work_creator(user, work):
        return False
    visitor = f"user:{user.pk}" if user.is_authenticated else f"guest:{guest_key(request)}"
    today = timezone.localdate()
    seen_key = f"hits:seen:{today.isoformat()}:{work.pk}:{visitor}"
    if not cache.add(seen_key, 1, timeout=_seconds_until_the_day_ends()):
        return False
    bucket = bucket_of(time.time())
    slot = _take_slot(bucket)
    cache.set(_slot_key(bucket, slot), work.pk, timeout=SLOT_LIFETIME)
    return True


def flush_hits(now: float | None = None) -> int:
    """Add the hits of every closed bucket not yet flushed to the works' counts.

    Returns how many hits were added. Safe to run from several workers at once.
    """
    now = time.time() if now is None else now
    last_closed = bucket_of(now - CLOSE_SECONDS) - 1
    oldest = bucket_of(now - LOOK_BACK_SECONDS)
    # The row exists before any flush locks it, so two first flushes take turns too.
    mark, _ = HitFlushMark.objects.get_or_create(
        pk=1, defaults={"flushed_through_bucket": oldest - 1}
    )
    flushed_through = mark.flushed_through_bucket
    first = max(oldest, flushed_through + 1)
    if first > last_closed:
        return 0
    buckets = range(first, last_closed + 1)
    # Read before the transaction: on SQLite it holds the one write lock, and a day of
    # buckets to look through (a worker back from a long stop) must not hold up writers.
    hits, slot_keys = _read_buckets(buckets)
    with transaction.atomic():
        locked = HitFlushMark.objects.select_for_update().get(pk=1)
        if locked.flushed_through_bucket != flushed_through:
            return 0  # another worker flushed these meanwhile
        add_hits(dict(hits))
        locked.flushed_through_bucket = last_closed
        locked.save()
        # Deleted once the counts are committed: a flush that fails is redone whole.
        transaction.on_commit(lambda: _delete_flushed(slot_keys, buckets))
    return sum(hits.values())


def bucket_of(moment: float) -> int:
    return int(moment // BUCKET_SECONDS)


def _read_buckets(buckets: range) -> tuple[Counter[int], list[str]]:
    hits: Counter[int] = Counter()
    slot_keys: list[str] = []
    for bucket in buckets:
        taken = cache.get(_slots_taken_key(bucket))
        if not taken:
            continue
        keys = [_slot_key(bucket, slot) for slot in range(1, int(taken) + 1)]
        for start in range(0, len(keys), _GET_MANY_BATCH):
            found = cache.get_many(keys[start : start + _GET_MANY_BATCH])
            hits.update(int(work_id) for work_id in found.values())
        slot_keys.extend(keys)
    lost = len(slot_keys) - sum(hits.values())
    if lost:
        logger.warning("%d hits were evicted from the cache before they were counted", lost)
    return hits, slot_keys


def _delete_flushed(slot_keys: list[str], buckets: range) -> None:
    cache.delete_many(slot_keys + [_slots_taken_key(bucket) for bucket in buckets])


def _take_slot(bucket: int) -> int:
    key = _slots_taken_key(bucket)
    # add() then incr(): both atomic, so two first hits in a new bucket never share a slot.
    cache.add(key, 0, timeout=SLOT_LIFETIME)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between the two calls: start the bucket's count again
        cache.add(key, 0, timeout=SLOT_LIFETIME)
        return int(cache.incr(key))


def _slots_taken_key(bucket: int) -> str:
    return f"hits:bucket:{bucket}:taken"


def _slot_key(bucket: int, slot: int) -> str:
    return f"hits:bucket:{bucket}:slot:{slot}"


def _seconds_until_the_day_ends() -> int:
    # The key names its day, so tomorrow's first view counts again whatever the expiry;
    # the expiry only frees the cache (an hour late, so a clock a little ahead never drops
    # today's key early).
    now = timezone.localtime()
    tomorrow = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    return int((tomorrow - now).total_seconds()) + 60 * 60

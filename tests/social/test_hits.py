"""Hits: once per visitor per work per day, kept in the cache until the worker adds them to
the work's count (``social.hits``), never a database write on the page view."""

from __future__ import annotations

import logging
import multiprocessing
import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.models import User
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social import hits
from ficshelf.social.hits import BUCKET_SECONDS, CLOSE_SECONDS, flush_hits, record_hit
from ficshelf.social.models import HitFlushMark
from ficshelf.works.models import Work
from tests.caches import FakeClock
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import creator_of

pytestmark = pytest.mark.django_db

# A moment by which every bucket of hits recorded now has closed.
LATER = BUCKET_SECONDS + CLOSE_SECONDS + 1


def request_by(user: User | None = None, address: str = "10.0.0.1") -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    return request


def stored_keys() -> list[str]:
    """Every key in the embedded cache the tests run on (a sharded diskcache)."""
    shards = cache._cache._shards  # type: ignore[attr-defined]
    return [str(key) for shard in shards for key in shard.iterkeys()]


def evict(key_part: str) -> None:
    shards = cache._cache._shards  # type: ignore[attr-defined]
    for shard in shards:
        for key in list(shard.iterkeys()):
            if key_part in str(key):
                shard.delete(key)


def hits_after_flush(work: Work) -> int:
    flush_hits(now=time.time() + LATER)
    work.refresh_from_db()
    return work.hits_count


def test_a_hit_counts_once_per_visitor_per_day() -> None:
    work, reader = WorkFactory(), UserFactory()
    assert record_hit(request_by(reader), work)
    assert not record_hit(request_by(reader), work)
    assert hits_after_flush(work) == 1


def test_guests_are_told_apart_by_address_and_the_address_is_kept_nowhere() -> None:
    work = WorkFactory()
    record_hit(request_by(address="10.0.0.1"), work)
    record_hit(request_by(address="10.0.0.1"), work)
    record_hit(request_by(address="10.0.0.2"), work)
    assert hits_after_flush(work) == 2
    keys = stored_keys()
    assert any("hits:seen" in key for key in keys)
    assert not any("10.0.0" in key for key in keys)


def test_creators_own_visits_are_not_hits() -> None:
    work = WorkFactory()
    assert not record_hit(request_by(creator_of(work)), work)
    assert hits_after_flush(work) == 0


def test_hits_wait_until_their_bucket_closes_and_are_added_once() -> None:
    work = WorkFactory()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        record_hit(request_by(address=address), work)
    assert flush_hits() == 0  # the bucket is still open: a writer may be filling a slot
    work.refresh_from_db()
    assert work.hits_count == 0
    assert flush_hits(now=time.time() + LATER) == 3
    assert flush_hits(now=time.time() + LATER) == 0  # a second worker finds nothing left
    assert hits_after_flush(work) == 3
    assert HitFlushMark.objects.count() == 1


def test_two_workers_flushing_at_once_count_each_hit_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = WorkFactory()
    record_hit(request_by(address="10.0.0.1"), work)
    record_hit(request_by(address="10.0.0.2"), work)
    now = time.time() + LATER
    read = hits._read_buckets
    others = []

    def read_while_another_worker_flushes(buckets: range) -> object:
        monkeypatch.setattr(hits, "_read_buckets", read)
        found = read(buckets)
        others.append(flush_hits(now=now))  # the other worker, between our read and lock
        return found

    monkeypatch.setattr(hits, "_read_buckets", read_while_another_worker_flushes)
    assert flush_hits(now=now) == 0
    assert others == [2]
    work.refresh_from_db()
    assert work.hits_count == 2


def test_hits_flushed_reach_the_index_at_its_periodic_drain() -> None:
    work = WorkFactory()
    IndexQueueEntry.objects.all().delete()
    record_hit(request_by(), work)
    hits_after_flush(work)
    assert list(IndexQueueEntry.objects.values_list("work_id", "counters_only")) == [
        (work.pk, True)
    ]


def test_a_work_deleted_before_the_flush_is_skipped() -> None:
    kept, deleted = WorkFactory(), WorkFactory()
    record_hit(request_by(), kept)
    record_hit(request_by(), deleted)
    deleted.delete()
    assert hits_after_flush(kept) == 1


def test_a_hit_evicted_before_the_flush_is_lost_and_said(caplog: pytest.LogCaptureFixture) -> None:
    work = WorkFactory()
    record_hit(request_by(address="10.0.0.1"), work)
    record_hit(request_by(address="10.0.0.2"), work)
    evict(":slot:1")
    with caplog.at_level(logging.WARNING, logger="ficshelf.social.hits"):
        assert hits_after_flush(work) == 1
    assert "1 hits were evicted" in caplog.text


def test_an_emptied_cache_loses_only_what_it_held(clock: FakeClock) -> None:
    work = WorkFactory()
    record_hit(request_by(address="10.0.0.1"), work)
    clock.advance(LATER)
    assert hits_after_flush(work) == 1
    record_hit(request_by(address="10.0.0.2"), work)  # not yet flushed: lost with the cache
    cache.clear()  # Redis restarted: every bucket's numbering starts again
    clock.advance(BUCKET_SECONDS)
    record_hit(request_by(address="10.0.0.1"), work)  # seen today, but the cache forgot
    record_hit(request_by(address="10.0.0.3"), work)
    clock.advance(LATER)
    assert hits_after_flush(work) == 3


def test_a_work_page_view_writes_nothing_to_the_database(client: Client) -> None:
    work = WorkFactory()
    client.get(work.get_absolute_url())  # the first view; a repeat must not write either
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(work.get_absolute_url()).status_code == 200
        writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        assert writes == []
    assert hits_after_flush(work) == 1


def test_a_members_view_writes_only_their_reading_history(client: Client) -> None:
    work, reader = WorkFactory(), UserFactory()
    Client().get(work.get_absolute_url())  # the factory's text is cleaned on a first view
    client.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        client.get(work.get_absolute_url())
    written = {
        found.group(1)
        for q in queries
        if (found := re.match(r'\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', q["sql"]))
    }
    assert written == {"social_reading"}
    assert hits_after_flush(work) == 2  # the guest's and the member's


def _record_guest_hits(work_id: int, first_address: int, how_many: int) -> None:
    # The child leaves the parent's database connection alone: closing it here would end the
    # parent's PostgreSQL session too (the socket is shared after fork). Recording a hit
    # touches only the cache, and the child ends with os._exit, which closes nothing.
    work = Work(pk=work_id)
    for number in range(first_address, first_address + how_many):
        record_hit(request_by(address=f"10.1.{number // 250}.{number % 250}"), work)


def test_two_processes_recording_hits_at_once_lose_none() -> None:
    work = WorkFactory()
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_record_guest_hits, args=(work.pk, start, 300)) for start in (0, 300)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert hits_after_flush(work) == 600


def test_the_command_flushes_what_is_due(clock: FakeClock) -> None:
    from io import StringIO

    from django.core.management import call_command

    work = WorkFactory()
    record_hit(request_by(), work)
    clock.advance(LATER)
    out = StringIO()
    call_command("flush_hits", stdout=out)
    assert out.getvalue().strip() == "Added 1 hit."
    work.refresh_from_db()
    assert work.hits_count == 1

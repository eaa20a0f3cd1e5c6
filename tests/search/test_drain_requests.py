"""A committed change asks a worker to drain the index queue through the task table, which
every server shares: a drain reaches the worker wherever it runs, none is lost, and a burst
of changes queues one drain, not one each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ficshelf.search.queue import schedule_drain
from ficshelf.search.tasks import DRAIN_PRIORITY, drain_index_queue
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

DRAIN = "ficshelf.search.tasks.drain_index_queue"


@pytest.fixture(autouse=True)
def _tasks_in_the_database(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def drains() -> list[str]:
    rows = DBTaskResult.objects.filter(task_path=DRAIN).order_by("enqueued_at")
    return [str(status) for status in rows.values_list("status", flat=True)]


def claimed_by_a_worker() -> None:
    """What a worker does as it takes the oldest waiting drain (then it reads the queue)."""
    row = DBTaskResult.objects.filter(task_path=DRAIN, status="READY").order_by("enqueued_at")[0]
    row.claim("worker-on-another-server")


def test_a_committed_change_queues_a_drain_in_the_task_table(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        WorkFactory()
    assert drains() == ["READY"]
    (row,) = DBTaskResult.objects.filter(task_path=DRAIN)
    assert row.priority == DRAIN_PRIORITY  # ahead of downloads waiting in the table


def test_changes_while_a_drain_waits_queue_no_other() -> None:
    for _ in range(50):
        schedule_drain()
    assert drains() == ["READY"]


def test_a_change_after_the_waiting_drain_started_queues_the_next() -> None:
    schedule_drain()
    claimed_by_a_worker()  # it may have read the queue before this change committed
    schedule_drain()
    schedule_drain()
    assert drains() == ["RUNNING", "READY"]


def test_a_change_after_a_drain_finished_elsewhere_queues_a_new_one() -> None:
    """The old "drain pending" mark lived in each server's cache: a drain asked for by a
    server without a worker left its mark set after the worker (on another server) ran it,
    and that server's next changes waited for the periodic drain."""
    schedule_drain()
    claimed_by_a_worker()
    DBTaskResult.objects.filter(task_path=DRAIN).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    schedule_drain()
    assert drains() == ["SUCCESSFUL", "READY"]


def test_the_periodic_drain_waiting_counts_as_the_drain_a_change_would_ask_for() -> None:
    drain_index_queue.enqueue()  # what `serve` enqueues every 30 seconds
    schedule_drain()
    assert drains() == ["READY"]


def test_with_tasks_run_at_once_each_committed_change_is_drained(
    settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from ficshelf.search.models import IndexQueueEntry

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            WorkFactory()
        assert not IndexQueueEntry.objects.exists()
    assert drains() == []  # no table to look in: nothing waits

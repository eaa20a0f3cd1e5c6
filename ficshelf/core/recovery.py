"""Recovering what a process that died mid-work left behind, on the next start.

A worker killed while running a task leaves its task row RUNNING for ever, and whatever
the task had claimed (a "being prepared" marker, a half-written file) waits for a timeout.
``recover`` runs when ``serve`` or a worker starts, and every few minutes on the worker
(``core.periodic``): it marks the tasks of dead workers (``core.workers``) FAILED, then
hands them to each app's recovery, which releases what those tasks held and sweeps what
nothing running holds any more (registered from the apps' ``ready()``, so core imports
none of them: downloads releases markers, search removes half-built index folders).

Several servers may share one database and recover at once: a task row is failed by a
conditional update, so exactly one of them takes it, and a live worker's task is never
touched.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ficshelf.core.models import WorkerHeartbeat
from ficshelf.core.workers import UNKNOWN_WORKER_AFTER_SECONDS, is_dead, this_machine

logger = logging.getLogger(__name__)

WORKER_STOPPED = "ficshelf.core.recovery.WorkerStopped"


class WorkerStopped(Exception):
    """Recorded on a task whose worker stopped before finishing it."""


@dataclass(frozen=True)
class AbandonedTask:
    """A task a dead worker was running, now marked FAILED."""

    task_path: str
    args: list[Any]
    kwargs: dict[str, Any]
    worker_id: str


# An app's recovery: given the tasks just abandoned, release what they held and clean up
# what nothing running holds; returns one line per thing done, for the operator.
Recovery = Callable[[list[AbandonedTask]], list[str]]
_recoveries: dict[str, Recovery] = {}


def register(name: str, recovery: Recovery) -> None:
    _recoveries[name] = recovery


def recover(*, stopped_worker_id: str | None = None) -> list[str]:
    """Fail the tasks of dead workers, run every app's recovery, log and return what was
    done. ``stopped_worker_id``: a worker of this process that is known to run nothing now
    (the worker itself, after the database came back), whose RUNNING tasks are abandoned."""
    abandoned = fail_abandoned_tasks(stopped_worker_id=stopped_worker_id)
    done = [
        f"Task {task.task_path} was interrupted when the database went away: marked failed."
        if task.worker_id == stopped_worker_id
        else f"Task {task.task_path} was left running by the stopped worker {task.worker_id}: "
        "marked failed."
        for task in abandoned
    ]
    for name, recovery in _recoveries.items():
        try:
            done.extend(recovery(abandoned))
        except Exception:
            # One app's cleanup failing must not stop the worker from starting.
            logger.exception("Recovery %r failed", name)
    for line in done:
        logger.warning("%s", line)
    return done


def fail_abandoned_tasks(*, stopped_worker_id: str | None = None) -> list[AbandonedTask]:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    here = this_machine()
    heartbeats = {h.worker_id: h for h in WorkerHeartbeat.objects.all()}
    dead = {worker_id for worker_id, h in heartbeats.items() if is_dead(h, now=now, here=here)}
    if stopped_worker_id:
        dead.add(stopped_worker_id)
    unknown_before = now - datetime.timedelta(seconds=UNKNOWN_WORKER_AFTER_SECONDS)

    def is_abandoned(worker_id: str, started_at: datetime.datetime | None) -> bool:
        if worker_id in dead:
            return True
        if worker_id in heartbeats:
            return False  # alive by its heartbeat
        # No heartbeat: a worker of another kind, or a row from before heartbeats.
        return started_at is None or started_at <= unknown_before

    abandoned = []
    for row in DBTaskResult.objects.running().only(
        "task_path", "args_kwargs", "worker_ids", "started_at"
    ):
        worker_id = row.worker_ids[-1] if row.worker_ids else ""
        if not is_abandoned(worker_id, row.started_at):
            continue
        # Only if still RUNNING by that worker: another server may be recovering it too.
        taken = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_STOPPED,
            traceback=f"{WORKER_STOPPED}: the worker {worker_id or '(unknown)'} stopped "
            "before this task finished.\n",
        )
        if taken:
            abandoned.append(
                AbandonedTask(
                    task_path=row.task_path,
                    args=list(row.args_kwargs.get("args", [])),
                    kwargs=dict(row.args_kwargs.get("kwargs", {})),
                    worker_id=worker_id,
                )
            )
    WorkerHeartbeat.objects.filter(worker_id__in=dead - {stopped_worker_id}).delete()
    return abandoned


def pending_task_calls(task_path: str) -> list[tuple[list[Any], dict[str, Any]]]:
    """The arguments of the tasks ``task_path`` queued or running now, for recoveries that
    must keep what a live task holds."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=task_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True)
    return [(list(r.get("args", [])), dict(r.get("kwargs", {}))) for r in rows]

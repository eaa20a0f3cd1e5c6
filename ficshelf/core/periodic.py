"""Work that must happen on a schedule, enqueued by ``ficshelf serve`` for the worker.

django-tasks has no scheduler of its own; a small install should need no cron either. The
supervisor in ``serve`` asks ``PeriodicSchedule.due()`` twice a second and enqueues what is
due; the worker runs it. Bigger installs may instead run the same management commands from
cron and start ``serve --no-schedule``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from ficshelf.core.disk_full import skipped_if_full

# (task's dotted path, seconds between runs)
PERIODIC_TASKS: list[tuple[str, float]] = [
    ("ficshelf.social.tasks.send_notification_digests", 60 * 60),
    ("ficshelf.works.tasks.purge_old_drafts", 24 * 60 * 60),
    # Works and chapters their creators scheduled (works.scheduling): posted within a minute.
    ("ficshelf.works.tasks.post_scheduled", 60),
    # Hits wait in the cache (social.hits) until this adds them to the works' counts.
    ("ficshelf.social.tasks.flush_hits", 30),
    # Changes ask for a drain themselves (search.queue.schedule_drain); this is the backstop
    # for a change committed while a drain was running, and for the queue left at a restart.
    ("ficshelf.search.tasks.drain_index_queue", 30),
    # Kept work pages' change rows folded, one per work (search.page_versions).
    ("ficshelf.search.tasks.fold_work_page_changes", 5 * 60),
    # Collections whose reveal time has come (collections.tasks).
    ("ficshelf.collections.tasks.reveal_due_collections", 60),
    # Exchange writers whose gift is due soon (challenges.tasks).
    ("ficshelf.challenges.tasks.remind_writers", 60 * 60),
    # Members' data exports past their expiry (downloads.member_data).
    ("ficshelf.downloads.tasks.remove_expired_member_data", 60 * 60),
    # Tasks left RUNNING by a worker on a server that died (core.recovery).
    ("ficshelf.core.tasks.recover_abandoned_work", 5 * 60),
]
# The first run comes soon after start, so a restart never postpones a day's work a day.
FIRST_RUN_AFTER = 60.0


@dataclass
class PeriodicSchedule:
    tasks: list[tuple[str, float]] = field(default_factory=lambda: list(PERIODIC_TASKS))
    clock: Callable[[], float] = time.monotonic
    _next_run: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        now = self.clock()
        self._next_run = {
            path: now + min(FIRST_RUN_AFTER, interval) for path, interval in self.tasks
        }

    def due(self) -> list[str]:
        """Paths of the tasks due now; each is then scheduled one interval later."""
        now = self.clock()
        due = []
        for path, interval in self.tasks:
            if now >= self._next_run[path]:
                due.append(path)
                self._next_run[path] = now + interval
        return due


def enqueue(path: str) -> None:
    # On a full disk the task cannot be stored: it is skipped (and said once), not allowed
    # to stop ``serve`` and with it the pages that can still be read; it runs next time.
    with skipped_if_full(f"asking for {path.rsplit('.', 1)[-1]}"):
        import_string(path).enqueue()

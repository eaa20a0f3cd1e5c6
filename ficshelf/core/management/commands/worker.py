"""``ficshelf worker``: the background worker that ``serve`` runs (django-tasks' database
worker, kept alive through database outages, and recovering after a crash).

On start it waits for the database, recovers what a dead worker left (``core.recovery``),
starts its heartbeat (``core.workers``) and runs django-tasks-db's worker loop. A database
that goes away mid-run is waited for, not a reason to exit: the loop starts again when it
is back, and a task the outage interrupted is recovered like a dead worker's. The log
keeps what an operator needs (task failures, outages, recoveries), not a line per task.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ficshelf.core.database import DATABASE_AWAY_ERRORS, describe, drop_connections
from ficshelf.core.database import wait_for_database as _wait_for_database
from ficshelf.core.recovery import recover
from ficshelf.core.workers import Heartbeat, new_worker_id

logger = logging.getLogger("ficshelf.worker")

LONGEST_WAIT_SECONDS = 30.0


class Command(BaseCommand):
    help = "Run the background worker (downloads, mails, search index); serve starts it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks for new tasks when there is nothing to do.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        _quiet_task_logs(options["verbosity"])
        worker_id = new_worker_id()
        worker = Worker(
            queue_names=["default"], interval=options["interval"], batch=False,
            backend_name="default", startup_delay=False, max_tasks=None,
            worker_id=worker_id, excluded_queue_names=[],
        )  # fmt: skip
        # Ctrl-C or SIGTERM: django-tasks-db's handlers finish the task under way (a second
        # one stops it), or exit at once between tasks.
        worker.configure_signals()
        heartbeat = Heartbeat(worker_id)
        _wait_for_database_to(recover)
        _wait_for_database_to(heartbeat.start)
        try:
            while True:
                try:
                    worker.run()
                    return
                except DATABASE_AWAY_ERRORS as error:
                    if not worker.running:
                        return
                    logger.warning(
                        "The worker lost the database (%s); it waits for it.", describe(error)
                    )
                    drop_connections()
                    # The task under way could not record its end: recovered as abandoned.
                    _wait_for_database_to(
                        lambda: recover(stopped_worker_id=worker_id), announce=False
                    )
                    logger.warning("The worker has the database again.")
        finally:
            heartbeat.stop()


def _wait_for_database_to(attempt: Any, *, announce: bool = True) -> None:
    announced = not announce

    def on_wait(error: BaseException, seconds: float) -> None:
        nonlocal announced
        if not announced:
            logger.warning(
                "The worker waits for the database (%s); trying again every few seconds.",
                describe(error),
            )
            announced = True

    _wait_for_database(
        attempt, on_wait=on_wait, longest_delay=LONGEST_WAIT_SECONDS, sleep=time.sleep
    )


def _quiet_task_logs(verbosity: int) -> None:
    """django-tasks logs every task's start and end at INFO, and django-tasks-db its
    shutdown at WARNING: noise every few seconds. Failures (ERROR) still show; -v 2 shows
    everything."""
    if verbosity >= 2:
        for name in ("django_tasks", "django_tasks_db", "ficshelf.worker"):
            logging.getLogger(name).setLevel(logging.INFO)
        return
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    logging.getLogger("django_tasks_db").setLevel(logging.ERROR)

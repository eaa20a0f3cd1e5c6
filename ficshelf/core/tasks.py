"""Background work of core: recovering what dead processes left (``core.recovery``)."""

from __future__ import annotations

from django_tasks import task

from ficshelf.core.recovery import recover


@task()
def recover_abandoned_work() -> int:
    # Workers recover when they start; this finds the tasks of a server that died whole
    # and never started again, once its heartbeat has aged.
    return len(recover())

"""What the archive's processes say about themselves: the workers' heartbeats."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker (``ficshelf worker``), so that a task it left RUNNING when it died
    can be told from one it is still running, also from another server sharing the
    database (``core.workers``). Renewed every few seconds; removed when the worker stops
    cleanly, or by the recovery that finds it dead."""

    # django-tasks-db records this id in each task row the worker claims.
    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)  # for people reading the table
    # The boot and process namespace the worker runs in: a worker of the same machine is
    # known dead as soon as its process is gone, without waiting for its heartbeat to age.
    machine = models.CharField(max_length=100)
    process = models.CharField(max_length=40)  # "pid@start time", so a reused pid differs
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id}"

"""Who the workers are and whether they are alive, for recovering what a dead one left.

django-tasks-db marks a task RUNNING with the claiming worker's id and nothing else: a
worker killed mid-task leaves the row RUNNING for ever. Each ``ficshelf worker`` therefore
keeps a ``WorkerHeartbeat`` row, renewed every ``BEAT_SECONDS`` by a thread. A worker is
dead when

- it ran on this machine (same boot, same process namespace) and its process is gone, or
- its heartbeat is older than ``STALE_AFTER_SECONDS`` (another server, perhaps gone whole).

A task row whose worker has no heartbeat at all (a plain ``db_worker``, or a row from
before heartbeats) is taken for abandoned only ``UNKNOWN_WORKER_AFTER_SECONDS`` after it
started, so a live worker of another kind is never robbed of its task.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from ficshelf.core.models import WorkerHeartbeat

BEAT_SECONDS = 10
STALE_AFTER_SECONDS = 120
UNKNOWN_WORKER_AFTER_SECONDS = 60 * 60


@dataclass(frozen=True)
class ProcessIdentity:
    """Where a process runs (``machine``) and which process it is (``process``)."""

    machine: str
    process: str


def this_machine() -> str:
    """The boot and process namespace we run in ('' when unknown, off Linux). Two
    containers on one host share the boot but not the namespace, and pids are only
    comparable within one namespace."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = str(Path("/proc/self/ns/pid").readlink())
    except OSError:
        return ""
    return f"{boot}/{namespace}"[:100]


def process_tag(pid: int) -> str | None:
    """``pid@start time`` of a running process; None when no such process runs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return f"{pid}@?"
    # The command name (field 2) may hold spaces and parentheses: count after its end.
    fields = stat.rsplit(")", 1)[1].split()
    return f"{pid}@{fields[19]}"  # field 22, the start time in clock ticks since boot


def this_process() -> ProcessIdentity:
    return ProcessIdentity(this_machine(), process_tag(os.getpid()) or f"{os.getpid()}@?")


def new_worker_id() -> str:
    """Readable in the task table (host and pid) and unique (a random part)."""
    host = socket.gethostname().split(".")[0][:40] or "worker"
    return f"{host}-{os.getpid()}-{secrets.token_hex(4)}"


def is_dead(heartbeat: WorkerHeartbeat, *, now: datetime.datetime, here: str) -> bool:
    if here and heartbeat.machine == here:
        pid = int(heartbeat.process.split("@", 1)[0])
        return process_tag(pid) != heartbeat.process
    return (now - heartbeat.beat_at).total_seconds() > STALE_AFTER_SECONDS


class Heartbeat:
    """The running worker's heartbeat row, renewed by a daemon thread until ``stop``."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def start(self) -> None:
        identity = this_process()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "machine": identity.machine,
                "process": identity.process,
                "beat_at": timezone.now(),
            },
        )
        if not self._thread.is_alive():  # started again after the database was away
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=BEAT_SECONDS)
        # When the database is away, the row ages into "dead" and a recovery removes it.
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def _beat(self) -> None:
        while not self._stopped.wait(BEAT_SECONDS):
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                    beat_at=timezone.now()
                )
            except DatabaseError:
                pass  # the database is away: the main loop says so, and waits for it
            finally:
                # This thread's own connection: closed, so a restarted database never
                # meets a dead socket here, and SQLite holds no extra connection.
                connection.close()
